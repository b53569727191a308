// Review (map30): a nodeSelector whose kubernetes.io/hostname is the empty string pins no target to
// one host for the engine (layout.ts layoutSignals: only a non-empty name is the
// node-selector-one-host signal; no node carries an empty hostname label, so such targets match no
// node), and the webhook makes no change. The policies asked only whether the key is there
// (src/vap/targets.ts pinsOneHost), so the AIStore MAP set disablePodAntiAffinity: true on a CR the
// webhook leaves alone, and the pod MAP stripped a pod's anti-affinity the webhook keeps.
import { describe, expect, it } from '@jest/globals';
import { mutatingPolicies } from '../../src/map/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, HOST_ANTI_AFFINITY, run, targetPod } from '../support/builders.js';
import { mutate } from '../map/support/map-eval.js';

const policy = (name: string) =>
  mutatingPolicies().find((o) => o.kind === 'MutatingAdmissionPolicy' && o.metadata.name === name)!;
const EMPTY_HOST = { 'kubernetes.io/hostname': '' };
const unsure = () => {
  const term = HOST_ANTI_AFFINITY().podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
  const scoped = {
    ...term,
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ais', team: 'storage' } },
  };
  return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [scoped] } };
};

describe('review map30: a nodeSelector with an empty kubernetes.io/hostname', () => {
  it.each([
    ['AIStore CR, 3 targets', 'ais-guard-aistore-mutate', aistore({ size: 3, nodeSelector: EMPTY_HOST })],
    [
      'target pod, ordinal 1, an unsure target term',
      'ais-guard-target-pod-mutate',
      targetPod({ nodeSelector: EMPTY_HOST, affinity: unsure(), ordinal: 1 }),
    ],
  ])('%s: the policy leaves it as the webhook does', (_name, name, object) => {
    const webhook = run({ name: 'map30', object: object as KubeObject });
    const m = mutate(policy(name), 'CREATE', object as KubeObject);
    expect(m.errors).toEqual([]);
    expect(m.object).toEqual(webhook.object);
  });
});
