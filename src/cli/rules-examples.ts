// Examples for `ais-guard rules explain`: per rule, one input the rule lets through and one it
// denies (or warns about, for a rule that never denies). The last object is the one judged; the
// others are its cluster context. Taken from the rules' table tests (src/policy/rules/*.test.ts);
// test/cli/rules-explain.test.ts proves each verdict with evaluate().
import type { KubeObject } from '../policy/index.js';

export interface Example {
  /** What the example shows. */
  name: string;
  objects: KubeObject[];
}

export const EXAMPLES: Record<string, { pass: Example; fail: Example }> = {
  'pv-target-binding': {
    pass: {
      name: 'CR: no PVs at all (dynamic provisioning)',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 3,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
            },
          },
        },
      ],
    },
    fail: {
      name: 'no CR known: intrinsic checks only',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'pv-x' },
          spec: {
            storageClassName: 'ais-local-storage',
            capacity: { storage: '5Ti' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            hostPath: { path: '/ais/pv-x' },
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: 'ais',
              name: 'ais-data-aistore-ais-target-0',
            },
          },
        },
      ],
    },
  },
  'targets-exceed-nodes': {
    pass: {
      name: 'CR CREATE: anti-affinity is turned off instead',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'a', labels: { 'kubernetes.io/hostname': 'a' } },
        },
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'b', labels: { 'kubernetes.io/hostname': 'b' } },
        },
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 3,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
            },
          },
        },
      ],
    },
    fail: {
      name: 'StatefulSet with anti-affinity and too few nodes',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'a', labels: { 'kubernetes.io/hostname': 'a' } },
        },
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'b', labels: { 'kubernetes.io/hostname': 'b' } },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: {
            name: 'ais-target',
            namespace: 'ais',
            labels: {
              app: 'ais',
              component: 'target',
              'app.kubernetes.io/name': 'ais',
              'app.kubernetes.io/component': 'target',
              'app.kubernetes.io/managed-by': 'ais-operator',
            },
          },
          spec: {
            replicas: 3,
            podManagementPolicy: 'Parallel',
            selector: {
              matchLabels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
            },
            template: {
              metadata: {
                labels: {
                  app: 'ais',
                  component: 'target',
                  'app.kubernetes.io/name': 'ais',
                  'app.kubernetes.io/component': 'target',
                  'app.kubernetes.io/managed-by': 'ais-operator',
                },
              },
              spec: {
                containers: [
                  {
                    name: 'ais-node',
                    image: 'aistorage/aisnode:v3.30',
                    ports: [{ name: 'http', containerPort: 51081, protocol: 'TCP' }],
                  },
                ],
                volumes: [],
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      {
                        labelSelector: {
                          matchLabels: {
                            'app.kubernetes.io/name': 'ais',
                            'app.kubernetes.io/component': 'target',
                          },
                        },
                        topologyKey: 'kubernetes.io/hostname',
                      },
                    ],
                  },
                },
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'ais-data-aistore' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: 'ais-local-storage',
                  resources: { requests: { storage: '5Ti' } },
                },
              },
            ],
          },
        },
      ],
    },
  },
  'target-host-network': {
    pass: {
      name: 'CR: hostNetwork, one target per node',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              hostNetwork: true,
            },
          },
        },
      ],
    },
    fail: {
      name: 'CR: hostNetwork in multi-target',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
              hostNetwork: true,
            },
          },
        },
      ],
    },
  },
  'target-disk-binding': {
    pass: {
      name: 'PVC, no PV known, one target per node: quiet',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: 'ais-data-aistore-ais-target-1',
            namespace: 'ais',
            labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'ais-local-storage',
            resources: { requests: { storage: '5Ti' } },
          },
        },
      ],
    },
    fail: {
      name: 'PVC names another PV',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'pv-sda' },
          spec: {
            storageClassName: 'ais-local-storage',
            capacity: { storage: '5Ti' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            hostPath: { path: '/ais/sda' },
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: 'ais',
              name: 'ais-data-aistore-ais-target-0',
            },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-7'] }],
                  },
                ],
              },
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'pv-sdb' },
          spec: {
            storageClassName: 'ais-local-storage',
            capacity: { storage: '5Ti' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            hostPath: { path: '/ais/sdb' },
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: 'ais',
              name: 'ais-data-aistore-ais-target-1',
            },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-7'] }],
                  },
                ],
              },
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: 'ais-data-aistore-ais-target-1',
            namespace: 'ais',
            labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'ais-local-storage',
            resources: { requests: { storage: '5Ti' } },
            volumeName: 'pv-sda',
          },
        },
      ],
    },
  },
  'target-anti-affinity': {
    pass: {
      name: 'CR: anti-affinity against another app is fine',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    {
                      labelSelector: { matchLabels: { app: 'postgres' } },
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  ],
                },
              },
            },
          },
        },
      ],
    },
    fail: {
      name: 'CR: user anti-affinity with disablePodAntiAffinity',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    {
                      labelSelector: {
                        matchLabels: {
                          'app.kubernetes.io/name': 'ais',
                          'app.kubernetes.io/component': 'target',
                        },
                      },
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  ],
                },
              },
            },
          },
        },
      ],
    },
  },
  'pvc-name': {
    pass: {
      name: 'correct name with the CR known',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: 'ais-data-aistore-ais-target-1',
            namespace: 'ais',
            labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'ais-local-storage',
            resources: { requests: { storage: '5Ti' } },
          },
        },
      ],
    },
    fail: {
      name: 'claim with the operator label, a wrong shape and no CR',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: 'data-ais-0',
            namespace: 'ais',
            labels: {
              'app.kubernetes.io/name': 'ais',
              'app.kubernetes.io/component': 'target',
              'app.kubernetes.io/managed-by': 'ais-operator',
            },
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'ais-local-storage',
            resources: { requests: { storage: '5Ti' } },
          },
        },
      ],
    },
  },
  'target-host-port': {
    pass: {
      name: 'CR: hostPort, one target per node (anti-affinity on)',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              hostPort: 51081,
            },
          },
        },
      ],
    },
    fail: {
      name: 'CR: hostPort with anti-affinity disabled',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
              hostPort: 51081,
            },
          },
        },
      ],
    },
  },
  'anti-affinity-not-disabled': {
    pass: {
      name: 'size 1 pinned is fine',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 1,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
            },
          },
        },
      ],
    },
    fail: {
      name: 'nodeSelector pins one host, size 2',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
            },
          },
        },
      ],
    },
  },
  'mount-template-name': {
    pass: {
      name: 'hostPath mounts make no template',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: { size: 2, servicePort: 51081, mounts: [{ path: '/Data_X', useHostPath: true }] },
          },
        },
      ],
    },
    fail: {
      name: 'uppercase path',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: { size: 2, servicePort: 51081, mounts: [{ path: '/Data' }] },
          },
        },
      ],
    },
  },
  'legacy-anti-affinity-field': {
    pass: {
      name: 'current field only',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
              disablePodAntiAffinity: true,
            },
          },
        },
      ],
    },
    fail: {
      name: 'CREATE: moved to targetSpec',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
            },
            disablePodAntiAffinity: true,
          },
        },
      ],
    },
  },
  'target-host-path-shared': {
    pass: {
      name: 'useHostPath with one target per node',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: { size: 2, servicePort: 51081, mounts: [{ path: '/ais/sda', useHostPath: true }] },
          },
        },
      ],
    },
    fail: {
      name: 'useHostPath mount in multi-target',
      objects: [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          metadata: { name: 'ais', namespace: 'ais' },
          spec: {
            nodeImage: 'aistorage/aisnode:v3.30',
            proxySpec: { size: 1, servicePort: 51080 },
            targetSpec: {
              size: 2,
              servicePort: 51081,
              mounts: [{ path: '/ais/sda', useHostPath: true }],
              disablePodAntiAffinity: true,
            },
          },
        },
      ],
    },
  },
};
