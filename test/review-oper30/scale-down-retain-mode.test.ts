// Review "oper30": a scale-down with targetSpec.scaleDownMode: retain while the StatefulSet deletes
// the removed targets' claims (pvcRetentionPolicy.whenScaled: Delete).
//
// scaleDownMode is a live CR's to change (aistore_webhook.go validateTargetUpdate copies it), and
// the operator reads it from the CR when it scales down (target_controllers.go startTargetScaling,
// prepareTargetsForScaleDown): with "retain" it puts each removed target in maintenance with
// SkipRebalance (its data stays on its disks, nothing is migrated, the target stays in the cluster
// map to come back), where the default safe_decommission and decommission rebalance the data off
// first. It then scales the StatefulSet down (resolveStatefulSetScaling), and with whenScaled: Delete
// the StatefulSet controller deletes the removed pods' claims: a provisioner's volume (reclaimPolicy
// Delete) goes with its data, so what the retained targets held, never migrated, is gone, and a
// target that comes back on a scale-out finds an empty disk.
//
// The guard warned of such a scale-down only for PVs made by hand (left Released); with a
// provisioner's volumes it said nothing, though this pair of settings loses the data the mode is
// meant to keep.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, madeForClaim, node, pv, targetStatefulSet } from '../support/builders.js';
import { changed, judgeUpdate, messagesText, SIDES } from '../support/sides.js';

const nodes = [node('node-1'), node('node-2'), node('node-3')];
const withMode = (mode: string | undefined, size: number) =>
  changed(aistore({ size, disable: true }), (c) => {
    c.spec.targetSpec.pvcRetentionPolicy = { whenScaled: 'Delete', whenDeleted: 'Retain' };
    if (mode !== undefined) c.spec.targetSpec.scaleDownMode = mode;
  });
/** Target i's volume, made by a provisioner for its claim (reclaimPolicy Delete). */
const provisioned = (i: number): KubeObject =>
  changed(
    madeForClaim(
      pv(`x${i}`, { claim: claimName(i), host: `node-${1 + (i >> 1)}`, path: `/p/${i}`, local: true }),
      `u${i}`,
    ),
    (c) => {
      c.spec.persistentVolumeReclaimPolicy = 'Delete';
      c.status = { phase: 'Bound' };
    },
  );
const world = [...nodes, targetStatefulSet({ replicas: 4 }), ...[0, 1, 2, 3].map(provisioned)];

describe.each(SIDES)('scale-down 4 -> 2 with whenScaled: Delete and a provisioner (%s)', (_side, side) => {
  it('scaleDownMode: retain: warned that the retained targets’ data is deleted with their claims, not migrated', () => {
    const ev = judgeUpdate(side, withMode('retain', 4), withMode('retain', 2), world);
    expect(ev.allowed).toBe(true);
    expect(messagesText(ev)).toMatch(
      /pv-target-binding warn: .*scaleDownMode: retain.*ais-target-2 to ais-target-3.*maintenance.*whenScaled: Delete/,
    );
  });

  it('retain set in the same update: the operator reads the update’s mode, warned too', () => {
    const ev = judgeUpdate(side, withMode(undefined, 4), withMode('retain', 2), world);
    expect(messagesText(ev)).toMatch(/scaleDownMode: retain/);
  });

  it('control: safe_decommission (the default) migrates the data first: nothing said', () => {
    for (const mode of [undefined, 'safe_decommission', 'decommission'])
      expect(messagesText(judgeUpdate(side, withMode(mode, 4), withMode(mode, 2), world))).not.toMatch(
        /scaleDownMode/,
      );
  });
});
