// Nothing blocked: the writes ais-operator v3.4.0 and the StatefulSet controller make in each
// reconcile flow of a multi-target deployment ais-guard admitted, judged with the cache as it stands
// at that moment. The StatefulSet is the operator's own rendering (target.NewTargetSS, through the
// oracle binary); its claims and pods as the StatefulSet controller makes them (support/statefulset-controller.ts).
// From an outside review ("lockout"); its one finding is the last case.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { node, pv as builtPv } from '../support/builders.js';
import { admit, judge, renderSts } from './support/flows.js';
import { podsAndClaims } from './support/statefulset-controller.js';

const claim = (n: number) => `ais-data-aistore-ais-target-${n}`;
function cr(
  size: number,
  extra: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    metadata: { name: 'ais', namespace: 'ais', uid: 'cr-uid' },
    spec: {
      nodeImage: 'aistorage/aisnode:v3.30',
      initImage: 'aistorage/ais-init:v3.30',
      hostpathPrefix: '/etc/ais',
      proxySpec: {
        size: 1,
        servicePort: 51080,
        portPublic: 51080,
        portIntraControl: 51082,
        portIntraData: 51083,
      },
      targetSpec: {
        size,
        disablePodAntiAffinity: true,
        servicePort: 51081,
        portPublic: 51081,
        portIntraControl: 51082,
        portIntraData: 51083,
        mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
        ...extra,
      },
      ...top,
    },
  } as KubeObject;
}
/** A target's disk PV: on `host` at `path` (local), pre-bound to `claim`, still Available. */
const pv = (name: string, claim: string, host: string, path: string, capacity?: string): KubeObject => ({
  ...builtPv(name, { claim, host, path, local: true, capacity }),
  status: { phase: 'Available' },
});
const nodes = [node('node-1'), node('node-2')];
/** Two disks per node: target-0,1 on node-1, target-2,3 on node-2. */
const pvs = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    pv(`pv-${i}`, claim(i), `node-${Math.floor(i / 2) + 1}`, `/mnt/disk${i % 2}`),
  );
