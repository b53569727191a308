// One case judged both ways, as test/vap/agreement.test.ts and the reviews' VAP tests compare them:
// the engine's denials of the rules a policy covers (the object alone, as the apiserver sees it)
// and the rules whose validations the exported policies fail.
import { admissionPolicies, coverage } from '../../../src/vap/index.js';
import { run } from '../../support/builders.js';
import type { AgreementCase } from '../cases.js';
import { admit } from './vap-eval.js';

export const VAPS = admissionPolicies().filter((o) => o.kind === 'ValidatingAdmissionPolicy');
const COVERED = new Map(coverage().map((c) => [c.kind, c.rules]));

export function judgeAgreement(c: AgreementCase) {
  const covered = COVERED.get(c.object.kind ?? '') ?? [];
  const ev = run({ name: c.name, object: c.object, operation: c.operation, oldObject: c.oldObject });
  const engine = [
    ...new Set(
      ev.findings.filter((f) => f.action === 'deny' && covered.includes(f.ruleId)).map((f) => f.ruleId),
    ),
  ].sort();
  const verdicts = VAPS.map((p) => admit(p, c));
  const vap = [...new Set(verdicts.flatMap((v) => v.failures.map((f) => f.rule)))].sort();
  return { covered, engine, vap, errors: verdicts.flatMap((v) => v.errors), engineObject: ev.object };
}
