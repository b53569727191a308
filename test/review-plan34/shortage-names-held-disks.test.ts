// Review plan34: on bare metal the local static provisioner publishes a PV for every disk it finds,
// so `plan --diff-cluster` sees the map's disks held by those PVs and stops with "not enough disks
// ... 2 disk(s) held by existing PVs": no word of which PVs, nor that they are the provisioner's and
// what to do. The one-line error now names the held disks and their PVs, and for a published disk
// says to keep it out of the provisioner's discovery.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import type { KubeObject } from '../../src/policy/index.js';
import { parseDiskMap, PlanError, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = aistore({
  disable: true,
  size: 2,
  mounts: [{ path: '/data', size: '1Ti', storageClass: 'local' }],
}) as AIStoreCR;
const map = parseDiskMap({
  n1: [
    { path: '/mnt/a', size: '2Ti' },
    { path: '/mnt/b', size: '2Ti' },
  ],
});
const published = (disk: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: {
    name: `local-pv-${disk}`,
    annotations: { 'pv.kubernetes.io/provisioned-by': 'local-volume-provisioner-n1-abc' },
  },
  spec: {
    capacity: { storage: '2Ti' },
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'fast-disks',
    local: { path: `/mnt/${disk}` },
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
        ],
      },
    },
  },
  status: { phase: 'Available' },
});

describe('review plan34: a shortage because existing PVs hold the disks', () => {
  it('names the held disks, their PVs, and what to do about published ones', () => {
    let error: unknown;
    try {
      planVolumes(cr, map, { existing: [published('a'), published('b')] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanError);
    const message = (error as PlanError).message;
    expect(message).toMatch(/^not enough disks: /);
    expect(message).toContain('n1:/mnt/a (PV local-pv-a, published by the local static provisioner)');
    expect(message).toContain('n1:/mnt/b (PV local-pv-b, published by the local static provisioner)');
    expect(message).toMatch(/Keep the disk out of the provisioner's discovery/);
    expect(message).not.toContain('\n');
  });
});
