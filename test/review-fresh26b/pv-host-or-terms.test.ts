// review fresh26b: a PV's required node affinity terms are ORed (Kubernetes
// component-helpers/scheduling/corev1/nodeaffinity NodeSelector.Match: any term; the scheduler's
// VolumeBinding CheckNodeAffinity). A PV with terms [hostname In [node-1]] OR [hostname In [node-1]
// AND zone In [z9]] is on node-1: the first term admits it. Since 8c4f747, pvHost (context.ts) gives
// up on the whole PV when any one term fails hostMeets, so the PV is on no node and pv-target-binding
// judges no disk clash: a second target PV on node-1:/ais/d0, the disk ais-target-0's PV holds, is
// admitted with no finding. Without the extra term it is denied.
// Fix: context.ts pvHost: a term whose requirements its Node fails admits no node, so skip it (it is
// not another host), rather than return undefined; only when no term holds is the PV stranded.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, run } from '../support/builders.js';

const nodes = ['node-1', 'node-2', 'node-3'].map((n) =>
  node(n, { 'kubernetes.io/hostname': n, 'topology.kubernetes.io/zone': 'z1' }),
);
const d0 = pv('pv-d0', { claim: claimName(0), host: 'node-1', path: '/ais/d0' });
const d1 = () => pv('pv-d1', { claim: claimName(1), host: 'node-1', path: '/ais/d0' });
const withOrTerm = (o: KubeObject): KubeObject => {
  const spec = o.spec as { nodeAffinity: { required: { nodeSelectorTerms: unknown[] } } };
  spec.nodeAffinity.required.nodeSelectorTerms.push({
    matchExpressions: [
      { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] },
      { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z9'] },
    ],
  });
  return o;
};
const denies = (object: KubeObject) =>
  run({ name: 'x', object, context: [...nodes, aistore({ disable: true }), d0] }).findings.filter(
    (f) => f.severity === 'deny',
  );

describe('review fresh26b: a PV whose ORed terms include one its node fails', () => {
  it('control: a second target PV on the disk of ais-target-0 is denied', () => {
    expect(denies(d1())).not.toHaveLength(0);
  });

  it('the same PV with an extra ORed term that node-1 fails is denied too', () => {
    expect(denies(withOrTerm(d1()))).not.toHaveLength(0);
  });
});
