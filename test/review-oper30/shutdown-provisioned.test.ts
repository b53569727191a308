// Review "oper30": what the shutdown warning says happens to a CR's data volumes.
//
// spec.shutdownCluster: the operator scales the target StatefulSet to 0 (cluster_controller.go
// shutdownCluster -> UpdateStatefulSetReplicas), without decommissioning a target or moving its data.
// With pvcRetentionPolicy.whenScaled: Delete the StatefulSet controller then deletes the claim of
// every pod it removes (k8s stateful_set_utils.go / stateful_pod_control.go: the claims of condemned
// pods get the pod as owner), so every target claim, and the state claims, go.
//
// The guard warns, but always tells one outcome: "PVs made for them come back Released, bound to
// claims that no longer exist, and no target starts again". That is what happens to PVs made by hand
// and pre-bound by claimRef (pv-claim-uid: the new claims stay Pending). For the volumes of a
// provisioner (a CSI driver, local-path), the usual case for a cluster that sets whenScaled: Delete,
// it is false on both counts: a reclaimPolicy Delete PV is deleted with its claim, data and all, and
// on restart the StatefulSet makes new claims that the provisioner serves with new, empty volumes:
// the targets do start, with every object of the cluster gone. Told "no target starts again", the
// user expects something to free, not data to lose.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, madeForClaim, node, pv, targetStatefulSet } from '../support/builders.js';
import { changed, judgeUpdate, messagesText, SIDES, twoPerNodeDisks } from '../support/sides.js';

const nodes = [node('node-1'), node('node-2'), node('node-3')];
const stored = changed(aistore({ size: 4, disable: true }), (c) => {
  c.spec.targetSpec.pvcRetentionPolicy = { whenScaled: 'Delete', whenDeleted: 'Retain' };
});
const shutDown = changed(stored, (c) => (c.spec.shutdownCluster = true));
/** Target i's volume, made by a provisioner for its claim (reclaimPolicy Delete, its default). */
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

describe.each(SIDES)('shutdown with whenScaled: Delete (%s)', (_side, side) => {
  it('provisioned volumes: the warning says their data is deleted and the targets come back empty, not that none starts', () => {
    const text = messagesText(
      judgeUpdate(side, stored, shutDown, [
        ...nodes,
        targetStatefulSet({ replicas: 4 }),
        ...[0, 1, 2, 3].map(provisioned),
      ]),
    );
    expect(text).toMatch(/pv-target-binding warn: spec\.shutdownCluster/);
    expect(text).not.toMatch(/no target starts again/);
    expect(text).toMatch(/deleted with (their|its) data/);
    expect(text).toMatch(/new, empty volumes/);
  });

  it('control: hand-made PVs come back Released and no target starts again until they are freed', () => {
    const text = messagesText(
      judgeUpdate(side, stored, shutDown, [
        ...nodes,
        targetStatefulSet({ replicas: 4 }),
        ...twoPerNodeDisks(4),
      ]),
    );
    expect(text).toMatch(/come back Released/);
    expect(text).not.toMatch(/new, empty volumes/);
  });
});
