// The operator puts spec.targetSpec.labels on every target pod, under its own five labels
// (aistore.ts targetPodLabels). The engine matches the CR's anti-affinity terms against that merge;
// the AIStore policy matched them against the operator's five alone, so a term on a user label
// (a selector on it, DoesNotExist, mismatchLabelKeys) got the opposite answer: false denies of
// valid CRs and missed denies of CRs whose targets stay Pending.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { mutatingPolicies } from '../../src/map/index.js';
import { aistore, run } from '../support/builders.js';
import { mutate } from '../map/support/map-eval.js';
import { judgeAgreement } from '../vap/support/agreement.js';

const APP = { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' };
const antiAffinity = (selector: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: selector, topologyKey: 'kubernetes.io/hostname', ...extra },
    ],
  },
});
/** `cr` with spec.targetSpec.labels. */
const labelled = (cr: KubeObject, labels: Record<string, string>): KubeObject => {
  const spec = cr.spec as { targetSpec: Record<string, unknown> };
  return { ...cr, spec: { ...spec, targetSpec: { ...spec.targetSpec, labels } } };
};
const TEAM = { team: 'x' };
const MAPS = mutatingPolicies().filter((o) => o.kind === 'MutatingAdmissionPolicy');

const CASES: { name: string; object: KubeObject; engine: string[] }[] = [
  {
    name: 'anti-affinity off, a required term on a user label: the targets select each other',
    object: labelled(aistore({ disable: true, affinity: antiAffinity({ matchLabels: TEAM }) }), TEAM),
    engine: ['target-anti-affinity'],
  },
  {
    name: 'anti-affinity off, a term asking DoesNotExist of a label every target carries: selects none',
    object: labelled(
      aistore({
        disable: true,
        affinity: antiAffinity({
          matchLabels: APP,
          matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }],
        }),
      }),
      TEAM,
    ),
    engine: [],
  },
  {
    name: 'anti-affinity off, a term with a user label in mismatchLabelKeys: selects none',
    object: labelled(
      aistore({
        disable: true,
        affinity: antiAffinity({ matchLabels: APP }, { mismatchLabelKeys: ['team'] }),
      }),
      TEAM,
    ),
    engine: [],
  },
  {
    name: "hostPort, the CR's own term on a user label keeps targets apart",
    object: labelled(aistore({ hostPort: 51081, affinity: antiAffinity({ matchLabels: TEAM }) }), TEAM),
    engine: [],
  },
  {
    name: "hostPort, the CR's own term has a user label in mismatchLabelKeys: anti-affinity is off",
    object: labelled(
      aistore({
        hostPort: 51081,
        affinity: antiAffinity({ matchLabels: APP }, { mismatchLabelKeys: ['team'] }),
      }),
      TEAM,
    ),
    engine: ['target-host-port'],
  },
  {
    name: "a user label of an operator label's key is overridden by the operator's",
    object: labelled(
      aistore({ hostPort: 51081, affinity: antiAffinity({ matchLabels: { app: 'other' } }) }),
      { app: 'other' },
    ),
    engine: ['target-host-port'],
  },
];

describe("the AIStore policy reads the target pods' labels as the operator merges them", () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (name, c) => {
    for (const operation of ['CREATE', 'UPDATE'] as const) {
      const outcome = judgeAgreement({
        name,
        operation,
        object: c.object,
        oldObject: operation === 'UPDATE' ? aistore({ size: 1 }) : undefined,
      });
      expect(outcome.errors).toEqual([]);
      expect(outcome.engine).toEqual(c.engine);
      expect(outcome.vap).toEqual(c.engine);
    }
  });
});

describe("the AIStore MAP reads the CR's own anti-affinity terms against the same labels", () => {
  it("pinned, the CR's own term on a user label keeps targets apart: anti-affinity is on, the MAP turns it off as the engine does", () => {
    const object = labelled(
      aistore({
        nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
        affinity: antiAffinity({ matchLabels: TEAM }),
      }),
      TEAM,
    );
    const engine = run({ name: 'map', object, operation: 'CREATE' });
    let mutated = object;
    for (const policy of MAPS) mutated = mutate(policy, 'CREATE', mutated).object;
    expect(
      (engine.object.spec as { targetSpec: Record<string, unknown> }).targetSpec.disablePodAntiAffinity,
    ).toBe(true);
    expect(mutated).toEqual(engine.object);
  });
});
