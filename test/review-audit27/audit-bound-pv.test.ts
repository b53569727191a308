// Review audit27: the live audit reads PVs through collect.ts `compact` (server/reduce.ts
// persistentVolumeOf), which drops status.phase and claimRef.uid of a Bound PV. The rules that tell a
// live PV by `phaseOf(pv) === 'Bound'` (pv-target-binding.ts parkedBeside, freeDisk's "a live PV holds
// the disk (audit)" branch) then never see one in a real `ais-guard audit`; in-process audit([...])
// (test/server/disk-taken.test.ts F4) passes the whole PV and does. Fixed: a live PV is also told
// Bound by its Bound claim's volumeName (context.ts claimHolds), which audit lists whole.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: PVs patched field by field */
import { afterEach, describe, expect, it } from '@jest/globals';
import { audit } from '../../src/cli/audit.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, discoveredDisk, node, pv, pvc } from '../support/builders.js';
import { cli } from '../support/cli.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';

const CLASS = 'fast-disks';
const MOUNTS = [{ path: '/data/aistore', size: '1Ti', storageClass: CLASS }];
const nodes = [node('node-1'), node('node-2')];
const patched = (o: KubeObject, f: (c: any) => void): KubeObject => {
  const c = structuredClone(o) as any;
  f(c);
  return c;
};
const cr = aistore({ size: 2, disable: true, mounts: MOUNTS });
/** ais-t0 Bound to target-0's claim (uid u0) on the disk: a live target PV. */
const live = patched(
  pv('ais-t0', {
    claim: claimName(0),
    host: 'node-1',
    path: '/mnt/fast-disks/sda',
    storageClass: CLASS,
    capacity: '1788Gi',
    local: true,
  }),
  (c) => {
    c.metadata.resourceVersion = '7';
    c.spec.claimRef.uid = 'u0';
    c.status = { phase: 'Bound' };
  },
);
/** Its claim, Bound to it: in a cluster a Bound PV has one, and audit lists claims whole. */
const claim = patched(pvc(claimName(0), { volumeName: 'ais-t0' }), (c) => {
  c.metadata.uid = 'u0';
  c.metadata.resourceVersion = '6';
  c.spec.storageClassName = CLASS;
  c.spec.resources.requests.storage = '1Ti';
  c.status = { phase: 'Bound' };
});
/** The disk the local static provisioner published later, parked (as audit's own fix says) on the claim ais-t0 holds. */
const parked = patched(
  discoveredDisk({ host: 'node-1', path: '/mnt/fast-disks/sda', storageClass: CLASS }),
  (c) => {
    c.metadata.resourceVersion = '8';
    c.spec.persistentVolumeReclaimPolicy = 'Retain';
    c.spec.claimRef = { namespace: 'ais', name: claimName(0) };
    c.status = { phase: 'Available' };
  },
);
const objects = [cr, ...nodes, live, claim, parked].map(
  (o, i) => patched(o, (c) => (c.metadata.uid = `uid-${i}`)) as KubeObject,
);

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('audit of a live Bound target PV beside the published PV parked on its claim', () => {
  it('in process (whole PVs): no fail — the fix audit gives is followed', () => {
    const t0 = audit(objects).find((a) => a.object.metadata?.name === 'ais-t0');
    expect(t0?.results.filter((r) => r.result === 'fail').map((r) => r.message)).toEqual([]);
  });

  it('through the CLI against an apiserver: the same, exit 0', async () => {
    cluster = await FakeCluster.start(objects);
    const file = cluster.kubeConfigFile();
    const r = await cli(['audit', '--kubeconfig', file]);
    const fails = r.stdout.split('\n').filter((l) => /ais-t0|local-pv/.test(l) && /fail/i.test(l));
    expect({ code: r.code, fails }).toEqual({ code: 0, fails: [] });
  });

  it('through the CLI, before the park: the fix is the live-PV one (disktaken2 R2), as in process', async () => {
    const disk = discoveredDisk({ host: 'node-1', path: '/mnt/fast-disks/sda', storageClass: CLASS });
    const before = [cr, ...nodes, live, claim, disk].map(
      (o, i) => patched(o, (c) => (c.metadata.uid = `uid-${i}`)) as KubeObject,
    );
    const inProcess = audit(before)
      .find((a) => a.object.metadata?.name === 'ais-t0')
      ?.results.find((r) => r.result === 'fail')?.fix;
    expect(inProcess).toMatch(/^Leave the disk where it is mounted \(ais-t0 reads it there\)/);
    cluster = await FakeCluster.start(before);
    const file = cluster.kubeConfigFile();
    const r = await cli(['audit', '--kubeconfig', file]);
    expect(r.stdout).toContain('fix: Leave the disk where it is mounted (ais-t0 reads it there)');
  });
});
