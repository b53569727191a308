// What the StatefulSet controller makes from the operator's rendered StatefulSet, so the guard can
// be asked about the objects a real cluster would show it. Follows Kubernetes v1.33
// pkg/controller/statefulset/stateful_set_utils.go (newVersionedStatefulSetPod, initIdentity,
// updateStorage, getPersistentVolumeClaims): pod = template + name <sts>-<N> + identity labels +
// one volume per claim template; claim = template named <template>-<sts>-<N>, labelled with the
// template's labels and the StatefulSet's selector.
import type { KubeObject } from '../../../src/policy/index.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export interface Rendered {
  pods: KubeObject[];
  claims: KubeObject[];
}

export function claimTemplateNames(sts: KubeObject): string[] {
  return arr(obj(sts.spec).volumeClaimTemplates).map((t) => String(obj(t.metadata).name ?? ''));
}

export function claimName(template: string, stsName: string, ordinal: number): string {
  return `${template}-${stsName}-${ordinal}`;
}

export function replicasOf(sts: KubeObject): number {
  const r = obj(sts.spec).replicas;
  return typeof r === 'number' ? r : 1;
}

export function podsAndClaims(sts: KubeObject): Rendered {
  const meta = obj(sts.metadata);
  const spec = obj(sts.spec);
  const stsName = String(meta.name);
  const namespace = String(meta.namespace ?? '');
  const selector = obj(obj(spec.selector).matchLabels) as Record<string, string>;
  const template = obj(spec.template);
  const owner = [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: stsName,
      uid: `uid-sts-${stsName}`,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  const pods: KubeObject[] = [];
  const claims: KubeObject[] = [];
  for (let n = 0; n < replicasOf(sts); n++) {
    const podName = `${stsName}-${n}`;
    const podSpec = structuredClone(obj(template.spec));
    const volumes = arr(podSpec.volumes);
    for (const t of arr(spec.volumeClaimTemplates)) {
      const tName = String(obj(t.metadata).name);
      const cName = claimName(tName, stsName, n);
      const volume = { name: tName, persistentVolumeClaim: { claimName: cName } };
      const at = volumes.findIndex((v) => v.name === tName);
      if (at >= 0) volumes[at] = volume;
      else volumes.push(volume);
      const claim = structuredClone(t) as Obj;
      const cMeta = obj(claim.metadata);
      claims.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { ...cMeta, name: cName, namespace, labels: { ...obj(cMeta.labels), ...selector } },
        spec: claim.spec,
      } as KubeObject);
    }
    podSpec.volumes = volumes;
    podSpec.hostname = podName;
    podSpec.subdomain = spec.serviceName;
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        labels: {
          ...obj(obj(template.metadata).labels),
          'statefulset.kubernetes.io/pod-name': podName,
          'apps.kubernetes.io/pod-index': String(n),
        },
        annotations: obj(obj(template.metadata).annotations),
        ownerReferences: owner,
      },
      spec: podSpec,
    } as KubeObject);
  }
  return { pods, claims };
}

/** The same claim as a user pre-creates it (the documented flow for local PVs): no labels, no owner. */
export function unlabelled(claim: KubeObject): KubeObject {
  const c = structuredClone(claim) as KubeObject;
  if (c.metadata) delete c.metadata.labels;
  return c;
}
