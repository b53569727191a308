// What `ais-guard audit` reads: the objects the guard judges, listed once through the kubeconfig.
// Target pods are listed by label (a cluster has many pods and only targets matter); StatefulSets,
// claims and volumes are few enough to list whole, and recognise() then picks the AIStore ones,
// including hand-made claims that carry no label. Nodes give the layout detection its node count.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../policy/index.js';
import { AISTORE_VERSION, AISTORES, listAll } from './list.js';

export interface Collected {
  objects: KubeObject[];
  /** Things the reader must know, e.g. that the AIStore CRD is not installed. */
  notes: string[];
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export async function collect(kc: KubeConfig): Promise<Collected> {
  const notes: string[] = [];
  const [aistores, statefulSets, podsNow, podsLegacy, claims, volumes, nodes] = await Promise.all([
    listAll(kc, AISTORES, { apiVersion: AISTORE_VERSION, kind: 'AIStore' }),
    listAll(kc, '/apis/apps/v1/statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet' }),
    listAll(kc, '/api/v1/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      labelSelector: 'app.kubernetes.io/component=target',
    }),
    listAll(kc, '/api/v1/pods', { apiVersion: 'v1', kind: 'Pod', labelSelector: 'component=target' }),
    listAll(kc, '/api/v1/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim' }),
    listAll(kc, '/api/v1/persistentvolumes', { apiVersion: 'v1', kind: 'PersistentVolume' }),
    listAll(kc, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node' }),
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
