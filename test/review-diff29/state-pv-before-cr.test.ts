// Review diff29: 238fbfc warns of a PV pre-bound to the state claim of a CR whose state is on
// hostPath or in an emptyDir (no claim of that name is ever made: operator target/volumes.go
// newTargetPVCs adds the state template only for PVC state). It does so when the PV is reviewed with
// the CR known. But PVs are made before the CR (README; pv-target-binding judges such PVs again on
// the CR's CREATE, checkMountFit), and then the PV's own review knows no CR (a state PV, judged as
// one), and the CR's review says nothing of it. Applied in that order (kubectl apply -f of a
// directory whose PV file sorts first too), the webhook never says that the targets' state is not on
// that PV; only `check`, which has both at hand, does.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node, pv, targetStatefulSet } from '../support/builders.js';

const hostPathState = (() => {
  const o = aistore({ size: 1 });
  Object.assign(o.spec as object, { stateStorage: { hostPath: { prefix: '/etc/ais' } } });
  return o;
})();
const statePv = pv('st0', { claim: 'ais-ais-state-ais-target-0', capacity: '1Gi', storageClass: 'manual' });
const crFindings = (cr: KubeObject, objects: KubeObject[], operation: 'CREATE' | 'UPDATE' = 'CREATE') =>
  evaluate(
    { operation, object: cr, ...(operation === 'UPDATE' && { oldObject: cr }) },
    new ClusterContext([node('node-1'), ...objects]),
  )
    .findings.filter((f) => f.ruleId === 'pv-target-binding')
    .map((f) => `${f.action}: ${f.message}`);

describe('review diff29: the CR whose state makes no claim is told of the state PV made before it', () => {
  it('control: the same PV made after the CR is warned of', () =>
    expect(
      evaluate({ operation: 'CREATE', object: statePv }, new ClusterContext([node('node-1'), hostPathState]))
        .findings.filter((f) => f.ruleId === 'pv-target-binding')
        .map((f) => `${f.action}: ${f.message}`),
    ).toEqual([
      expect.stringMatching(/^warn: PV st0 is pre-bound to state claim ais-ais-state-ais-target-0/),
    ]));

  it("the state PV made before the CR: the CR's CREATE warns that no claim binds it", () =>
    expect(crFindings(hostPathState, [statePv])).toEqual([
      expect.stringMatching(/^warn: .*st0.*ais-ais-state-ais-target-0.*hostPath/),
    ]));

  it('nothing while the target StatefulSet still has the state template (its claims are made)', () =>
    expect(
      crFindings(hostPathState, [
        statePv,
        targetStatefulSet({ replicas: 1, templates: ['ais-data-aistore', 'ais-ais-state'] }),
      ]),
    ).toEqual([]));

  it('nothing for a CR with PVC state (its state claim is made)', () => {
    const pvcState = aistore({ size: 1 });
    Object.assign(pvcState.spec as object, { stateStorage: { pvc: { storageClass: 'manual' } } });
    expect(crFindings(pvcState, [statePv]).filter((f) => /st0/.test(f))).toEqual([]);
  });
});
