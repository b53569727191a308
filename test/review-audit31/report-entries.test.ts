// Review audit31: the result entries of the PolicyReports and OpenReports `audit` writes, read as
// Policy Reporter, kubectl and compliance tools read them (wgpolicyk8s.io v1alpha2 and openreports.io
// v1alpha1 ReportResult: "warn: the policy requirements are not met and the policy is not scored").
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { openReports, policyReports } from '../../src/audit/index.js';
import { audit } from '../../src/cli/audit.js';
import { parseSource } from '../../src/cli/load.js';
import { RULES } from '../../src/policy/index.js';
import { fixture } from '../support/fixtures.js';

interface Entry {
  rule: string;
  result: string;
  scored: boolean;
  message: string;
}

// Fixture 06 (a claim named the old doc's way: fail) and 04 (PVs pre-bound elsewhere: warn), passes.
const AUDITED = audit(
  ['04', '06'].flatMap((p) =>
    parseSource(p, readFileSync(fixture(p), 'utf8'), []).manifests.map((m) => m.object),
  ),
);

describe.each([
  ['PolicyReports', policyReports],
  ['OpenReports', openReports],
] as const)('review audit31: %s result entries', (_name, build) => {
  const entries = build(AUDITED, { now: 1 }).flatMap((r) => r.results as Entry[]);
  const of = (result: string) => entries.filter((e) => e.result === result);

  it('has fail, warn and pass entries to look at', () => {
    expect(of('fail').length).toBeGreaterThan(0);
    expect(of('warn').length).toBeGreaterThan(0);
    expect(of('pass').length).toBeGreaterThan(0);
  });

  // Both specs define warn as "not met, and the policy is not scored", and Kyverno writes a warn
  // only for a policy annotated policies.kyverno.io/scored: "false": a warn marked scored is a
  // contradiction a compliance score (pass / scored results) counts as a checked requirement.
  it('a warn is not scored; fail and pass are', () => {
    expect(of('warn').map((e) => e.scored)).toEqual(of('warn').map(() => false));
    expect([...of('fail'), ...of('pass')].every((e) => e.scored)).toBe(true);
  });

  it("a pass's message says nothing was found, not the problem the rule looks for", () => {
    const titles = new Set(RULES.map((r) => r.title));
    for (const e of of('pass')) {
      expect(titles.has(e.message)).toBe(false);
      expect(e.message).toMatch(/^no finding: /);
      expect(titles.has(e.message.replace(/^no finding: /, ''))).toBe(true);
    }
  });
});
