// Examples for `ais-guard rules explain`: per rule, one input the rule lets through and one it
// denies (or warns about, for a rule that never denies). The last object is the one judged; the
// others are its cluster context. Taken from the rules' table tests (src/policy/rules/*.test.ts);
// test/cli/rules-explain.test.ts proves each verdict with evaluate().
import type { KubeObject } from '../policy/index.js';

export interface Example {
  /** What the example shows. */
  name: string;
  objects: KubeObject[];
  /** The judged object's stored version: the example is then an UPDATE from it, else a CREATE. */
  old?: KubeObject;
}

const DATA_MOUNT = { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' };
const TARGET_SELECTOR = { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' };
const OPERATOR_LABELS = {
  app: 'ais',
  component: 'target',
  ...TARGET_SELECTOR,
  'app.kubernetes.io/managed-by': 'ais-operator',
};
const CLAIM_1 = 'ais-data-aistore-ais-target-1';

const PORTS = (base: number) => ({
  servicePort: base,
  portPublic: base,
  portIntraControl: 51082,
  portIntraData: 51083,
});

/** AIStore ais/ais with 2 targets on one data mount; `targetSpec` fields are added or replaced. */
function aistore(targetSpec: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    metadata: { name: 'ais', namespace: 'ais' },
    spec: {
      nodeImage: 'aistorage/aisnode:v3.30',
      // A state storage and every port: what the operator's spec checks ask (operator-refuses-spec).
      stateStorage: { hostPath: { prefix: '/etc/ais' } },
      proxySpec: { size: 1, ...PORTS(51080) },
      targetSpec: { size: 2, ...PORTS(51081), mounts: [DATA_MOUNT], ...targetSpec },
      ...spec,
    },
  };
}

/** The same AIStore under another name. */
const named = (name: string): KubeObject => ({ ...aistore(), metadata: { name, namespace: 'ais' } });

const node = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
});

const CLAIM_SPEC = {
  accessModes: ['ReadWriteOnce'],
  storageClassName: 'ais-local-storage',
  resources: { requests: { storage: '5Ti' } },
};

function pvc(name: string, labels: Record<string, string>, volumeName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'ais', labels },
    spec: { ...CLAIM_SPEC, ...(volumeName ? { volumeName } : {}) },
  };
}

/** A local PV on `path`, pre-bound to an ais claim, optionally pinned to one node. */
function pv(name: string, path: string, claim: string, host?: string): KubeObject {
  const onHost = host && {
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] },
        ],
      },
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      storageClassName: 'ais-local-storage',
      capacity: { storage: '5Ti' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'ais', name: claim },
      ...onHost,
    },
  };
}

/** The PV with the uid of the claim it was bound to, as `kubectl get pv -o yaml` exports it. */
function withClaimUid(volume: KubeObject): KubeObject {
  const spec = volume.spec as { claimRef: Record<string, unknown> };
  return {
    ...volume,
    spec: { ...spec, claimRef: { ...spec.claimRef, uid: '5c1e6f2a-0d4b-4c9e-9a57-1f0e2b3c4d5e' } },
  };
}

/** Required hostname anti-affinity against pods with these labels. */
const antiAffinity = (matchLabels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels }, topologyKey: 'kubernetes.io/hostname', ...extra },
    ],
  },
});

/** The target StatefulSet as the operator renders it with anti-affinity on. */
const targetStatefulSet = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'ais-target', namespace: 'ais', labels: OPERATOR_LABELS },
  spec: {
    replicas,
    podManagementPolicy: 'Parallel',
    selector: { matchLabels: TARGET_SELECTOR },
    template: {
      metadata: { labels: OPERATOR_LABELS },
      spec: {
        containers: [
          {
            name: 'ais-node',
            image: 'aistorage/aisnode:v3.30',
            ports: [{ name: 'http', containerPort: 51081, protocol: 'TCP' }],
          },
        ],
        volumes: [],
        affinity: antiAffinity(TARGET_SELECTOR),
      },
    },
    volumeClaimTemplates: [{ metadata: { name: 'ais-data-aistore' }, spec: CLAIM_SPEC }],
  },
});