const withReplicas = (s: KubeObject, n: number) => {
  const c = structuredClone(s) as KubeObject & { spec: { replicas: number } };
  c.spec.replicas = n;
  return c as KubeObject;
};
describe('operator and StatefulSet-controller writes on an admitted multi-target layout', () => {
  it('create, scale up without PVs, scale down, image rollout, retention policy, shutdown/restart, binds: none denied', () => {
    const denied: string[] = [];
    const step = (label: string, j: { allowed: boolean; denies: string[] }) => {
      if (!j.allowed) denied.push(`${label}: ${j.denies.join(' | ')}`);
    };
    const viaWebhook = (label: string, r: ReturnType<typeof admit>) =>
      step(label, {
        allowed: r.validate.verdict !== 'denied',
        denies: r.validate.findings.filter((f) => f.action === 'deny').map((f) => f.message),
      });
    const c4 = cr(4);
    const base = [...nodes, ...pvs(4)];
    viaWebhook('CR create', admit('CREATE', c4, base));
    const sts4 = renderSts(c4, nodes);
    const stored = [...base, c4];
    viaWebhook('STS create', admit('CREATE', sts4, stored));
    const { pods, claims } = podsAndClaims(sts4);
    for (const c of claims) viaWebhook(`claim ${c.metadata?.name}`, admit('CREATE', c, [...stored, sts4]));
    for (const p of pods)
      viaWebhook(`pod ${p.metadata?.name}`, admit('CREATE', p, [...stored, sts4, ...claims]));
    // Scale-up 4 -> 6 with no PVs for targets 4, 5 yet.
    const c6 = cr(6);
    step('CR 4->6', judge('UPDATE', c6, [...stored, sts4], c4));
    const sts6 = withReplicas(sts4, 6);
    step('STS replicas 4->6', judge('UPDATE', sts6, [...base, c6, sts4], sts4));
    const r6 = podsAndClaims(sts6);
    for (const c of r6.claims.slice(4))
      viaWebhook(`new ${c.metadata?.name}`, admit('CREATE', c, [...base, c6, sts6, ...claims]));
    for (const p of r6.pods.slice(4))
      viaWebhook(`new ${p.metadata?.name}`, admit('CREATE', p, [...base, c6, sts6, ...r6.claims]));
    // Scale-down 4 -> 2.
    const c2 = cr(2);
    step('CR 4->2', judge('UPDATE', c2, [...stored, sts4], c4));
    step('STS replicas 4->2', judge('UPDATE', withReplicas(sts4, 2), [...base, c2, sts4], sts4));
    // Image upgrade: the operator's syncTargetPodSpec patch, then the pods recreated.
    const up = cr(4);
    (up.spec as { nodeImage: string }).nodeImage = 'aistorage/aisnode:v3.31';
    step('CR image', judge('UPDATE', up, [...stored, sts4], c4));
    const stsUp = {
      ...sts4,
      spec: {
        ...(sts4.spec as object),
        template: (renderSts(up, nodes).spec as { template: unknown }).template,
      },
    } as KubeObject;
    step('STS template', judge('UPDATE', stsUp, [...base, up, sts4], sts4));
    for (const p of podsAndClaims(stsUp).pods)
      viaWebhook(`rollout ${p.metadata?.name}`, admit('CREATE', p, [...base, up, stsUp, ...claims]));
    // PVC retention policy (syncTargetPVCRetentionPolicy).
    const ret = cr(4, { pvcRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } });
    step('CR retention', judge('UPDATE', ret, [...stored, sts4], c4));
    const stsRet = structuredClone(sts4) as KubeObject & { spec: Record<string, unknown> };
    stsRet.spec.persistentVolumeClaimRetentionPolicy = { whenScaled: 'Delete', whenDeleted: 'Retain' };
    step('STS retention', judge('UPDATE', stsRet, [...base, ret, sts4], sts4));
    // Shutdown and restart.
    const sd = cr(4, {}, { shutdownCluster: true });
    step('CR shutdown', judge('UPDATE', sd, [...stored, sts4], c4));
    step('STS ->0', judge('UPDATE', withReplicas(sts4, 0), [...base, sd, sts4], sts4));
    step('STS 0->4', judge('UPDATE', sts4, [...base, c4, withReplicas(sts4, 0)], withReplicas(sts4, 0)));
    // The PV binder: claimRef uid on each PV, volumeName on each claim.
    claims.forEach((c, i) => ((c.metadata as Record<string, unknown>).uid = `claim-uid-${i}`));
    for (const [i, p] of pvs(4).entries()) {
      const b = structuredClone(p) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
      b.spec.claimRef.uid = `claim-uid-${i}`;
      step(`bind ${p.metadata?.name}`, judge('UPDATE', b, [...stored, sts4, ...claims], p));
      const cb = structuredClone(claims[i]) as KubeObject & { spec: Record<string, unknown> };
      cb.spec.volumeName = `pv-${i}`;
      step(`bind ${claim(i)}`, judge('UPDATE', cb, [...stored, sts4, ...claims], claims[i]));
    }
    expect(denied).toEqual([]);
  });

  it('a CR that predates the guard (hostPort, undersized PVs): finalizer, image, scale, pods, claims, binds: none denied', () => {
    const small = [0, 1, 2, 3].map((i) =>
      pv(`pv-${i}`, claim(i), `node-${Math.floor(i / 2) + 1}`, `/mnt/d${i % 2}`, '4Ti'),
    );
    const old = cr(4, { hostPort: 51081 });
    expect(judge('CREATE', old, [...nodes, ...small]).allowed).toBe(false); // would not be admitted today
    const sts = renderSts(old, nodes);
    const stored = [...nodes, ...small, old, sts];
    const denied: string[] = [];
    const step = (label: string, j: { allowed: boolean; denies: string[] }) => {
      if (!j.allowed) denied.push(`${label}: ${j.denies.join(' | ')}`);
    };
    const fin = structuredClone(old) as KubeObject & { metadata: Record<string, unknown> };
    fin.metadata.finalizers = ['ais.nvidia.com/finalizer'];
    fin.metadata.annotations = { 'config.aistore.nvidia.com/restart-hash': 'x' };
    step('finalizer', judge('UPDATE', fin, stored, old));
    const up = structuredClone(old) as KubeObject & { spec: { nodeImage: string } };
    up.spec.nodeImage = 'aistorage/aisnode:v3.31';
    step('image', judge('UPDATE', up, stored, old));
    step('4->2', judge('UPDATE', cr(2, { hostPort: 51081 }), stored, old));
    step('4->5', judge('UPDATE', cr(5, { hostPort: 51081 }), stored, old));
    const stsUp = {
      ...sts,
      spec: {
        ...(sts.spec as object),
        template: (renderSts(up, nodes).spec as { template: unknown }).template,
      },
    } as KubeObject;
    step('STS template', judge('UPDATE', stsUp, [...nodes, ...small, up, sts], sts));
    const { pods, claims } = podsAndClaims(sts);
    for (const p of pods) step(`pod ${p.metadata?.name}`, judge('CREATE', p, [...stored, ...claims]));
    for (const c of claims) step(`claim ${c.metadata?.name}`, judge('CREATE', c, stored));
    for (const [i, p] of small.entries()) {
      const b = structuredClone(p) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
      b.spec.claimRef.uid = `u${i}`;
      step(`bind ${p.metadata?.name}`, judge('UPDATE', b, [...stored, ...claims], p));
    }
    expect(denied).toEqual([]);
  });
});

