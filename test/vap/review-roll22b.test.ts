// Review "roll22b" (branch review-roll22b): the CEL twin of rollsTargets (src/vap/policies.ts
// rollsTargets, used by target-host-port's Pod-DNS check) against the engine (src/policy/aistore.ts
// rollsTargets / targetTemplateInputs) after 0833dca, judged as agreement.test.ts judges (the engine's
// denials of the covered rules == the policy's failures). Fails on 0833dca.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: objects patched field by field */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';
import { judgeAgreement } from './support/agreement.js';

const patched = (o: KubeObject, f: (c: any) => void): KubeObject => {
  const c = structuredClone(o) as any;
  f(c);
  return c;
};

describe('VAP vs webhook: spec.stateStorageClass dropped under the legacy hostpathPrefix', () => {
  // DEFECT (webhook/VAP disagreement not listed in docs/vap.md; the VAP refuses what the operator
  // and the webhook accept). Whether the target template carries a hostPath state volume depends on
  // spec.stateStorageClass too: api/aistore/v1beta1/aistore_types.go StateStorageHostPathPrefix
  // returns the legacy spec.hostpathPrefix only `if s.StateStorage == nil && s.StateStorageClass ==
  // nil`, and cmn/volumes.go NewAISVolumes adds the "state-mount" hostPath volume from it. So a CR
  // with both hostpathPrefix and stateStorageClass (the operator warns and uses the class:
  // aistore_validation.go validateStateStorage) that drops stateStorageClass gains a state volume;
  // shouldUpdateVolumes (internal/controller/aistore/common.go) rolls every target. The operator's
  // webhook allows the change (aistore_webhook.go validateStateStorageUpdate only refuses a NEW
  // non-nil PVC class). The engine models it (aistore.ts targetTemplateInputs `state.hostPath`:
  // `spec.stateStorageClass == null ? pointer(spec.hostpathPrefix) : null`) but stateStorageClass is
  // not in ROLLING_FIELDS, so the CEL twin sees no rollout. docs/vap.md names only hostnameMap and
  // clusterDomain as rolling fields the policy lacks. Impact: a publicNetDNSMode: Pod switch +
  // scale-out riding that rollout is admitted by the webhook and refused by the VAP.
  // Expected: VAP == engine (neither fails target-host-port).
  const stored = patched(aistore({ disable: true, hostPort: 0, size: 1 }), (c) => {
    c.spec.hostpathPrefix = '/etc/ais';
    c.spec.stateStorageClass = 'local-path';
  });
  const object = patched(stored, (c) => {
    c.spec.targetSpec.size = 2;
    c.spec.publicNetDNSMode = 'Pod';
    delete c.spec.stateStorageClass;
  });
  it('Pod switch + scale-out riding a dropped stateStorageClass: VAP == engine', () => {
    const outcome = judgeAgreement({
      name: 'drop stateStorageClass',
      operation: 'UPDATE',
      object,
      oldObject: stored,
    });
    expect(outcome.errors).toEqual([]);
    expect(outcome.engine).not.toContain('target-host-port');
    expect(outcome.vap).toEqual(outcome.engine);
  });
});
