// One rule's findings on one object are bounded (rule.ts MAX_RULE_FINDINGS): past the cap, one
// finding counts the rest. A target Pod with 62,000 hostPorts got a finding each: a 39.6 MB answer
// and 186,005 lines of `ais-guard check`. Counted, not timed.
import { describe, expect, it } from '@jest/globals';
import { EMPTY_CONTEXT, evaluate, RULES, type KubeObject, type Rule } from '../../src/policy/index.js';
import { commonPointer, MAX_RULE_FINDINGS, type Reporter } from '../../src/policy/rule.js';
import { targetPod } from '../support/builders.js';

/** A target Pod judged by one made-up rule that reports `count` findings through `each`. */
function judgedBy(count: number, each: (report: Reporter, i: number) => void) {
  const looping = {
    ...RULES.find((r) => r.id === 'target-host-port')!,
    id: 'looping',
    check: ({ report }: { report: Reporter }) => {
      for (let i = 0; i < count; i++) each(report, i);
    },
  } as unknown as Rule;
  const object: KubeObject = targetPod({ ordinal: 1 });
  return evaluate({ operation: 'CREATE', object }, EMPTY_CONTEXT, { rules: [looping] });
}

const denyAt = (path: (i: number) => string) => (report: Reporter, i: number) =>
  report.deny(path(i), `fault ${i}`, 'Fix it.');

describe('the findings of one rule on one object', () => {
  it('up to the cap: every one, as reported', () => {
    const ev = judgedBy(
      MAX_RULE_FINDINGS,
      denyAt((i) => `/spec/x/${i}`),
    );
    expect(ev.findings.map((f) => f.message)).toEqual(
      Array.from({ length: MAX_RULE_FINDINGS }, (_, i) => `fault ${i}`),
    );
  });

  it('10,000: the first MAX_RULE_FINDINGS, then one that counts the rest, where they lie', () => {
    const ev = judgedBy(
      10_000,
      denyAt((i) => `/spec/containers/0/ports/${i}/hostPort`),
    );
    expect(ev.findings).toHaveLength(MAX_RULE_FINDINGS + 1);
    expect(ev.allowed).toBe(false);
    expect(ev.findings.at(-1)).toMatchObject({
      ruleId: 'looping',
      action: 'deny',
      path: '/spec/containers/0/ports',
      message: `${10_000 - MAX_RULE_FINDINGS} more finding(s) of this rule at /spec/containers/0/ports (not listed one by one).`,
      fix: 'Fix it.',
    });
    const size = ev.findings.reduce((n, f) => n + f.message.length + f.fix.length + f.path.length, 0);
    expect(size).toBeLessThan(4_000);
  });

  it('the count is a deny if any counted one was, and says the fixes differ', () => {
    const ev = judgedBy(MAX_RULE_FINDINGS + 3, (report, i) =>
      i === MAX_RULE_FINDINGS + 1
        ? report.deny(`/a/${i}`, 'bad', 'Fix a.')
        : report.warn(`/b/${i}`, 'odd', 'Fix b.'),
    );
    expect(ev.findings.at(-1)).toMatchObject({
      action: 'deny',
      path: '',
      message: '3 more finding(s) of this rule at the object (not listed one by one).',
      fix: 'The same fixes as above, for each of them.',
    });
  });

  it('warnings only: the count warns', () => {
    const ev = judgedBy(MAX_RULE_FINDINGS + 1, (report, i) => report.warn(`/b/${i}`, 'odd', 'Fix b.'));
    expect(ev.allowed).toBe(true);
    expect(ev.findings.at(-1)).toMatchObject({ action: 'warn', path: `/b/${MAX_RULE_FINDINGS}` });
  });
});

describe('commonPointer', () => {
  it.each([
    [
      '/spec/containers/0/ports/5/hostPort',
      '/spec/containers/0/ports/6/hostPort',
      '/spec/containers/0/ports',
    ],
    ['/spec/containers/0/ports', '/spec/containers/0/ports/6/hostPort', '/spec/containers/0/ports'],
    ['/spec/containers/0/ports/6/hostPort', '/spec/containers/0/ports', '/spec/containers/0/ports'],
    ['/x/ab', '/x/a', '/x'],
    ['/x/a', '/x/ab', '/x'],
    ['/x/a/b', '/x/a/b', '/x/a/b'],
    ['/a', '/b', ''],
    ['', '/b', ''],
    ['/spec/containers/1/ports/0/hostPort', '/spec/initContainers/0/ports/0/hostPort', '/spec'],
  ])('%s and %s: %s', (a, b, common) => {
    expect(commonPointer(a, b)).toBe(common);
  });
});
