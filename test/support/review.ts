// AdmissionReview v1 requests as the apiserver sends them, and a fixed cluster for server tests.
import { randomUUID } from 'node:crypto';
import { ClusterContext, type KubeObject, type Operation } from '../../src/policy/index.js';
import type { ClusterSource } from '../../src/server/cluster-source.js';

const RESOURCES: Record<string, string> = {
  AIStore: 'aistores',
  Pod: 'pods',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  StatefulSet: 'statefulsets',
  Deployment: 'deployments',
  ConfigMap: 'configmaps',
};

export interface ReviewOptions {
  operation?: Operation;
  oldObject?: KubeObject;
  uid?: string;
  dryRun?: boolean;
  namespace?: string;
}

export function reviewOf(object: KubeObject, o: ReviewOptions = {}) {
  const [group, version] = (object.apiVersion ?? 'v1').includes('/')
    ? (object.apiVersion as string).split('/')
    : ['', object.apiVersion ?? 'v1'];
  const kind = object.kind ?? 'Unknown';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: o.uid ?? randomUUID(),
      kind: { group, version, kind },
      resource: { group, version, resource: RESOURCES[kind] ?? kind.toLowerCase() + 's' },
      requestKind: { group, version, kind },
      name: object.metadata?.name,
      namespace: o.namespace ?? object.metadata?.namespace,
      operation: o.operation ?? 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters'] },
      object: o.operation === 'DELETE' ? null : object,
      oldObject: o.oldObject ?? null,
      dryRun: o.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

/** A cluster whose cache holds exactly these objects, synced or not. */
export function fixedCluster(objects: KubeObject[] = [], synced = true): ClusterSource {
  const ctx = new ClusterContext(objects);
  return {
    context: () => ctx,
    synced: () => synced,
    status: () => ({ mode: 'cluster', synced, kinds: {} }),
    start: async () => undefined,
    stop: async () => undefined,
    served: () => undefined,
  };
}

export function decodePatch(response: { patch?: string }): unknown[] {
  return response.patch ? JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) : [];
}
