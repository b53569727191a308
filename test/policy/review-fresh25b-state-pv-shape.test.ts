// review fresh25b: the new state-volume role (pv-target-binding checkStateVolume, 324810a) judges a
// hand-made PV pre-bound to a target's state claim for size and class only. A state PV that the
// state claim can never bind, or that puts the target where it cannot run, is admitted, though the
// very same defect on a data PV of the same target is denied (checkVolumeShape / checkVolumeNode).
//
// The operator's state claim (cmn.DefineStatePVC, internal/resources/aistore/cmn/res.go, added to the
// target StatefulSet's volumeClaimTemplates by target/volumes.go newTargetPVCs) asks for
// AccessModes [ReadWriteOnce] and no volumeMode (Filesystem). Kubernetes binds a pre-bound PV only if
// its access modes include the claim's (pv_controller persistentVolumeOrderedIndex.findByClaim walks
// allPossibleMatchingAccessModes) and its volumeMode matches (component-helpers
// storage/volume/pv_helpers.go FindMatchingVolume: CheckVolumeModeMismatches -> continue), and the
// scheduler places the target pod only on a node the PV's nodeAffinity admits AND the pod's
// nodeSelector admits (VolumeBinding filter, "node(s) didn't match PersistentVolume's node affinity").
//
// Impact: a user who pre-binds state PVs (the recipe the new role exists for) with volumeMode: Block,
// a ReadWriteMany-only PV, or a PV on a node the CR's targetSpec.nodeSelector excludes, is admitted;
// the state claim stays Pending (or the pod unschedulable) and the target never starts.
// Expected: the same denies as for a data PV of that target (ReadWriteOnce, Filesystem, a node the
// targets may use).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const nodes = [node('node-1', { pool: 'ais' }), node('node-2', { pool: 'ais' }), node('node-9')];

const cr: KubeObject = (() => {
  const o = aistore({ nodeSelector: { pool: 'ais' } });
  (o.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
  return o;
})();

function pvFor(
  claim: string,
  storageClass: string,
  capacity: string,
  extra: Record<string, unknown>,
  host = 'node-1',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${claim}` },
    spec: {
      storageClassName: storageClass,
      capacity: { storage: capacity },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      local: { path: `/mnt/${claim}` },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'ais', name: claim },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] },
          ],
        },
      },
      ...extra,
    },
  };
}

const statePv = (extra: Record<string, unknown>, host?: string) =>
  pvFor('ais-ais-state-ais-target-0', 'manual', '2Gi', extra, host);
const dataPv = (extra: Record<string, unknown>, host?: string) =>
  pvFor(claimName(0), 'ais-local-storage', '5Ti', extra, host);

const verdict = (object: KubeObject) => run({ name: 'x', object, context: [cr, ...nodes] });

describe('review fresh25b: a state PV the state claim cannot bind, or on a node the targets cannot use', () => {
  it('baseline: a fitting state PV is admitted', () => {
    expect(verdict(statePv({})).allowed).toBe(true);
  });

  const cases: [string, Record<string, unknown>, string | undefined][] = [
    ['volumeMode: Block', { volumeMode: 'Block' }, undefined],
    ['accessModes [ReadWriteMany] only', { accessModes: ['ReadWriteMany'] }, undefined],
    ["a node the CR's nodeSelector excludes", {}, 'node-9'],
  ];
  for (const [what, extra, host] of cases) {
    it(`${what}: denied for a data PV, and so for the state PV`, () => {
      // The same defect on the target's data PV is denied today...
      expect(verdict(dataPv(extra, host)).allowed).toBe(false);
      // ...but on its state PV it is admitted (the claim stays Pending / the pod unschedulable).
      expect(verdict(statePv(extra, host)).allowed).toBe(false);
    });
  }
});
