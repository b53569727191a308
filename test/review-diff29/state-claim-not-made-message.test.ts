// Review diff29: pv-target-binding's warning for a PV pre-bound to the state claim of a CR that makes
// none (238fbfc, claimNotMade) says "the operator adds the state claim template only with
// spec.stateStorage.pvc". The operator adds it whenever StateStoragePVCStorageClass() is non-nil
// (api/aistore/v1beta1/aistore_types.go), which without spec.stateStorage is the legacy
// spec.stateStorageClass: a CR of the legacy fields (hostpathPrefix) is told a falsehood about the
// very fields it uses, and the rule's own summary says "stateStorage.pvc or stateStorageClass".
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node, pv } from '../support/builders.js';

const legacy = aistore({ size: 1 }) as KubeObject & { spec: Record<string, unknown> };
legacy.spec.hostpathPrefix = '/etc/ais';
const statePv = pv('state-0', { claim: 'ais-ais-state-ais-target-0', host: 'node-1', path: '/mnt/state0' });

describe('review diff29: the state claim never made is explained with both fields that make one', () => {
  it('names spec.stateStorageClass beside spec.stateStorage.pvc', () => {
    const ctx = new ClusterContext([legacy, node('node-1')]);
    const { findings } = evaluate({ object: statePv, operation: 'CREATE' }, ctx);
    const warning = findings.find((f) => f.ruleId === 'pv-target-binding');
    expect(warning?.action).toBe('warn');
    expect(warning?.message).toMatch(/keeps its targets' state on hostPath/);
    expect(warning?.message).not.toMatch(/only with spec\.stateStorage\.pvc,/);
    // Where it says what makes the template: both fields.
    expect(warning?.message).toMatch(
      /state claim template [^)]*spec\.stateStorage\.pvc[^)]*spec\.stateStorageClass/,
    );
  });
});
