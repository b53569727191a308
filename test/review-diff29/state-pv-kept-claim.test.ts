// Review diff29: a CR that had PVC state is deleted (the operator keeps its claims unless
// cleanupMetadata is set) and created again with its state on hostPath. Its hand-made state PVs stay
// Bound to the kept state claims. pv-target-binding's warning for a state claim never made (238fbfc)
// then tells of such a PV, on any update of it (a label, `kubectl apply`) and in audit, that "no claim
// of that name is made ... so nothing binds this PV", and to delete the PV: the claim is there and
// binds it (the PV's own phase and claimRef uid say so), and a PV its claim holds is not deleted
// before the claim (kubernetes.io/pv-protection).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node, pv } from '../support/builders.js';

const hostPathState = (() => {
  const o = aistore({ size: 1 });
  Object.assign(o.spec as object, { stateStorage: { hostPath: { prefix: '/etc/ais' } } });
  return o;
})();
const CLAIM = 'ais-ais-state-ais-target-0';
const bound = (() => {
  const o = pv('st0', { claim: CLAIM, capacity: '1Gi', storageClass: 'manual' }) as KubeObject & {
    spec: { claimRef: Record<string, unknown> };
  };
  o.spec.claimRef.uid = 'uid-of-the-kept-claim';
  return { ...o, status: { phase: 'Bound' } } as KubeObject;
})();
const relabelled = {
  ...bound,
  metadata: { ...bound.metadata, labels: { team: 'storage' } },
} as KubeObject;

describe('review diff29: a state PV Bound to a claim kept from an earlier life', () => {
  const warning = () =>
    evaluate(
      { operation: 'UPDATE', object: relabelled, oldObject: bound },
      new ClusterContext([node('node-1'), hostPathState]),
    ).findings.find((f) => f.ruleId === 'pv-target-binding');

  it('is still warned of: the targets do not mount it', () => {
    expect(warning()?.action).toBe('warn');
    expect(warning()?.message).toMatch(/st0/);
  });

  it('is not told that nothing binds it, nor to delete the PV before its claim', () => {
    expect(warning()?.message).not.toMatch(/nothing binds this PV/);
    expect(warning()?.fix).toMatch(new RegExp(`claim ais/${CLAIM}`));
  });
});
