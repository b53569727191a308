// Small builders for the objects the rules judge, shaped like what ais-operator and the
// StatefulSet controller really produce (see test/fixtures/aistore for full-size examples).
import {
  ClusterContext,
  evaluate,
  type Evaluation,
  type KubeObject,
  type Modes,
  type Operation,
} from '../../src/policy/index.js';

export interface MountSpec {
  path: string;
  size?: string;
  storageClass?: string;
  useHostPath?: boolean;
  /** A label selector for the PVs its claims may bind, as the CRD takes it. */
  selector?: unknown;
}

export interface AIStoreOptions {
  name?: string;
  namespace?: string;
  size?: number;
  disable?: boolean;
  legacyDisable?: unknown;
  hostPort?: number;
  hostNetwork?: boolean;
  nodeSelector?: Record<string, string>;
  mounts?: MountSpec[];
  affinity?: unknown;
}

export const DATA_MOUNT: MountSpec = {
  path: '/data/aistore',
  size: '5Ti',
  storageClass: 'ais-local-storage',
};

export function aistore(o: AIStoreOptions = {}): KubeObject {
  // The four ports of each daemon (the CRD requires them) and a state storage: a spec the operator's
  // ValidateSpec accepts (operator-refuses-spec). The legacy hostpathPrefix, so a test that sets
  // spec.stateStorage or spec.stateStorageClass gets that one as the state storage, as the operator reads it.
  const targetSpec: Record<string, unknown> = {
    size: o.size ?? 2,
    servicePort: 51081,
    portPublic: 51081,
    portIntraControl: 51082,
    portIntraData: 51083,
    mounts: o.mounts ?? [DATA_MOUNT],
  };
  if (o.disable !== undefined) targetSpec.disablePodAntiAffinity = o.disable;
  if (o.hostPort !== undefined) targetSpec.hostPort = o.hostPort;
  if (o.hostNetwork !== undefined) targetSpec.hostNetwork = o.hostNetwork;
  if (o.nodeSelector) targetSpec.nodeSelector = o.nodeSelector;
  if (o.affinity) targetSpec.affinity = o.affinity;
  const spec: Record<string, unknown> = {
    nodeImage: 'aistorage/aisnode:v3.30',
    hostpathPrefix: '/etc/ais',
    proxySpec: {
      size: 1,
      servicePort: 51080,
      portPublic: 51080,
      portIntraControl: 51082,
      portIntraData: 51083,
    },
    targetSpec,
  };
  if (o.legacyDisable !== undefined) spec.disablePodAntiAffinity = o.legacyDisable;
  return {
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    metadata: { name: o.name ?? 'ais', namespace: o.namespace ?? 'ais' },
    spec,
  };
}

export function targetLabels(cr = 'ais'): Record<string, string> {
  return {
    app: cr,
    component: 'target',
    'app.kubernetes.io/name': cr,
    'app.kubernetes.io/component': 'target',
    'app.kubernetes.io/managed-by': 'ais-operator',
  };
}

export const HOST_ANTI_AFFINITY = (cr = 'ais') => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/name': cr, 'app.kubernetes.io/component': 'target' },
        },
        topologyKey: 'kubernetes.io/hostname',
      },
    ],
  },
});

/** HOST_ANTI_AFFINITY with `extra` fields on its one term (namespaces, namespaceSelector, matchLabelKeys, …). */
export const hostAntiAffinityWith = (extra: Record<string, unknown>, cr = 'ais') => {
  const [term] = HOST_ANTI_AFFINITY(cr).podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term, ...extra }] } };
};

const POD_NAME = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX = 'apps.kubernetes.io/pod-index';
const REVISION = 'controller-revision-hash';
/** HOST_ANTI_AFFINITY's target selector with one more requirement. */
const withRequirement = (requirement: Record<string, unknown>) => ({
  matchLabels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
  matchExpressions: [requirement],
});

/**
 * Term fields that decide whether a target anti-affinity term reaches the other targets (the
 * builders' objects live in namespace "ais"); src/policy/rules/target-anti-affinity.test.ts says
 * which do.
 */
