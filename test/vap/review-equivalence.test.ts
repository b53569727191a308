// Review (branch review-vap): objects where the exported policies and evaluate() (the object alone)
// disagree on a covered rule. Each case fails today; the judge is agreement.test.ts's.
import { describe, expect, it } from '@jest/globals';
import { admissionPolicies, coverage } from '../../src/vap/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, run, targetPod, targetStatefulSet } from '../support/builders.js';
import type { AgreementCase } from './cases.js';
import { admit } from './support/vap-eval.js';

const POLICIES = admissionPolicies().filter((o) => o.kind === 'ValidatingAdmissionPolicy');
const COVERED = new Map(coverage().map((c) => [c.kind, c.rules]));

function judge(c: AgreementCase) {
  const covered = COVERED.get(c.object.kind ?? '') ?? [];
  const ev = run({ name: c.name, object: c.object, operation: c.operation, oldObject: c.oldObject });
  const engine = [
    ...new Set(ev.findings.filter((f) => f.action === 'deny' && covered.includes(f.ruleId)).map((f) => f.ruleId)),
  ].sort();
  const verdicts = POLICIES.map((p) => admit(p, c));
  const vap = [...new Set(verdicts.flatMap((v) => v.failures.map((f) => f.rule)))].sort();
  return { engine, vap, errors: verdicts.flatMap((v) => v.errors) };
}

const AIS_OWNER = { apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: 'ais', uid: 'u1' };
const withMeta = (o: KubeObject, m: Record<string, unknown>): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, ...m },
});
const create = (name: string, object: KubeObject): [string, AgreementCase] => [
  name,
  { name, operation: 'CREATE', object },
];

const CASES: [string, AgreementCase][] = [
  // mount-template-name: the engine denies a claim mount whose size is under one byte or past
  // 2^63-1 (wholeBytes); the policy only asks has(m.size). The CRD's quantity pattern accepts all.
  ...['0', '0Ti', '-1Ti', '500m', '1e100', '9Ei'].map((size) =>
    create(`CR: claim mount size ${size}`, aistore({ mounts: [{ path: '/data/aistore', size }] })),
  ),
  create('CR: claim mount size 0 (integer)', aistore({ mounts: [{ path: '/data/aistore', size: 0 as never }] })),
  // Scope: recognise.ts takes a StatefulSet/Pod by its name and an AIStore owner of that name, with
  // no target labels; the policies' matchConditions ask for a component label first.
  create(
    'STS ais-target owned by AIStore ais, no component label, hostPort',
    withMeta(targetStatefulSet({ hostPort: 51081 }), {
      labels: { 'app.kubernetes.io/name': 'ais' },
      ownerReferences: [AIS_OWNER],
    }),
  ),
  create(
    'STS ais-target owned by AIStore ais, no labels, hostNetwork',
    withMeta(targetStatefulSet({ hostNetwork: true }), { labels: {}, ownerReferences: [AIS_OWNER] }),
  ),
  create(
    'Pod ais-target-1 owned by AIStore ais, no labels, hostPort',
    withMeta(targetPod({ ordinal: 1, hostPort: 51081 }), { labels: {}, ownerReferences: [AIS_OWNER] }),
  ),
  // The engine's owner is the first AIStore ownerReference; the policy takes any of them.
  create(
    'Pod with two AIStore owners, the labelled CR second, hostPort',
    withMeta(targetPod({ ordinal: 1, hostPort: 51081 }), {
      labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
      ownerReferences: [{ ...AIS_OWNER, name: 'other', uid: 'u0' }, AIS_OWNER],
    }),
  ),
];

describe('review: VAP vs engine disagreements', () => {
  it.each(CASES)('%s', (_name, c) => {
    const outcome = judge(c);
    expect(outcome.errors).toEqual([]);
    expect(outcome.vap).toEqual(outcome.engine);
  });
});
