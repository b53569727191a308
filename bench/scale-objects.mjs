// Objects of a large shared cluster, as the apiserver serves them, for the scale bench: Nodes with
// kubelet status (30-50 images, conditions), local PVs pinned to nodes, StatefulSets, AIStore CRs
// (`nsOf(k)` holds CR k, named "ais": k = 0 is the namespace bench/reviews.mjs reviews).
export const TARGETS_PER_CR = 5;
const hex = (n, len) => (n * 2654435761).toString(16).padStart(len, '0').slice(-len).repeat(8).slice(0, len);
export const nsOf = (k) => (k === 0 ? 'ais' : `ais-${k}`);

/** A Node as a kubelet reports it: 30-50 images, five conditions, addresses, capacity, nodeInfo. */
export function node(i, heartbeat = '2026-11-30T06:00:00Z', crs = 20) {
  const images = [];
  for (let j = 0; j < 30 + (i % 21); j++) {
    const repo = `registry.example.com/team-${j % 17}/service-${j}`;
    images.push({
      names: [`${repo}@sha256:${hex(i * 100 + j, 64)}`, `${repo}:v1.${j}.${i % 7}`],
      sizeBytes: 10_000_000 + j * 1_234_567,
    });
  }
  const condition = (type, status, reason) => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: '2026-11-01T00:00:00Z',
    reason,
    message: `kubelet reports ${reason}`,
  });
  const pool = i < crs * TARGETS_PER_CR ? `ais-${Math.floor(i / TARGETS_PER_CR)}` : 'general';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i}`,
      uid: `uid-node-${i}`,
      labels: {
        'kubernetes.io/hostname': `node-${i}`,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': i % 3 ? 'm6i.4xlarge' : 'i4i.8xlarge',
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
        'topology.kubernetes.io/region': 'region-1',
        pool,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `10.${i >> 8}.${i & 255}.0/24`,
      providerID: `aws:///zone-${i % 3}/i-${hex(i, 17)}`,
      ...(i % 10 === 9 && { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    },
    status: {
      capacity: { cpu: '16', memory: '65536Mi', pods: '110', 'ephemeral-storage': '200Gi' },
      allocatable: { cpu: '15800m', memory: '63000Mi', pods: '110', 'ephemeral-storage': '180Gi' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
        condition('NetworkUnavailable', 'False', 'RouteCreated'),
        condition('Ready', 'True', 'KubeletReady'),
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.${i >> 8}.${i & 255}` },
        { type: 'Hostname', address: `node-${i}` },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hex(i, 32),
        systemUUID: hex(i + 7, 32),
        bootID: hex(i + 9, 32),
        kernelVersion: '6.1.0-27-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: 'v1.33.1',
        kubeProxyVersion: 'v1.33.1',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images,
    },
  };
}

export function pv(name, claimNamespace, claim, host, phase = 'Bound') {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      uid: `uid-${name}`,
      annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' },
      finalizers: ['kubernetes.io/pv-protection'],
    },
    spec: {
      capacity: { storage: '5Ti' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: claimNamespace.startsWith('ais') ? 'ais-local-storage' : 'local-storage',
      volumeMode: 'Filesystem',
      local: { path: `/mnt/disks/${name}` },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claimNamespace,
        name: claim,
        uid: `uid-pvc-${name}`,
        resourceVersion: '1',
      },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] },
          ],
        },
      },
    },
    status: { phase, lastPhaseTransitionTime: '2026-11-01T00:00:00Z' },
  };
}

export function statefulSet(namespace, name, operator, ready = 1) {
  const labels = operator
    ? {
        'app.kubernetes.io/name': 'ais',
        'app.kubernetes.io/component': 'target',
        'app.kubernetes.io/managed-by': 'ais-operator',
      }
    : { app: name, team: namespace };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels, generation: 1 },
    spec: {
      replicas: TARGETS_PER_CR,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      selector: {
        matchLabels: operator
          ? { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' }
          : { app: name },
      },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: operator ? 'ais-node' : 'app',
              image: operator ? 'aistorage/aisnode:v3.30' : `registry.example.com/${namespace}/${name}:v2`,
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: '2', memory: '4Gi' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: operator ? 'ais-data-aistore' : 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'local-storage',
            resources: { requests: { storage: '100Gi' } },
          },
        },
      ],
    },
    status: {
      replicas: TARGETS_PER_CR,
      readyReplicas: ready,
      currentReplicas: TARGETS_PER_CR,
      observedGeneration: 1,
    },
  };
}

export function aistore(k) {
  return {
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    metadata: { name: 'ais', namespace: nsOf(k) },
    spec: {
      nodeImage: 'aistorage/aisnode:v3.30',
      proxySpec: { size: 1, servicePort: 51080 },
      targetSpec: {
        size: TARGETS_PER_CR,
        servicePort: 51081,
        mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
        // Half the deployments pick their nodes by label, half may use any node.
        ...(k % 2 === 0 && { nodeSelector: { pool: `ais-${k}` } }),
      },
    },
  };
}

/**
 * What bench/scale-bytes.mjs caches to measure heap bytes per object, for a cluster of `shape`
 * (scale.mjs's FULL or QUICK) and `n` objects of each kind: { kind: { apiVersion, make(i) } }.
 */
export function cachedKinds(n, shape) {
  // PVs pinned to the same node share one interned affinity: as many per node as in the cluster
  // (FULL: 100,000 on 5,000 nodes), or the bytes per PV depend on how many the bench measures.
  const hosts = Math.max(1, Math.round((n * shape.nodes) / shape.pvs));
  return {
    Node: { apiVersion: 'v1', make: (i) => node(i) },
    PersistentVolume: {
      apiVersion: 'v1',
      make: (i) => pv(`pv-${i}`, `team-${i % 2000}`, `data-${i}`, `node-${i % hosts}`),
    },
    StatefulSet: { apiVersion: 'apps/v1', make: (i) => statefulSet(`ais-${i}`, 'ais-target', true) },
  };
}
