// A rule that cannot run on an object (junk a rule trips on, or a bug) denies it rather than let it
// through unjudged (src/policy/evaluate.ts failedRule). That deny is the guard's verdict, not a
// finding about the object, and the outputs that have a word for it must use that word:
// - PolicyReport and OpenReports: result `error` ("the policy could not be evaluated" in both
//   specs), counted in summary.error, where Policy Reporter shows it apart from failures;
// - JUnit: <error> (the test could not run) rather than <failure>;
// - the JSON reports: the finding or result still fails, marked `unjudged: true` (schema v1).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildReports, resultsOf, type AuditedObject } from '../../src/audit/index.js';
import { renderAuditJson } from '../../src/cli/audit.js';
import { renderJunitChunks } from '../../src/cli/report/junit.js';
import { renderJsonChunks } from '../../src/cli/report/json.js';
import { parseSource } from '../../src/cli/load.js';
import { EMPTY_CONTEXT, evaluate, RULES, type KubeObject, type Rule } from '../../src/policy/index.js';
import { targetPod } from '../support/builders.js';

const throwing = {
  ...RULES.find((r) => r.id === 'target-host-port')!,
  check: () => {
    throw new RangeError('Maximum call stack size exceeded');
  },
} as Rule;
const rules = RULES.map((r) => (r.id === throwing.id ? throwing : r));
const pod = { ...targetPod(), metadata: { ...targetPod().metadata, uid: 'u1' } } as KubeObject;
const evaluation = evaluate({ operation: 'CREATE', object: pod }, EMPTY_CONTEXT, { rules });
const audited: AuditedObject[] = [{ object: pod, evaluation, results: resultsOf(evaluation) }];

const schema = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../docs/schema/report.v1.json'), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

describe('a rule that could not judge the object', () => {
  it('is a deny marked unjudged in the core', () => {
    expect(evaluation.allowed).toBe(false);
    expect(evaluation.findings).toEqual([
      expect.objectContaining({ ruleId: 'target-host-port', action: 'deny', unjudged: true }),
    ]);
  });

  for (const kind of ['policyreport', 'openreports'] as const)
    it(`is an error result in the ${kind} report, counted as one`, () => {
      const [report] = buildReports(audited, [kind], { now: 1 }) as {
        results: { rule: string; result: string; severity?: string; scored: boolean }[];
        summary: Record<string, number>;
      }[];
      const mine = report!.results.find((r) => r.rule === 'target-host-port');
      expect(mine).toMatchObject({ result: 'error', scored: true });
      expect(mine?.severity).toBeUndefined();
      expect(report!.summary).toMatchObject({ error: 1, fail: 0 });
    });

  it('still fails the audit JSON, marked unjudged, within schema v1', () => {
    const report = JSON.parse(renderAuditJson(audited, [])) as {
      summary: Record<string, number>;
      objects: { result: string; results: { rule: string; result: string; unjudged?: true }[] }[];
    };
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    expect(report.summary.failing).toBe(1);
    expect(report.objects[0]!.results.find((r) => r.rule === 'target-host-port')).toMatchObject({
      result: 'fail',
      unjudged: true,
    });
    expect(report.objects[0]!.results.filter((r) => r.unjudged)).toHaveLength(1);
  });

  const [manifest] = parseSource('pods.yaml', JSON.stringify(pod), []).manifests;
  const judged = [{ manifest, evaluation }];
  const checkReport = { judged, errors: [], notes: [] } as unknown as Parameters<typeof renderJunitChunks>[0];

  it('check -o json carries unjudged within schema v1', () => {
    const report = JSON.parse([...renderJsonChunks(checkReport, '0')].join('')) as {
      results: { findings: { unjudged?: true }[] }[];
    };
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    expect(report.results[0]!.findings[0]!.unjudged).toBe(true);
  });

  it('is a JUnit <error>, not a <failure>', () => {
    const xml = [...renderJunitChunks(checkReport)].join('');
    expect(xml).toMatch(/<testsuite [^>]*failures="0" errors="1"/);
    expect(xml).toMatch(/<error type="target-host-port" message="[^"]*could not judge/);
    expect(xml).not.toMatch(/<failure/);
  });
});
