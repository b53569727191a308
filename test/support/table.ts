// Table-driven rule tests: each row is an object, its context and the findings one rule must give.
import { expect } from '@jest/globals';
import { findingsOf, run, type Case } from './builders.js';
import { RULE_DOC_BASE, type Evaluation } from '../../src/policy/index.js';

export interface Expected {
  deny?: RegExp[];
  warn?: RegExp[];
  /** Whether the evaluation must change the object (JSON Patch not empty). */
  patched?: boolean;
  /** When given, the fixes of the rule's findings, in order. */
  fix?: RegExp[];
}

export type Row = Case & { expect: Expected };

export function checkRow(ruleId: string, row: Row): Evaluation {
  const ev = run(row);
  const mine = findingsOf(ev, ruleId);
  const by = (severity: string) => mine.filter((f) => f.severity === severity).map((f) => f.message);
  expect(by('deny')).toEqual((row.expect.deny ?? []).map((r) => expect.stringMatching(r)));
  expect(by('warn')).toEqual((row.expect.warn ?? []).map((r) => expect.stringMatching(r)));
  if (row.expect.patched !== undefined) expect(ev.patch.length > 0).toBe(row.expect.patched);
  if (row.expect.fix)
    expect(mine.map((f) => f.fix)).toEqual(row.expect.fix.map((r) => expect.stringMatching(r)));
  for (const f of mine) {
    expect(f.fix.length).toBeGreaterThan(0);
    expect(f.doc).toBe(`${RULE_DOC_BASE}#${ruleId}`);
    expect(f.path === '' || f.path.startsWith('/')).toBe(true);
  }
  return ev;
}
