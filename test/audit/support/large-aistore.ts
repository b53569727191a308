// A large, valid AIStore as audit lists it: the CR, its bound target claims and their local PVs,
// on a number of nodes. For the tests of what audit's reports weigh at that size.
import type { KubeObject } from '../../../src/policy/index.js';

/** A valid AIStore of `targets` x `mounts` disks, its bound claims and their PVs, on `nodes` nodes. */
export function liveAIStore(targets: number, mountCount: number, nodes: number): KubeObject[] {
  const mounts = Array.from({ length: mountCount }, (_, m) => ({
    path: `/ais/nvme${m}`,
    size: '1Ti',
    storageClass: 'local',
  }));
  const objects: KubeObject[] = [
    {
      apiVersion: 'ais.nvidia.com/v1beta1',
      kind: 'AIStore',
      metadata: { name: 'ais', namespace: 'ais', uid: 'cr' },
      spec: {
        nodeImage: 'x',
        initImage: 'y',
        stateStorage: { hostPath: { prefix: '/etc/ais' } },
        proxySpec: { size: 1, servicePort: 51080 },
        targetSpec: { size: targets, disablePodAntiAffinity: true, servicePort: 51081, mounts },
      },
    } as KubeObject,
  ];
  for (let n = 0; n < nodes; n++)
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } },
    });
  for (let t = 0; t < targets; t++)
    mounts.forEach((m, i) => {
      const claim = `ais${m.path.replaceAll('/', '-')}-ais-target-${t}`;
      objects.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claim, namespace: 'ais', uid: `c${t}-${i}` },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Ti' } },
          storageClassName: 'local',
          volumeName: `ais.${claim}`,
        },
        status: { phase: 'Bound' },
      } as KubeObject);
      objects.push({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `ais.${claim}`, uid: `v${t}-${i}` },
        spec: {
          capacity: { storage: '8Ti' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'local',
          persistentVolumeReclaimPolicy: 'Retain',
          local: { path: `/mnt/t${Math.floor(t / nodes)}-d${i}` },
          claimRef: { namespace: 'ais', name: claim },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: [`node-${t % nodes}`] },
                  ],
                },
              ],
            },
          },
        },
      } as KubeObject);
    });
  return objects;
}