export const TERM_SCOPES: { name: string; extra: Record<string, unknown> }[] = [
  { name: 'another namespace', extra: { namespaces: ['monitoring'] } },
  { name: 'its own namespace listed', extra: { namespaces: ['monitoring', 'ais'] } },
  { name: 'every namespace', extra: { namespaceSelector: {} } },
  {
    name: 'another namespace by name label',
    extra: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
  },
  {
    name: 'its own namespace by name expression',
    extra: {
      namespaceSelector: {
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
        ],
      },
    },
  },
  {
    name: 'a namespace label the guard cannot see',
    extra: { namespaceSelector: { matchLabels: { team: 'storage' } } },
  },
  {
    name: 'matchLabelKeys pod name',
    extra: { matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] },
  },
  {
    name: 'matchLabelKeys revision',
    extra: { matchLabelKeys: ['controller-revision-hash'] },
  },
  {
    name: 'mismatchLabelKeys shared label',
    extra: { mismatchLabelKeys: ['app.kubernetes.io/name'] },
  },
  {
    name: 'mismatchLabelKeys revision',
    extra: { mismatchLabelKeys: ['controller-revision-hash'] },
  },
  {
    name: 'mismatchLabelKeys pod index',
    extra: { mismatchLabelKeys: ['apps.kubernetes.io/pod-index'] },
  },
  // Selectors on the labels only the StatefulSet controller sets (layout.ts controllerLabelReach).
  {
    name: 'selector pod index Exists',
    extra: { labelSelector: { matchExpressions: [{ key: POD_INDEX, operator: 'Exists' }] } },
  },
  {
    name: 'selector revision DoesNotExist',
    extra: { labelSelector: withRequirement({ key: REVISION, operator: 'DoesNotExist' }) },
  },
  {
    name: 'selector pod index In 0 and 1',
    extra: { labelSelector: withRequirement({ key: POD_INDEX, operator: 'In', values: ['0', '1'] }) },
  },
  {
    // What the apiserver stores for target 1 after merging its mismatchLabelKeys (its own name).
    name: 'selector pod name NotIn target 1',
    extra: {
      labelSelector: withRequirement({ key: POD_NAME, operator: 'NotIn', values: ['ais-target-1'] }),
      mismatchLabelKeys: [POD_NAME],
    },
  },
];

export interface PodSpecOptions {
  hostPort?: number;
  hostNetwork?: boolean;
  nodeSelector?: Record<string, string>;
  affinity?: unknown;
  claims?: string[];
  /** The init container's AIS_PUBLIC_HOSTNAME from this pod field, as the operator renders it for a hostPort. */
  publicHostnameFrom?: string;
}

function podSpec(o: PodSpecOptions): Record<string, unknown> {
  const port: Record<string, unknown> = { name: 'http', containerPort: 51081, protocol: 'TCP' };
  if (o.hostPort !== undefined) port.hostPort = o.hostPort;
  const spec: Record<string, unknown> = {
    containers: [{ name: 'ais-node', image: 'aistorage/aisnode:v3.30', ports: [port] }],
    volumes: (o.claims ?? []).map((claimName, i) => ({
      name: `data-${i}`,
      persistentVolumeClaim: { claimName },
    })),
  };
  if (o.hostNetwork !== undefined) spec.hostNetwork = o.hostNetwork;
  if (o.publicHostnameFrom)
    spec.initContainers = [
      {
        name: 'populate-env',
        image: 'aistorage/ais-init:v3.30',
        env: [
          { name: 'AIS_K8S_CLUSTER_DOMAIN', value: 'cluster.local' },
          { name: 'AIS_PUBLIC_HOSTNAME', valueFrom: { fieldRef: { fieldPath: o.publicHostnameFrom } } },
        ],
      },
    ];
  if (o.nodeSelector) spec.nodeSelector = o.nodeSelector;
  if (o.affinity) spec.affinity = o.affinity;
  return spec;
}

export function targetStatefulSet(
  o: PodSpecOptions & { cr?: string; namespace?: string; replicas?: number; templates?: string[] } = {},
): KubeObject {
  const cr = o.cr ?? 'ais';
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: `${cr}-target`, namespace: o.namespace ?? 'ais', labels: targetLabels(cr) },
    spec: {
      replicas: o.replicas ?? 2,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { 'app.kubernetes.io/name': cr, 'app.kubernetes.io/component': 'target' } },
      template: { metadata: { labels: targetLabels(cr) }, spec: podSpec(o) },
      volumeClaimTemplates: (o.templates ?? [`${cr}-data-aistore`]).map((name) => ({
        metadata: { name },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'ais-local-storage',
          resources: { requests: { storage: '5Ti' } },
        },
      })),
    },
  };
}

