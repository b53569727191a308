// What `ais-guard audit` reads: the objects the guard judges, listed once through the kubeconfig.
// Target pods are listed by label (a cluster has many pods and only targets matter); StatefulSets,
// claims and volumes are few enough to list whole, and recognise() then picks the AIStore ones,
// including hand-made claims that carry no label. Nodes give the layout detection its node count.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../policy/index.js';
import { reduced, type Cached } from '../server/reduce.js';
import { AISTORE_VERSION, AISTORES, listAll } from './list.js';

export interface Collected {
  objects: KubeObject[];
  /** Things the reader must know, e.g. that the AIStore CRD is not installed. */
  notes: string[];
}

/**
 * Nodes, PVs and StatefulSets kept as the webhook caches them (src/server/reduce.ts: the fields the
 * rules read), plus the uid a report names them by; reduced page by page, so a cluster of 5,000
 * Nodes with their status and 100,000 PVs is never held whole.
 */
const compact = (o: KubeObject): KubeObject => {
  const out = reduced(o as Cached, o.apiVersion as string, o.kind as string) as KubeObject;
  const uid = (o.metadata as { uid?: unknown } | undefined)?.uid;
  if (out.metadata && typeof uid === 'string') (out.metadata as { uid?: string }).uid = uid;
  return out;
};

const key = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export async function collect(kc: KubeConfig): Promise<Collected> {
  const notes: string[] = [];
  const [aistores, statefulSets, podsNow, podsLegacy, claims, volumes, nodes] = await Promise.all([
    listAll(kc, AISTORES, { apiVersion: AISTORE_VERSION, kind: 'AIStore', optional: true }),
    listAll(kc, '/apis/apps/v1/statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      shape: compact,
    }),
    listAll(kc, '/api/v1/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      labelSelector: 'app.kubernetes.io/component=target',
    }),
    listAll(kc, '/api/v1/pods', { apiVersion: 'v1', kind: 'Pod', labelSelector: 'component=target' }),
    listAll(kc, '/api/v1/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim' }),
    listAll(kc, '/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      shape: compact,
    }),
    listAll(kc, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', shape: compact }),
  ]);
  if (!aistores)
    notes.push(
      'the AIStore CRD (aistores.ais.nvidia.com) is not installed: judging target objects without their CRs',
    );
  // A pod with both label sets comes back from both lists: keep it once.
  const pods = new Map([...(podsNow ?? []), ...(podsLegacy ?? [])].map((p) => [key(p), p]));
  return {
    objects: [
      ...(aistores ?? []),
      ...(statefulSets ?? []),
      ...pods.values(),
      ...(claims ?? []),
      ...(volumes ?? []),
      ...(nodes ?? []),
    ],
    notes,
  };
}