const example = (name: string, ...objects: KubeObject[]): Example => ({ name, objects });
const off = { disablePodAntiAffinity: true };
const hostPathMount = (path: string) => ({ mounts: [{ path, useHostPath: true }] });

export const EXAMPLES: Record<string, { pass: Example; fail: Example }> = {
  'pv-target-binding': {
    pass: example('CR: no PVs at all (dynamic provisioning)', aistore({ size: 3, ...off })),
    fail: example(
      'no CR known: intrinsic checks only',
      pv('pv-x', '/ais/pv-x', 'ais-data-aistore-ais-target-0'),
    ),
  },
  'affinity-label-keys': {
    pass: example(
      'matchLabelKeys on the pod name: each target keeps apart only from itself',
      aistore({
        affinity: antiAffinity(TARGET_SELECTOR, { matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] }),
      }),
    ),
    fail: example(
      'matchLabelKeys on a key the selector already has',
      aistore({ affinity: antiAffinity(TARGET_SELECTOR, { matchLabelKeys: ['app.kubernetes.io/name'] }) }),
    ),
  },
  'pv-claim-uid': {
    pass: example('PV pre-bound by namespace and name', pv('pv-sda', '/ais/sda', CLAIM_1, 'node-7')),
    fail: example(
      "PV manifest exported with its claim's uid",
      withClaimUid(pv('pv-sda', '/ais/sda', CLAIM_1, 'node-7')),
    ),
  },
  'targets-exceed-nodes': {
    pass: example(
      'CR CREATE: anti-affinity is turned off instead',
      node('a'),
      node('b'),
      aistore({ size: 3 }),
    ),
    fail: example(
      'StatefulSet with anti-affinity and too few nodes',
      node('a'),
      node('b'),
      targetStatefulSet(3),
    ),
  },
  'target-host-network': {
    pass: example('CR: hostNetwork, one target per node', aistore({ hostNetwork: true })),
    fail: example('CR: hostNetwork in multi-target', aistore({ ...off, hostNetwork: true })),
  },
  'target-host-network-port': {
    pass: example(
      'hostNetwork with hostPort equal to the servicePort',
      aistore({ hostNetwork: true, hostPort: 51081 }),
    ),
    fail: example('hostNetwork with another hostPort', aistore({ hostNetwork: true, hostPort: 8080 })),
  },
  'proxy-target-host-port': {
    pass: example('proxies and targets on their own host ports', aistore({ hostPort: 51081 })),
    fail: example(
      'proxies and targets on one host port',
      aistore({ hostPort: 51081 }, { proxySpec: { size: 1, ...PORTS(51080), hostPort: 51081 } }),
    ),
  },
  'target-disk-binding': {
    pass: example('PVC, no PV known, one target per node: quiet', aistore(), pvc(CLAIM_1, TARGET_SELECTOR)),
    fail: example(
      'PVC names another PV',
      aistore(off),
      pv('pv-sda', '/ais/sda', 'ais-data-aistore-ais-target-0', 'node-7'),
      pv('pv-sdb', '/ais/sdb', CLAIM_1, 'node-7'),
      pvc(CLAIM_1, TARGET_SELECTOR, 'pv-sda'),
    ),
  },
  'target-anti-affinity': {
    pass: example(
      'CR: anti-affinity against another app is fine',
      aistore({ ...off, affinity: antiAffinity({ app: 'postgres' }) }),
    ),
    fail: example(
      'CR: user anti-affinity with disablePodAntiAffinity',
      aistore({ ...off, affinity: antiAffinity(TARGET_SELECTOR) }),
    ),
  },
  'pvc-name': {
    pass: example('correct name with the CR known', aistore(), pvc(CLAIM_1, TARGET_SELECTOR)),
    fail: example(
      'claim with the operator label, a wrong shape and no CR',
      pvc('data-ais-0', { ...TARGET_SELECTOR, 'app.kubernetes.io/managed-by': 'ais-operator' }),
    ),
  },
  'target-host-port': {
    pass: example('CR: hostPort, one target per node (anti-affinity on)', aistore({ hostPort: 51081 })),
    fail: example('CR: hostPort with anti-affinity disabled', aistore({ ...off, hostPort: 51081 })),
  },
  'anti-affinity-not-disabled': {
    pass: example(
      'size 1 pinned is fine',
      aistore({ size: 1, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    ),
    fail: example(
      'nodeSelector pins one host, size 2',
      aistore({ nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    ),
  },
  'cr-name': {
    pass: example('a name that starts with a letter', named('ais-prod-1')),
    fail: example('a name that starts with a digit', named('1ais')),
  },
  'mount-template-name': {
    pass: example('hostPath mounts make no template', aistore(hostPathMount('/Data_X'))),
    fail: example('uppercase path', aistore({ mounts: [{ path: '/Data' }] })),
  },
  'mount-path-unique': {
    pass: example(
      'one directory per disk',
      aistore({ mounts: [DATA_MOUNT, { ...DATA_MOUNT, path: '/data/ssd' }] }),
    ),
    fail: example(
      "a disk on the operator's state directory",
      aistore({ mounts: [{ ...DATA_MOUNT, path: '/etc/ais' }] }),
    ),
  },
  'legacy-anti-affinity-field': {
    pass: example('current field only', aistore(off)),
    fail: example('CREATE: moved to targetSpec', aistore({}, off)),
  },
  'operator-fixed-fields': {
    pass: { ...example('a scale-out', aistore({ size: 3 })), old: aistore() },
    fail: { ...example('a hostPort added to a live CR', aistore({ hostPort: 51081 })), old: aistore() },
  },
  'operator-never-in-sync': {
    pass: example(
      'both retention fields written',
      aistore({ pvcRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }),
    ),
    fail: example('whenScaled alone', aistore({ pvcRetentionPolicy: { whenScaled: 'Delete' } })),
  },
  'operator-refuses-spec': {
    pass: example('a size, a state storage and every port', aistore()),
    fail: example('a target port given by name', aistore({ portPublic: 'http' })),
  },
  'daemon-resources-refused': {
    pass: example(
      'requests within their limits',
      aistore({ resources: { requests: { memory: '8Gi' }, limits: { memory: '16Gi' } } }),
    ),
    fail: example(
      'a memory request above its limit',
      aistore({ resources: { requests: { memory: '16Gi' }, limits: { memory: '8Gi' } } }),
    ),
  },
  'daemon-placement-refused': {
    pass: example(
      'a toleration of a NoSchedule taint',
      aistore({ tolerations: [{ key: 'ais', operator: 'Exists', effect: 'NoSchedule' }] }),
    ),
    fail: example(
      'operator Exists with a value',
      aistore({ tolerations: [{ key: 'ais', operator: 'Exists', value: 'true', effect: 'NoSchedule' }] }),
    ),
  },
  'daemon-ports-refused': {
    pass: example('a host port for the targets', aistore({ hostPort: 51081 })),
    fail: example(
      'the intra-cluster data port on the control port',
      aistore({ portIntraData: 51083, portIntraControl: 51083 }),
    ),
  },
  'daemon-metadata-refused': {
    pass: example('a pod label Kubernetes takes', aistore({ labels: { team: 'data-platform' } })),
    fail: example('a pod label value with a space', aistore({ labels: { team: 'data platform' } })),
  },
  'daemon-security-refused': {
    pass: example('a pod that runs as user 1000', aistore({ securityContext: { runAsUser: 1000 } })),
    fail: example('a negative user', aistore({ securityContext: { runAsUser: -1 } })),
  },
  'daemon-env-refused': {
    pass: example(
      'an env variable from the pod IP',
      aistore({ env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }),
    ),
    fail: example(
      'an env variable from a label written without its subscript',
      aistore({ env: [{ name: 'APP', valueFrom: { fieldRef: { fieldPath: 'metadata.labels.app' } } }] }),
    ),
  },
  'target-host-path-shared': {
    pass: example('useHostPath with one target per node', aistore(hostPathMount('/ais/sda'))),
    fail: example('useHostPath mount in multi-target', aistore({ ...hostPathMount('/ais/sda'), ...off })),
  },
};
