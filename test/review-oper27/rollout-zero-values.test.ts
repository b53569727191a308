// Review "oper27": rollsTargets (src/policy/rollout.ts targetTemplateInputs) compares
// targetSpec.env, targetSpec.tolerations and targetSpec.securityContext as JSON as written, where
// the operator decodes them into Go structs first (corev1.EnvVar, corev1.Toleration,
// corev1.PodSecurityContext) and compares with equality.Semantic (internal/controller/aistore/common.go
// shouldUpdateContainerSpec, shouldUpdateTolerations, shouldUpdatePodSecurityContext): a string field
// written "" is its zero value, a pointer written null is nil, an empty list is nil. So
// `{name: B}` and `{name: B, value: ""}` are one EnvVar, and `supplementalGroups: []` is no field at
// all. (None of these is a null, which the apiserver would prune from a CR before admission: each
// reaches the webhook as written.) The operator renders byte-identical target pod
// templates for each pair below (checked with the oracle binary's target.NewTargetSS), so it rolls
// nothing; the guard says the update "rolls the targets out" and the ratchet (evaluate.ts) keeps the
// pv-target-binding denial of targets whose node was tainted since they started, refusing a harmless
// update (same impact as review oper26 rollout-normalised).
import { describe, expect, it } from '@jest/globals';
import { type KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';
import { SIDES } from '../support/sides.js';
import { denies, ratchet, rolls, withTarget } from '../support/rollout.js';

const CR = aistore({ size: 4, disable: true });

const cases: [string, string, KubeObject, KubeObject][] = [
  [
    'env: {name: B} -> {name: B, value: ""}',
    'corev1.EnvVar.Value is a string: "" is unset (shouldUpdateContainerSpec, equality.Semantic)',
    withTarget(CR, { env: [{ name: 'A', value: '1' }, { name: 'B' }] }),
    withTarget(CR, {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '' },
      ],
    }),
  ],
  [
    'tolerations: {key, operator: Exists} -> the same with value: "" and effect: ""',
    'corev1.Toleration string fields: "" is unset (shouldUpdateTolerations)',
    withTarget(CR, { tolerations: [{ key: 'k', operator: 'Exists' }] }),
    withTarget(CR, { tolerations: [{ key: 'k', operator: 'Exists', value: '', effect: '' }] }),
  ],
  [
    'securityContext: {runAsNonRoot: false} -> the same with supplementalGroups: []',
    'corev1.PodSecurityContext: an empty list is nil to equality.Semantic (shouldUpdatePodSecurityContext)',
    withTarget(CR, { securityContext: { runAsNonRoot: false } }),
    withTarget(CR, { securityContext: { runAsNonRoot: false, supplementalGroups: [] } }),
  ],
];

describe('review oper27: rollsTargets compares as written what the operator decodes into Go zero values', () => {
  for (const [what, why, stored, next] of cases) {
    it(`rollsTargets is false: ${what} (${why})`, () => expect(rolls(stored, next)).toBe(false));
    it.each(SIDES)(`[%s] ratchet: ${what} with node-1 tainted is not refused as a rollout`, (_, side) => {
      const ev = ratchet(side, stored, next);
      expect(denies(ev).join('\n')).not.toMatch(/pv-target-binding/);
    });
  }
  it('control: a real env change does roll and is refused', () => {
    const stored = withTarget(CR, { env: [{ name: 'A', value: '1' }] });
    const next = withTarget(CR, { env: [{ name: 'A', value: '2' }] });
    expect(rolls(stored, next)).toBe(true);
    expect(denies(ratchet((o) => o, stored, next)).join('\n')).toMatch(/pv-target-binding/);
  });
});
