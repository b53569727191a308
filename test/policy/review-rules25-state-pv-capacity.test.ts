// review rules25: a hand-made PV pre-bound to a target's *state* claim is never checked against what
// that claim asks for: one smaller than 1Gi is admitted, and the claim never binds.
//
// Defect: pv-target-binding checks a target PV's capacity and class against its mount
// (mountMisfits), but a state claim (<ns>-<cr>-state-<cr>-target-<N>) has no mount, so its PV is
// judged for node placement only. The operator's state claim template asks for a fixed 1Gi,
// ReadWriteOnce, of stateStorage.pvc.storageClass (cmn.DefineStatePVC,
// internal/resources/aistore/cmn/res.go: `Requests: {storage: resource.MustParse("1Gi")}`; added to the
// target StatefulSet by newTargetPVCs, internal/resources/aistore/target/volumes.go). Kubernetes skips
// a PV whose capacity is below the request even when its claimRef names the claim
// (component-helpers storage/volume/pv_helpers.go FindMatchingVolume: the `volumeQty.Cmp(requestedQty)
// < 0 -> continue` test comes before `IsVolumeBoundToClaim`).
//
// Impact: in the multi-target recipe, where every target's state goes on a hand-made local PV on
// the node of its data disks (the guard itself ties them together: "one node per target, the PV of
// its state claim included"), a 512Mi state PV leaves the state claim Pending, and the target pod
// with it ("pod has unbound immediate PersistentVolumeClaims" / no volume to bind), while the guard
// reports nothing. The same short capacity on a data PV is denied.
// Expected: a PV pre-bound to a target state claim with capacity under 1Gi is refused (or at least
// warned about), naming the 1Gi the operator's state claim requests.
import { describe, expect, it } from '@jest/globals';
import { aistore, findingsOf, node, pv, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const NS = 'prod';

const cr: KubeObject = (() => {
  const o = aistore({
    namespace: NS,
    size: 2,
    disable: true,
    nodeSelector: { 'kubernetes.io/hostname': 'n1' },
  });
  (o.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'local-state' } };
  return o;
})();

const dataPvs = [0, 1].map((n) =>
  pv(`data-${n}`, {
    claim: `ais-data-aistore-ais-target-${n}`,
    claimNamespace: NS,
    host: 'n1',
    path: `/mnt/data${n}`,
  }),
);
const statePv = (capacity: string) =>
  pv('state-0', {
    claim: `${NS}-ais-state-ais-target-0`,
    claimNamespace: NS,
    host: 'n1',
    path: '/mnt/state0',
    storageClass: 'local-state',
    capacity,
  });

const judged = (object: KubeObject) =>
  findingsOf(run({ name: 'pv', object, context: [cr, node('n1'), ...dataPvs] }), 'pv-target-binding').map(
    (f) => `${f.severity}: ${f.message}`,
  );

describe('review rules25: state PV capacity against the operator 1Gi state claim', () => {
  it('baseline: a data PV short of its mount size is denied', () => {
    const short = pv('data-short', {
      claim: 'ais-data-aistore-ais-target-0',
      claimNamespace: NS,
      host: 'n1',
      path: '/mnt/datax',
      capacity: '1Ti',
    });
    const ev = run({ name: 'pv', object: short, context: [cr, node('n1'), dataPvs[1]!] });
    expect(findingsOf(ev, 'pv-target-binding').map((f) => f.severity)).toContain('deny');
  });

  it('a 1Gi state PV is fine', () => {
    expect(judged(statePv('1Gi')).filter((m) => m.startsWith('deny'))).toEqual([]);
  });

  it('a 512Mi state PV, which the 1Gi state claim never binds, is refused', () => {
    expect(judged(statePv('512Mi'))).toEqual([expect.stringMatching(/^(deny|warn): .*1Gi/)]);
  });
});
