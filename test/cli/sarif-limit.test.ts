// GitHub code scanning rejects a whole SARIF upload whose run holds more than 25,000 results
// (docs.github.com, "SARIF results exceed hard limit"). `check -o sarif` of a large GitOps tree
// can find more; src/cli/report/sarif.ts keeps the most severe and says how many it left out.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { judge } from '../../src/cli/judge.js';
import { parseSource } from '../../src/cli/load.js';
import { MAX_RESULTS, renderSarif } from '../../src/cli/report/sarif.js';
import type { JudgedFinding } from '../../src/policy/index.js';

// The findings are made here, not by the rules: the limit is the report's, whatever the rule.
const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ais-data-aistore-ais-target-0
  namespace: ais
`;

/** A report of one document holding `counts` findings of each action, in the order given. */
function reportWith(counts: [JudgedFinding['action'], number][]) {
  const errors: { file: string; line?: number; message: string }[] = [];
  const [judged] = judge(parseSource('claims.yaml', CLAIM, errors).manifests, {});
  const findings: JudgedFinding[] = counts.flatMap(([action, n]) =>
    Array.from({ length: n }, (_, i) => ({
      ruleId: 'pvc-name',
      severity: 'deny' as const,
      action,
      message: `${action} ${i}.`,
      path: '/metadata/name',
      fix: 'Name it as the StatefulSet claims it.',
      doc: '',
    })),
  );
  return { judged: [{ ...judged!, evaluation: { ...judged!.evaluation, findings } }], errors };
}

const runOf = (out: string) => JSON.parse(out).runs[0];
const messages = (run: { results: { message: { text: string } }[] }) =>
  run.results.map((r) => r.message.text.split('.')[0]);

describe("check -o sarif within code scanning's 25,000 results per run", () => {
  it('keeps every result up to the limit and says nothing of it', () => {
    const run = runOf(renderSarif(reportWith([['warn', MAX_RESULTS]]), '0'));
    expect(run.results).toHaveLength(MAX_RESULTS);
    expect(run.invocations[0].toolExecutionNotifications).toEqual([]);
  });

  it('past it, keeps the errors, then the first warnings, in document order, and names what it left out', () => {
    const report = reportWith([
      ['audit', 1_000],
      ['warn', 20_000],
      ['deny', 10_000],
    ]);
    const run = runOf(renderSarif(report, '0'));
    expect(run.results).toHaveLength(MAX_RESULTS);
    expect(messages(run)).toEqual([
      ...Array.from({ length: 15_000 }, (_, i) => `warn ${i}`),
      ...Array.from({ length: 10_000 }, (_, i) => `deny ${i}`),
    ]);
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text: '6000 of 31000 results left out, the least severe: code scanning rejects a run of more than 25000; `check -o text` or `-o json` lists them all.',
        },
        properties: { leftOut: { error: 0, warning: 5_000, note: 1_000 } },
      },
    ]);
    // What fails the run is judged on every finding, not on those the upload keeps.
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });

  it("the action's summary still counts every finding, and the notice is no input error", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sarif-limit-'));
    const sarif = join(dir, 'ais-guard.sarif');
    const outputs = join(dir, 'outputs');
    writeFileSync(
      sarif,
      renderSarif(
        reportWith([
          ['warn', 20_000],
          ['deny', 10_000],
        ]),
        '0',
      ),
    );
    const script = resolve(import.meta.dirname, '..', '..', 'scripts', 'action', 'sarif-summary.mjs');
    const log = execFileSync(process.execPath, [script, sarif, outputs], { maxBuffer: 64 << 20 }).toString();
    expect(readFileSync(outputs, 'utf8')).toBe('denials=10000\nwarnings=20000\ninput-errors=0\n');
    expect(log).toMatch(/^::warning title=ais-guard%3A results left out::5000 of 30000 results left out/m);
  });
});