export function targetPod(
  o: PodSpecOptions & { cr?: string; namespace?: string; ordinal?: number } = {},
): KubeObject {
  const cr = o.cr ?? 'ais';
  const ordinal = o.ordinal ?? 0;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${cr}-target-${ordinal}`,
      namespace: o.namespace ?? 'ais',
      labels: { ...targetLabels(cr), 'statefulset.kubernetes.io/pod-name': `${cr}-target-${ordinal}` },
    },
    spec: podSpec({ claims: [`${cr}-data-aistore-${cr}-target-${ordinal}`], ...o }),
  };
}

export function pvc(
  name: string,
  o: { namespace?: string; labels?: Record<string, string> | null; volumeName?: string } = {},
): KubeObject {
  const spec: Record<string, unknown> = {
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'ais-local-storage',
    resources: { requests: { storage: '5Ti' } },
  };
  if (o.volumeName) spec.volumeName = o.volumeName;
  const metadata: Record<string, unknown> = { name, namespace: o.namespace ?? 'ais' };
  if (o.labels !== null)
    metadata.labels = o.labels ?? {
      'app.kubernetes.io/name': 'ais',
      'app.kubernetes.io/component': 'target',
    };
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec };
}

export interface PvOptions {
  claim: string;
  claimNamespace?: string;
  host?: string | string[] | null;
  path?: string;
  storageClass?: string;
  capacity?: string;
  accessModes?: string[];
  local?: boolean;
  annotations?: Record<string, string>;
}

export function pv(name: string, o: PvOptions): KubeObject {
  const hosts = o.host === null ? [] : Array.isArray(o.host) ? o.host : [o.host ?? 'node-1'];
  const source = { path: o.path ?? `/ais/${name}` };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(o.annotations && { annotations: o.annotations }) },
    spec: {
      storageClassName: o.storageClass ?? 'ais-local-storage',
      capacity: { storage: o.capacity ?? '5Ti' },
      accessModes: o.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      ...(o.local ? { local: source } : { hostPath: source }),
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: o.claimNamespace ?? 'ais',
        name: o.claim,
      },
      ...(hosts.length > 0 && {
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: hosts }] },
            ],
          },
        },
      }),
    },
  };
}

/**
 * A disk the local static provisioner published on `host` (sig-storage-local-static-provisioner):
 * named local-pv-…, annotated provisioned-by local-volume-provisioner-<node>-<node uid>, a `local`
 * source, Available with no claimRef until the scheduler binds it to a claim of its class.
 */
export function discoveredDisk(o: {
  host: string;
  path: string;
  name?: string;
  storageClass?: string;
  reclaim?: 'Delete' | 'Retain';
  nodeUid?: string;
}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: o.name ?? `local-pv-${o.host}-${o.path.split('/').pop() ?? ''}`,
      labels: { 'storage.kubernetes.io/created-by': 'local-volume-provisioner' },
      annotations: {
        'pv.kubernetes.io/provisioned-by': `local-volume-provisioner-${o.host}-${o.nodeUid ?? '0b6c3f2e'}`,
      },
    },
    spec: {
      capacity: { storage: '1788Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: o.reclaim ?? 'Delete',
      storageClassName: o.storageClass ?? 'ais-local-storage',
      local: { path: o.path },
      volumeMode: 'Filesystem',
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.host] }] },
          ],
        },
      },
    },
    status: { phase: 'Available' },
  };
}

export function node(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  };
}

/** `ais-data-aistore-ais-target-N` */
export const claimName = (ordinal: number, cr = 'ais', path = '/data/aistore') =>
  `${cr}${path.replaceAll('/', '-')}-${cr}-target-${ordinal}`;

/**
 * The PV as the PV controller leaves it once the claim it was bound to is deleted (scale-in with
 * whenScaled: Delete, the operator's cleanup, a node replaced): Released, the claimRef holding that
 * claim's uid. It binds no new claim of the name until someone clears the uid.
 */
export function released(volume: KubeObject, uid = 'uid-of-a-deleted-claim'): KubeObject {
  const copy = structuredClone(volume) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
  copy.spec.claimRef.uid = uid;
  return { ...copy, status: { phase: 'Released' } };
}

/**
 * The PV as a provisioner makes it for the claim with `uid` (in-tree, CSI external, rancher
 * local-path): named pvc-<uid>, bound to that claim, annotated pv.kubernetes.io/provisioned-by.
 */
export function madeForClaim(
  volume: KubeObject,
  uid: string,
  provisioner = 'rancher.io/local-path',
): KubeObject {
  const copy = structuredClone(volume) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
  copy.spec.claimRef.uid = uid;
  return {
    ...copy,
    metadata: {
      ...copy.metadata,
      name: `pvc-${uid}`,
      annotations: { ...copy.metadata?.annotations, 'pv.kubernetes.io/provisioned-by': provisioner },
    },
  };
}

/** Two disks on one node, pre-bound to target-0 and target-1 (the worked example). */
export const oneNodeDisks = (host = 'node-1') => [
  pv('pv-sda', { claim: claimName(0), host, path: '/ais/sda' }),
  pv('pv-sdb', { claim: claimName(1), host, path: '/ais/sdb' }),
];

export interface Case {
  name: string;
  object: KubeObject;
  context?: KubeObject[];
  operation?: Operation;
  oldObject?: KubeObject;
  modes?: Modes;
  nodeCount?: number;
  /** Who sends the write (Subject.requester), as the webhook passes it. */
  requester?: string;
}

/** Frozen all the way down: evaluate() must never change its input (rules change a copy they take
 * with writable()), and a rule that writes to the input throws here instead of corrupting a review. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function run(c: Case): Evaluation {
  deepFreeze([c.object, c.oldObject, c.context]);
  const ctx = new ClusterContext([...(c.context ?? []), c.object], { nodeCount: c.nodeCount });
  const { operation = 'CREATE', object, oldObject, requester } = c;
  return evaluate({ operation, object, oldObject, requester }, ctx, { modes: c.modes });
}

/** The findings of one rule, as "severity: message" strings, for compact table assertions. */
export function findingsOf(ev: Evaluation, ruleId: string) {
  return ev.findings.filter((f) => f.ruleId === ruleId);
}
