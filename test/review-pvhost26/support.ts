// Builders for review pvhost26: a hand-made node-local CSI PV (OpenEBS LVM LocalPV static
// provisioning: a PV for a pre-created LV) pinned by its driver's topology key, and Nodes carrying
// that key, so the same layout can be written with a kubernetes.io/hostname pin and compared.
import { node, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

export const TOPO = 'openebs.io/nodename';
export const HOSTNAME = 'kubernetes.io/hostname';
/** Both ways of pinning one node: the verdict must not depend on which label the PV names. */
export const KEYS = [HOSTNAME, TOPO] as const;

/** Nodes node-1..3 carrying the driver's topology key (the CSI node plugin sets it to the node's name). */
export const topoNodes = (extra: Record<string, Record<string, string>> = {}): KubeObject[] =>
  ['node-1', 'node-2', 'node-3'].map((n) => node(n, { [TOPO]: n, ...extra[n] }));

/** A hand-made CSI PV for `claim` whose required node affinity is `terms`. */
export function csiPvWithTerms(name: string, claim: string, terms: unknown[], capacity = '5Ti'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      storageClassName: 'ais-local-storage',
      capacity: { storage: capacity },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      csi: { driver: 'local.csi.openebs.io', volumeHandle: name, fsType: 'xfs' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'ais', name: claim },
      nodeAffinity: { required: { nodeSelectorTerms: terms } },
    },
  };
}

/** A hand-made CSI PV for `claim` pinned by `key In values`. */
export const csiPv = (
  name: string,
  claim: string,
  key: string,
  values: string | string[],
  capacity?: string,
) =>
  csiPvWithTerms(
    name,
    claim,
    [{ matchExpressions: [{ key, operator: 'In', values: Array.isArray(values) ? values : [values] }] }],
    capacity,
  );

/** The CR with one more mount, /data/b, so one target has two claims. */
export function twoMounts(cr: KubeObject): KubeObject {
  const copy = structuredClone(cr) as KubeObject & { spec: { targetSpec: Record<string, unknown> } };
  copy.spec.targetSpec.mounts = [
    { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' },
    { path: '/data/b', size: '5Ti', storageClass: 'ais-local-storage' },
  ];
  return copy;
}

export const findings = (ev: ReturnType<typeof run>) =>
  ev.findings.map((f) => `${f.ruleId} ${f.severity}: ${f.message}`);
