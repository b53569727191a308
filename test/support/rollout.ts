// Whether an AIStore UPDATE rolls the targets (src/policy/rollout.ts rollsTargets) and what the
// ratchet (src/policy/evaluate.ts) makes of it on a cluster whose node-1 was tainted after the
// targets started there: the scaffolding the rollout reviews (recovery/review-roll22,
// review-fresh22p, review-last22, review-fresh20p, review-oper26/rollout-normalised,
// review-oper27/rollout-zero-values) share.
/* eslint-disable @typescript-eslint/no-explicit-any -- policy objects read field by field */
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { rollsTargets } from '../../src/policy/rollout.js';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { admissionPolicies } from '../../src/vap/index.js';
import { node, targetStatefulSet } from './builders.js';
import { changed, twoPerNodeDisks } from './sides.js';

/** The ValidatingAdmissionPolicies that match AIStore objects. */
export const AISTORE_VAP = admissionPolicies().filter(
  (o: any) =>
    o.kind === 'ValidatingAdmissionPolicy' &&
    o.spec.matchConstraints.resourceRules[0].resources.includes('aistores'),
);

export const rolls = (stored: KubeObject, next: KubeObject) =>
  rollsTargets(stored as AIStoreCR, next as AIStoreCR);

/** The CR with `extra` merged into spec / spec.targetSpec. */
export const withSpec = (o: KubeObject, extra: Record<string, unknown>) =>
  changed(o, (c) => Object.assign(c.spec, extra));
export const withTarget = (o: KubeObject, extra: Record<string, unknown>) =>
  changed(o, (c) => Object.assign(c.spec.targetSpec, extra));

/** `ruleId: message` of each deny. */
export const denies = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.filter((f) => f.action === 'deny').map((f) => `${f.ruleId}: ${f.message}`);

/** The node tainted NoSchedule after the targets started there. */
export const tainted = (n: KubeObject) =>
  changed(n, (c) => {
    c.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
  });

/** 4 targets two per node, anti-affinity off; node-1 tainted after the targets started there. */
const world = (cr: KubeObject) => [
  cr,
  targetStatefulSet({ replicas: 4 }),
  tainted(node('node-1')),
  node('node-2'),
  ...twoPerNodeDisks(4),
];

/** The UPDATE stored -> next judged on that cluster, every object seen through `side`. */
export const ratchet = (side: (o: KubeObject) => KubeObject, stored: KubeObject, next: KubeObject) =>
  evaluate(
    { operation: 'UPDATE', object: next, oldObject: stored },
    new ClusterContext(world(stored).map(side)),
  );