describe('the claim of a scaled-out target while the guard cache lags', () => {
  // The StatefulSet controller creates <template>-ais-target-4 only after it read replicas >= 5
  // (k8s pkg/controller/statefulset stateful_set_control.go: ordinals below spec.replicas), so the
  // claim proves the scale-out. The guard's cache still holds the CR and the StatefulSet as they were
  // (watch events come after the controller acts; a broken watch keeps the last objects up to
  // watchIdleTimeoutMs). Refused, neither claim nor pod is made until the controller's backoff retries.
  const c4 = cr(4);
  const sts4 = renderSts(c4, nodes);
  const staleCache = [...nodes, ...pvs(4), c4, sts4];
  const newClaim = podsAndClaims(withReplicas(sts4, 6)).claims[4] as KubeObject;

  it('from the StatefulSet controller: warned of, not refused', () => {
    const { validate } = admit('CREATE', newClaim, staleCache);
    expect(validate.verdict).toBe('allowed');
    expect(validate.findings.map((f) => `${f.ruleId}=${f.action}`)).toContain('pvc-name=warn');
  });

  it('its pod, made with the cache as stale: not refused', () => {
    const pod = podsAndClaims(withReplicas(sts4, 6)).pods[4] as KubeObject;
    expect(admit('CREATE', pod, [...staleCache, newClaim]).validate.verdict).not.toBe('denied');
  });

  // A person's claim for a target past the count is made ahead of a scale-out (or kept by whenScaled:
  // Retain): the StatefulSet controller then takes it as it is (stateful_pod_control.go
  // createPersistentVolumeClaims), so it is warned of, as the PV made for it is (pv-target-binding).
  it('the same claim from a person: warned of (used after a scale-out), not refused', () => {
    const { validate } = admit('CREATE', newClaim, staleCache, undefined, 'kubernetes-admin');
    expect(validate.verdict).toBe('allowed');
    expect(validate.findings.map((f) => `${f.ruleId}=${f.action}`)).toContain('pvc-name=warn');
  });
});
