// Review "fresh28": rollsTargets (src/policy/rollout.ts targetTemplateInputs) still compares two of
// the aisnode container's inputs as written where the operator decodes them into corev1 types and
// compares with equality.Semantic (internal/controller/aistore/common.go shouldUpdateContainerSpec:
// `c.securityContext && !equality.Semantic.DeepEqual(desired.SecurityContext, current.SecurityContext)`
// and `c.env && !equality.Semantic.DeepEqual(desired.Env, current.Env)`; the container's
// SecurityContext is the CR's aisContainerSecurityContext as written, cmn/statefulset.go
// GetAISSecurityContext; its env the CR's, cmn/utils.go MergeEnvVars):
//  - aisSecurity is `pointer(...)` as written: `capabilities.add: []` is nil to equality.Semantic
//    (empty and nil slices are equal), and seLinuxOptions.user "" is that string field's zero value;
//  - env goes through settled(), which keeps a resourceFieldRef divisor as written, where
//    equality.Semantic compares resource.Quantity with Cmp: "1Mi" and "1048576" are one divisor.
// Checked with a Go program over k8s.io/api + apimachinery v0.36.1 (the operator's go.mod):
// equality.Semantic.DeepEqual gives true for both pairs below. The guard calls each update a rollout
// of the targets, and the ratchet keeps the pv-target-binding denial of targets whose node was tainted
// since they started (same impact as review oper27 rollout-zero-values, which fixed env "" /
// tolerations / pod securityContext only).
import { describe, expect, it } from '@jest/globals';
import { type KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';
import { ratchet, rolls, withTarget } from '../support/rollout.js';

const ratchetDenies = (stored: KubeObject, next: KubeObject) =>
  ratchet((o) => o, stored, next)
    .findings.filter((f) => f.action === 'deny' && f.ruleId === 'pv-target-binding')
    .map((f) => f.message);

const CR = aistore({ size: 4, disable: true });
const memEnv = (divisor: string) => [
  { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor } } },
];

const cases: [string, KubeObject, KubeObject][] = [
  [
    'aisContainerSecurityContext {capabilities: {add: [], drop: [ALL]}, seLinuxOptions: {user: ""}} -> {capabilities: {drop: [ALL]}, seLinuxOptions: {}}',
    withTarget(CR, {
      aisContainerSecurityContext: { capabilities: { add: [], drop: ['ALL'] }, seLinuxOptions: { user: '' } },
    }),
    withTarget(CR, { aisContainerSecurityContext: { capabilities: { drop: ['ALL'] }, seLinuxOptions: {} } }),
  ],
  [
    'env resourceFieldRef divisor "1Mi" -> "1048576"',
    withTarget(CR, { env: memEnv('1Mi') }),
    withTarget(CR, { env: memEnv('1048576') }),
  ],
];

describe('review fresh28: rollsTargets compares as written what equality.Semantic takes as equal', () => {
  for (const [what, stored, next] of cases) {
    it(`rollsTargets is false: ${what}`, () => expect(rolls(stored, next)).toBe(false));
    it(`ratchet: ${what} with node-1 tainted is not refused as a rollout`, () =>
      expect(ratchetDenies(stored, next)).toEqual([]));
  }
  it('control: a real securityContext change rolls and is refused', () => {
    const stored = withTarget(CR, { aisContainerSecurityContext: { capabilities: { drop: ['ALL'] } } });
    const next = withTarget(CR, { aisContainerSecurityContext: { capabilities: { drop: ['NET_RAW'] } } });
    expect(rolls(stored, next)).toBe(true);
    expect(ratchetDenies(stored, next).length).toBeGreaterThan(0);
  });
});
