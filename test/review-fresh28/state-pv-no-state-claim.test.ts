// Review "fresh28": a hand-made PV pre-bound to ais-target-0's state claim
// (ais-ais-state-ais-target-0) while AIStore ais keeps its state on the host
// (spec.stateStorage.hostPath) is admitted with no finding. recognise.ts stateClaimOf returns
// undefined for a known CR without a state claim ("nothing ever binds the PV as a target's") and the
// PV is then judged as nothing at all. The operator adds the state claim template only when
// StateStoragePVCStorageClass is non-nil (target/volumes.go newTargetPVCs, cmn/res.go DefineStatePVC),
// and its webhook refuses moving a live CR to PVC state storage (internal/webhook/aistore/v1beta1/
// aistore_webhook.go validateStateStorageUpdate: "can't migrate to a state storage PVC"), so no claim
// of that name is ever made for this CR: the PV stays Available for good, while the user believes
// the targets' state is on it. The same mistake on a data claim (a PV pre-bound to a claim no
// template of the CR makes) is denied by pv-target-binding ("not a claim the StatefulSet ais-target
// will use"); the state PV should be told too (a warning at least).
import { describe, expect, it } from '@jest/globals';
import { aistore, node, pv } from '../support/builders.js';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';

const CR = (() => {
  const o = aistore({ size: 2 });
  Object.assign(o.spec as object, { stateStorage: { hostPath: { prefix: '/etc/ais' } } });
  return o;
})();
const findings = (p: KubeObject) =>
  evaluate({ operation: 'CREATE', object: p }, new ClusterContext([CR, node('node-1'), node('node-2')]))
    .findings.filter((f) => f.ruleId === 'pv-target-binding')
    .map((f) => `${f.action}: ${f.message}`);

describe('review fresh28: a PV for the state claim of a CR whose state is on hostPath', () => {
  it('control: a PV pre-bound to a data claim no template makes is denied', () =>
    expect(findings(pv('d0', { claim: 'ais-other-mount-ais-target-0' }))).toEqual([
      expect.stringMatching(/^deny: .*not a claim the StatefulSet ais-target will use/),
    ]));
  it('a PV pre-bound to ais-ais-state-ais-target-0 is told it is never bound (no state claim is made)', () =>
    expect(
      findings(pv('st0', { claim: 'ais-ais-state-ais-target-0', capacity: '1Gi', storageClass: 'manual' })),
    ).not.toEqual([]));
});
