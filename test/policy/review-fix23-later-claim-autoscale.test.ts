// review fix23: pvc-name's new warning for a claim past the target count (acbf0e5) gives an
// autoscaled CR capped by autoScale.sizeLimit the fix "raise the target size", which does nothing,
// and pv-target-binding tells the same CR's PV it is used "until there are 3 such nodes" while 4
// already match.
//
// Operator: api/aistore/v1beta1/aistore_types.go IsTargetAutoScaling (spec.size or targetSpec.size
// -1) and GetTargetSize (autoscaled: min(matching nodes, autoScale.sizeLimit)); spec.size -1 wins
// over targetSpec.size. With 4 matching nodes and sizeLimit 2 the count is 2 because of sizeLimit:
// a claim for ais-target-2 is used only once sizeLimit is raised. "Raise the target size" leads the
// user to set targetSpec.size: 3, which is ignored while spec.size is -1 (or, on targetSpec.size
// -1, ends autoscaling); waiting for "3 such nodes" waits forever.
// Impact: the user follows the fix and nothing changes; the claim/PV stays unused.
// Expected: both messages name autoScale.sizeLimit as what caps the count when it does.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/types.js';
import { aistore, claimName, findingsOf, node, pv, pvc, run } from '../support/builders.js';

const base = aistore() as { spec: Record<string, unknown> & { targetSpec: Record<string, unknown> } };
const autoscaled = {
  ...base,
  spec: {
    ...base.spec,
    size: -1,
    targetSpec: { ...base.spec.targetSpec, nodeSelector: {}, autoScale: { sizeLimit: 2 } },
  },
} as unknown as KubeObject;
const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => node(n));

describe('review fix23: later-target claim of an autoscaled CR capped by sizeLimit', () => {
  it('pvc-name names sizeLimit, not the target size', () => {
    const ev = run({ name: 'pvc', object: pvc(claimName(2)), context: [autoscaled, ...nodes] });
    const [finding] = findingsOf(ev, 'pvc-name');
    expect(`${finding?.message} ${finding?.fix}`).toMatch(/sizeLimit/);
  });

  it('pv-target-binding does not wait for nodes that are already there', () => {
    const ev = run({
      name: 'pv',
      object: pv('pv-2', { claim: claimName(2), host: 'n3' }),
      context: [autoscaled, ...nodes],
    });
    const text = findingsOf(ev, 'pv-target-binding')
      .map((f) => `${f.message} ${f.fix}`)
      .join('\n');
    expect(text).toMatch(/sizeLimit/);
  });
});
