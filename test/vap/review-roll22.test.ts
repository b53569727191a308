// Review "roll22" (branch review-roll22): the CEL twin of rollsTargets (src/vap/policies.ts
// rollsTargets, used by podDnsNames) against the engine (src/policy/aistore.ts rollsTargets), judged
// as agreement.test.ts judges (the engine's denials of the covered rules == the policy's failures).
// Fails on be404c7.
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

describe('VAP vs webhook: an empty list or map added on UPDATE (rollsTargets "unset")', () => {
  // DEFECT (webhook/VAP disagreement; the VAP admits what the operator breaks). The engine counts an
  // absent, null, empty list and empty map alike (aistore.ts `unset`), as the operator does: an
  // empty targetSpec.env renders the same aisnode env (target/statefulset.go NewAISContainerEnv ->
  // cmn/utils.go MergeEnvVars(base, [])), empty tolerations/labels the same template
  // (equality.Semantic.DeepEqual treats nil and empty slices/maps alike), so no rollout. The CEL twin
  // counts `has(object.spec.targetSpec.env)` as set ("Unlike the webhook, an empty list or map
  // counts as set", policies.ts) and the apiserver keeps `env: []` in a CR (Helm charts render it).
  // So a switch to publicNetDNSMode Pod + scale-out with `env: []` added is refused by the webhook
  // ("duplicate IPs": the targets keep DNS mode IP, operator common.go shouldUpdateInitContainers
  // does not roll an init env change) but admitted by the VAP on a cluster without the webhook,
  // and the two targets on node-1 advertise one address. docs/vap.md lists no such difference, and
  // agreement.test.ts would flag it as a disagreement.
  // Expected: the VAP fails target-host-port exactly as the engine denies it.
  const stored = aistore({ disable: true, hostPort: 0, size: 1 });
  const cases: [string, (c: any) => void][] = [
    ['env: []', (c) => (c.spec.targetSpec.env = [])],
    ['tolerations: []', (c) => (c.spec.targetSpec.tolerations = [])],
    ['labels: {}', (c) => (c.spec.targetSpec.labels = {})],
  ];
  for (const [what, edit] of cases)
    it(`Pod switch + scale-out with ${what} added: VAP == engine`, () => {
      const object = patched(stored, (c) => {
        c.spec.targetSpec.size = 2;
        c.spec.publicNetDNSMode = 'Pod';
        edit(c);
      });
      const outcome = judgeAgreement({ name: what, operation: 'UPDATE', object, oldObject: stored });
      expect(outcome.errors).toEqual([]);
      expect(outcome.engine).toContain('target-host-port');
      expect(outcome.vap).toEqual(outcome.engine);
    });
});

describe('VAP vs webhook: spec.networkAttachment changed under a user multus annotation', () => {
  // DEFECT (webhook/VAP disagreement, edge). The pod annotation k8s.v1.cni.cncf.io/networks is
  // spec.networkAttachment unless targetSpec.annotations names the same key: the CR's annotations
  // are copied over it (cmn/statefulset.go PrepareAnnotations). The engine renders it so (aistore.ts
  // annotates: the attachment, then the CR's own over it), and a new networkAttachment under such an
  // annotation changes no template: no rollout. The CEL twin's `attached` term counts any new
  // networkAttachment as a rollout, whatever the annotations say, so a Pod switch + scale-out riding
  // it is admitted by the VAP and refused by the webhook ("duplicate IPs").
  // Expected: the VAP fails target-host-port exactly as the engine denies it.
  const NAD = 'k8s.v1.cni.cncf.io/networks';
  const stored = patched(aistore({ disable: true, hostPort: 0, size: 1 }), (c) => {
    c.spec.networkAttachment = 'net-a';
    c.spec.targetSpec.annotations = { [NAD]: 'net-x' };
  });
  it('Pod switch + scale-out with a new networkAttachment under the annotation: VAP == engine', () => {
    const object = patched(stored, (c) => {
      c.spec.targetSpec.size = 2;
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.networkAttachment = 'net-b';
    });
    const outcome = judgeAgreement({ name: 'nad', operation: 'UPDATE', object, oldObject: stored });
    expect(outcome.errors).toEqual([]);
    expect(outcome.engine).toContain('target-host-port');
    expect(outcome.vap).toEqual(outcome.engine);
  });

  // The other way round: the user annotation added names what networkAttachment already put there.
  it('Pod switch + scale-out with the multus annotation added, equal to networkAttachment: VAP == engine', () => {
    const plain = patched(aistore({ disable: true, hostPort: 0, size: 1 }), (c) => {
      c.spec.networkAttachment = 'net-a';
    });
    const object = patched(plain, (c) => {
      c.spec.targetSpec.size = 2;
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.targetSpec.annotations = { [NAD]: 'net-a' };
    });
    const outcome = judgeAgreement({ name: 'nad2', operation: 'UPDATE', object, oldObject: plain });
    expect(outcome.errors).toEqual([]);
    expect(outcome.engine).toContain('target-host-port');
    expect(outcome.vap).toEqual(outcome.engine);
  });
});
