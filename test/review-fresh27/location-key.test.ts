// review fresh27: the Hetzner Cloud CSI driver (csi.hetzner.cloud) pins every volume it makes to its
// location with `csi.hetzner.cloud/location In [fsn1]`, a region-wide label every node of the location
// carries (cloud node controllers and the cluster autoscaler's hetzner provider set it beside
// topology.kubernetes.io/region). A Hetzner volume attaches to whichever node of fsn1 the pod lands
// on, as a zonal EBS volume does within its zone. context.ts termNodeHost takes a key for a node pin
// unless isZoneKey says it names a zone or region, and isZoneKey only matches /zone|region/ in the
// key's last segment: `location` passes, so with one Node in fsn1 today the volume is taken to be *on*
// that Node. Here fsn1 holds node-1 only, which the targets' nodeSelector (pool=ais) rules out; the
// pool's nodes are in nbg1 today. pv-target-binding then denies the volume: "PV hc-0 is on node
// node-1, where the targets of ais cannot run" (and target-disk-binding would pin the pod to that
// node, immutably), though a pool node added in fsn1 serves it. The same PV on
// topology.kubernetes.io/zone is admitted (review pvhost26 topology-edges: "a zonal network volume
// attaches to any node of the zone").
// Fix: context.ts isZoneKey: take `location` (and other region-like last segments) as a zone or
// region key, or resolve only keys known to be node pins.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const LOCATION = 'csi.hetzner.cloud/location';
const ZONE = 'topology.kubernetes.io/zone';

function hetznerPv(key: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'hc-0' },
    spec: {
      capacity: { storage: '5Ti' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'ais-local-storage',
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'ais', name: claimName(0) },
      csi: { driver: 'csi.hetzner.cloud', volumeHandle: '10234567', fsType: 'ext4' },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: ['fsn1'] }] }] },
      },
    },
  };
}

const nodesBy = (key: string) => [
  node('node-1', { [key]: 'fsn1' }),
  node('node-2', { [key]: 'nbg1', pool: 'ais' }),
  node('node-3', { [key]: 'nbg1', pool: 'ais' }),
];
const cr = aistore({ disable: true, nodeSelector: { pool: 'ais' } });
const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe('review fresh27: a Hetzner volume pinned to its location', () => {
  it('control: the volume pinned by topology.kubernetes.io/zone is not "on node node-1"', () => {
    expect(denies(run({ name: 'z', object: hetznerPv(ZONE), context: [...nodesBy(ZONE), cr] }))).toEqual([]);
  });

  it('the volume pinned by csi.hetzner.cloud/location is not "on node node-1" either', () => {
    const ev = run({ name: 'l', object: hetznerPv(LOCATION), context: [...nodesBy(LOCATION), cr] });
    expect(denies(ev)).toEqual([]);
  });
});
