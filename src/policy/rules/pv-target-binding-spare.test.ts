// Outside review "spare" of 0a3383b (spare-volume: a PV bound to no target claim on a target PV's
// disk, recognise.ts spareOnTargetDisk, and checkDiskTaken's mirror). Each case but F2b and the
// last failed on 47e11eb.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, discoveredDisk, pv, released } from '../../../test/support/builders.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';

const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });
const mine = (object: KubeObject, context: KubeObject[], operation: 'CREATE' | 'UPDATE' = 'CREATE') =>
  evaluate({ operation, object }, new ClusterContext(context)).findings.filter(
    (f) => f.ruleId === 'pv-target-binding',
  );
const denies = (object: KubeObject, context: KubeObject[], operation: 'CREATE' | 'UPDATE' = 'CREATE') =>
  mine(object, context, operation).filter((f) => f.severity === 'deny');

describe('pv-target-binding: a PV of no target on a target PV\'s disk (review "spare")', () => {
  // F1. The provisioner publishes the mount point /mnt/disks/sda; the user's hand-made target PV
  // uses a directory on that disk (/mnt/disks/sda/ais). Another claim of the class can bind the
  // published PV, and when it is released (reclaim Delete) the provisioner's cleanup empties the
  // whole mount point: the target's data under it included.
  it('F1: a published mount point that contains a target PV directory is refused', () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda/ais', local: true });
    const published = discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' });
    expect(denies(published, [cr, target])).toHaveLength(1);
  });

  // F1c (same root cause, the older direction, checkDiskTaken): a target PV made on a directory
  // inside a disk the provisioner already published is admitted too.
  it('F1c: a target PV on a directory inside a published mount point is refused', () => {
    const published = discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' });
    const target = pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda/ais', local: true });
    expect(denies(target, [cr, published])).toHaveLength(1);
  });

  // F1 (hand-made variant): a hostPath spare on the parent directory of a target's disk.
  it("F1b: a hand-made spare PV on the parent directory of a target PV's disk is refused", () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const spare = pv('spare', { claim: 'data-postgres-0', claimNamespace: 'db', path: '/ais' });
    expect(denies(spare, [cr, target])).toHaveLength(1);
  });

  // F2. The target PV is Released (Retain: the target's data kept). The provisioner publishes the
  // same mount point with reclaim Delete: only a warning, which goes to the provisioner's client and
  // no human. Any claim of the class can bind it; released, the provisioner wipes the disk: the data
  // Retain kept is gone. The advice ("delete local-pv-…") does not hold: the provisioner re-creates
  // it on its next pass, and while it stands freeing the Released PV is refused (see F2b).
  it('F2: a disk the provisioner publishes beside a Released (retained) target PV is refused, not warned', () => {
    const held = released(pv('pv-sda', { claim: claimName(0), path: '/ais/sda', local: true }));
    const published = discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' });
    expect(denies(published, [cr, held])).toHaveLength(1);
  });

  // F2b (evidence, passes): the warn's fix asks to delete the published PV and free the Released
  // one; with the published PV re-created by the provisioner, freeing it is refused.
  it('F2b (evidence): freeing the Released target PV is refused while the published disk stands', () => {
    const freed = pv('pv-sda', { claim: claimName(0), path: '/ais/sda', local: true });
    const published = discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' });
    const before = released(freed);
    expect(denies(freed, [cr, before, published], 'UPDATE').length).toBeGreaterThan(0);
  });

  // F3. The deny's fix for a published disk asks for the target PV's "path changed to match": a
  // PV's volume source (spec.local.path) is immutable after creation (k8s validation.go
  // ValidatePersistentVolumeUpdate: "spec.persistentvolumesource is immutable after creation").
  // It must be deleted and re-created, with its claim: the fix should say so.
  it('F3: the fix for a published disk does not ask to change an immutable PV path', () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda', local: true });
    const published = discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' });
    const [deny] = denies(published, [cr, target]);
    expect(deny?.fix).toBeDefined();
    expect(deny?.fix).not.toMatch(/path changed/);
  });

  // F4. A hostPath spare pinned to two nodes (one term, hostname In [node-1, node-2]) may run on
  // node-1 and write the target's disk there: pvHostname() is undefined for it, so it is not judged.
  it("F4: a spare pinned to the target's node and another is refused", () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const spare = pv('spare', {
      claim: 'data-postgres-0',
      claimNamespace: 'db',
      path: '/ais/sda',
      host: ['node-1', 'node-2'],
    });
    expect(denies(spare, [cr, target])).toHaveLength(1);
  });
  // F5. A target's state PV (pre-bound to <ns>-<cr>-state-<cr>-target-N) on a data PV's disk is
  // taken as a spare (targetClaimOf drops state claims) and told it is "free for any claim of its
  // class": it is pre-bound to the state claim and binds no other.
  it("F5: a state PV on a data PV's disk is not called free for any claim", () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const state = pv('pv-state', { claim: 'ais-ais-state-ais-target-0', path: '/ais/sda' });
    const [deny] = denies(state, [cr, target]);
    expect(deny?.message).toBeDefined();
    expect(deny?.message).not.toMatch(/free for any claim/);
  });

  // Nesting counts only against a PV of no target: two target PVs on nested paths may be two disks,
  // one mounted inside the other, which the guard cannot tell apart from one.
  it('two target PVs on nested paths are not taken for one disk', () => {
    const outer = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const inner = pv('pv-sdb', { claim: claimName(1), path: '/ais/sda/sdb' });
    expect(denies(inner, [cr, outer])).toEqual([]);
  });
});
