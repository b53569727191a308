// review fresh25b: a PV pre-bound to the state-claim name of a CR whose state is NOT on a claim
// (stateStorage.hostPath or stateStorage.emptyDir) is denied by the new state-volume role
// (pv-target-binding checkStateVolume, 324810a) as "offers 500Mi but the state claim needs 1Gi".
//
// Defect: recognise.ts stateVolume() and claimAsk() judge any PV whose claimRef has the state claim's
// shape against the 1Gi request, without asking whether the CR makes a state claim at all. The
// operator adds the state claim template only when StateStoragePVCStorageClass() is non-nil
// (internal/resources/aistore/target/volumes.go newTargetPVCs: `if stateStorageClass :=
// ais.Spec.StateStoragePVCStorageClass(); stateStorageClass != nil { ... cmn.DefineStatePVC ... }`);
// api/aistore/v1beta1/aistore_types.go StateStoragePVCStorageClass returns nil for
// stateStorage.hostPath / stateStorage.emptyDir. So with hostPath or emptyDir state no claim of that
// name ever exists, nothing asks the PV for 1Gi, and the guard's own aistore.ts hasStateClaim(cr)
// already knows this (claimTemplateNames leaves the state template out).
//
// Impact: a wrong deny whose message names a claim and a request that do not exist (the user is told
// the target stays Pending, when the PV simply is never used by this CR).
// Expected: with the CR known and making no state claim, no "state claim needs 1Gi" deny (at most a
// warning that no template makes this claim, as for a data PV pre-bound to a claim no template makes).
import { describe, expect, it } from '@jest/globals';
import { aistore, node, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const nodes = [node('node-1'), node('node-2'), node('node-3')];

const statePv: KubeObject = {
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'state-0' },
  spec: {
    storageClassName: 'manual',
    capacity: { storage: '500Mi' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Retain',
    local: { path: '/mnt/state0' },
    claimRef: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: 'ais',
      name: 'ais-ais-state-ais-target-0',
    },
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] },
        ],
      },
    },
  },
};

const crWithState = (stateStorage: unknown): KubeObject => {
  const cr = aistore({});
  (cr.spec as Record<string, unknown>).stateStorage = stateStorage;
  return cr;
};

describe('review fresh25b: state PV of a CR that makes no state claim', () => {
  it('baseline: with stateStorage.pvc the 500Mi PV is denied (the claim asks 1Gi)', () => {
    const r = run({
      name: 'x',
      object: statePv,
      context: [crWithState({ pvc: { storageClass: 'manual' } }), ...nodes],
    });
    expect(r.allowed).toBe(false);
  });

  for (const state of [{ hostPath: { prefix: '/etc/ais' } }, { emptyDir: {} }])
    it(`stateStorage ${Object.keys(state)[0]}: no state claim exists, so no 'state claim needs 1Gi' deny`, () => {
      const r = run({ name: 'x', object: statePv, context: [crWithState(state), ...nodes] });
      const denies = r.findings.filter((f) => f.severity === 'deny').map((f) => f.message);
      expect(denies).not.toContainEqual(expect.stringMatching(/state claim needs 1Gi/));
      expect(r.allowed).toBe(true);
    });
});
