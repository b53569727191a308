// Outside review "update" (branch review-update): day-2 UPDATEs of an AIStore CR and of the objects
// rendered from it, judged against the operator v3.4.0 (internal/webhook/aistore/v1beta1
// aistore_webhook.go, internal/controller/aistore/target_controllers.go, cluster_controller.go).
// Each case is judged as `check` reads the objects and as the webhook's cache holds them. Tests
// marked "held up" pass: they pin what was attacked and found right. The others failed on 3697dc8.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, targetStatefulSet, HOST_ANTI_AFFINITY } from '../support/builders.js';
import {
  boundPV as bound,
  changed as mod,
  judgeUpdate,
  messages,
  SIDES,
  twoPerNodeDisks,
} from '../support/sides.js';

const DATA = { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' };
const NODES3 = [node('node-1'), node('node-2'), node('node-3')];
const disks = twoPerNodeDisks;
const update = judgeUpdate;

const denials = (ev: ReturnType<typeof evaluate>) => ev.findings.filter((f) => f.action === 'deny');
const resize = (cr: KubeObject, size: number) => mod(cr, (c) => (c.spec.targetSpec.size = size));

describe.each(SIDES)('review update (%s)', (_side, side) => {
  // Not taken: "a scale-out past the nodes of a CR kept one per node by hostPort/hostNetwork" (3 -> 4
  // targets on 3 nodes, disablePodAntiAffinity: true) stays refused. Anti-affinity off and more
  // targets than nodes ask for targets to share a node, which the host port forbids (the design's
  // rule on hostPort in a multi-target layout; evaluate.test.ts "refused from any size", review
  // "base1" F7); the refusal says to add the nodes first or keep the size, both of which work.
  // Held up: the same scale-out of a one-target-per-node CR with anti-affinity on only warns.
  it('held up: scale-out past the nodes with anti-affinity on is a warning', () => {
    const cr = aistore({ size: 3, hostPort: 51081 });
    const ev = update(side, cr, resize(cr, 4), NODES3);
    expect(ev.allowed).toBe(true);
    expect(ev.findings.map((f) => f.ruleId)).toContain('targets-exceed-nodes');
  });

  // MEDIUM (allowed silently, the cluster halved). A multi-target CR (4 targets, two per node on
  // node-1/node-2, nodeSelector pool=a as autoscaling requires) switched to size -1. The operator
  // accepts it (size and autoScale are mutable) and then renders one target per matching node:
  // GetTargetSize = len(status.autoScaleStatus.expectedTargetNodes) (aistore_types.go), filled by
  // cluster_controller.go determineAutoScaleStatus from listMatchingNodeNames. 2 nodes -> 2
  // targets: target_controllers.go prepareTargetsForScaleDown decommissions ais-target-3 and -2,
  // the two targets of node-2; targets 0 and 1 stay on node-1 (their PVs), node-2's disks go idle
  // and every object is rebalanced onto node-1's two disks. The guard knows the new count (its
  // layout says size 2) and says nothing at all.
  it('MEDIUM: switching a multi-target CR to autoscaling, which drops it to one target per node, is warned', () => {
    const pool = [node('node-1', { pool: 'a' }), node('node-2', { pool: 'a' })];
    const cr = aistore({ size: 4, disable: true, nodeSelector: { pool: 'a' } });
    const ev = update(side, cr, resize(cr, -1), [...pool, ...disks(4)]);
    expect(ev.allowed).toBe(true);
    expect(ev.findings.filter((f) => /size|autoScale/.test(f.path))).not.toEqual([]);
  });

  // Not taken (closing note): a disablePodAntiAffinity: true removed by kubectl apply from a manifest
  // whose last-applied configuration had it is still put back. The put-back exists for appliers
  // that drop the guard's own CREATE change (server-side apply, replace); telling them from a
  // deliberate removal by the last-applied annotation would make the webhook and the exported
  // MutatingAdmissionPolicy differ, and either way the operator keeps anti-affinity off.

  // LOW (wrong fix). A size-1 CR created with disablePodAntiAffinity and hostPort: 0 (warned then,
  // "last chance"). Its scale-out is refused (fine: 0 keeps no target apart, and AIS_PUBLIC_HOSTNAME
  // from status.hostIP would duplicate, target/statefulset.go NewInitContainerEnv), but the fix says
  // "Remove spec.targetSpec.hostPort": on a live CR the operator refuses exactly that
  // (validateTargetUpdate). The way out is size 1 or a new CR.
  it('LOW: the refused scale-out of a hostPort-0 CR does not ask to remove hostPort', () => {
    const cr = aistore({ size: 1, disable: true, hostPort: 0 });
    const ev = update(side, cr, resize(cr, 2), NODES3);
    expect(ev.allowed).toBe(false);
    for (const f of denials(ev)) expect(f.fix).not.toMatch(/Remove spec\.targetSpec\.hostPort/);
  });

  // LOW (wrong fix). Same for a size-1 CR with a useHostPath mount: the refusal's fix is "Drop
  // useHostPath and give the mount a storageClass …", a change of spec.targetSpec.mounts the operator
  // refuses on a live CR.
  it('LOW: the refused scale-out of a useHostPath CR does not ask to change its mounts', () => {
    const cr = aistore({ size: 1, disable: true, mounts: [{ path: '/data/ais', useHostPath: true }] });
    const ev = update(side, cr, resize(cr, 2), NODES3);
    expect(ev.allowed).toBe(false);
    for (const f of denials(ev)) expect(f.fix).not.toMatch(/Drop useHostPath/);
  });

  // LOW (wrong fix). targetSpec.labels is mutable and the operator rolls it out (syncPodTemplate
  // copies the template labels); targetSpec.affinity is not. Adding label team to a CR whose
  // affinity term has matchLabelKeys [team] and selects team: storage is rightly refused (the
  // apiserver would refuse every new pod), but the fix asks to edit the affinity term, which the
  // operator refuses; the way out is not adding that label.
  it('LOW: a target label that makes the pods refused is refused with a fix the operator allows', () => {
    const affinity = {
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 1,
            podAffinityTerm: {
              labelSelector: { matchLabels: { team: 'storage' } },
              matchLabelKeys: ['team'],
              topologyKey: 'topology.kubernetes.io/zone',
            },
          },
        ],
      },
    };
    const cr = aistore({ size: 4, disable: true, affinity });
    const ev = update(
      side,
      cr,
      mod(cr, (c) => (c.spec.targetSpec.labels = { team: 'storage' })),
      [node('node-1'), node('node-2'), ...disks(4)],
    );
    expect(ev.allowed).toBe(false);
    for (const f of denials(ev)) expect(f.fix).toMatch(/spec\.targetSpec\.labels/);
  });

  // LOW (wrong message and fix). A multi-target CR (disablePodAntiAffinity: true, two targets per
  // node) updated to disablePodAntiAffinity: false and size 3. The operator refuses it
  // (validateTargetUpdate), so the targets keep anti-affinity OFF. The guard warns "the targets keep
  // a required hostname anti-affinity, which the operator refuses to change on a live CR", with the
  // fix "recreate the AIStore CR with spec.targetSpec.disablePodAntiAffinity: true": the stored CR
  // already has true.
  it('LOW: going back to anti-affinity on is not told to recreate the CR with the value it has', () => {
    const cr = aistore({ size: 6, disable: true });
    const back = mod(cr, (c) => {
      c.spec.targetSpec.disablePodAntiAffinity = false;
      c.spec.targetSpec.size = 3;
    });
    const ev = update(side, cr, back, [...NODES3, ...disks(6)]);
    expect(messages(ev).join('\n')).not.toMatch(
      /recreate the AIStore CR with spec\.targetSpec\.disablePodAntiAffinity: true/,
    );
  });

  // LOW (wrong fix). The operator scales its target StatefulSet 3 -> 4 for a CR with anti-affinity
  // on and 3 nodes: a warning, but its fix offers "run several targets per node:
  // spec.targetSpec.disablePodAntiAffinity: true", which the operator refuses on the live CR (the
  // CR's own warning says "anti-affinity is fixed at creation"). The operator only ever writes the
  // StatefulSet of a CR that exists.
  it('LOW: the target StatefulSet scaled past the nodes is not told to turn anti-affinity off', () => {
    const cr = aistore({ size: 4, hostPort: 51081 });
    const sts = (replicas: number) =>
      targetStatefulSet({ replicas, hostPort: 51081, affinity: HOST_ANTI_AFFINITY() });
    const ev = evaluate(
      { operation: 'UPDATE', object: sts(4), oldObject: sts(3) },
      new ClusterContext([...NODES3, cr, sts(3)].map(side)),
    );
    expect(ev.allowed).toBe(true);
    for (const f of ev.findings) expect(f.fix).not.toMatch(/disablePodAntiAffinity: true/);
  });

  // MEDIUM (wrong fix, dangerous if followed). A multi-target CR with two mounts, /data/aistore and
  // /data2, each target bound to a hand-made PV per mount; the target StatefulSet has both claim
  // templates. The user removes /data2 from the CR. The operator refuses it (mounts are fixed:
  // validateTargetUpdate), and even without that it could not act on it: volumeClaimTemplates of a
  // StatefulSet are immutable (apps validation ValidateStatefulSetUpdate), so every live target
  // keeps its ais-data2-… claim bound and mounted. The guard warns that the /data2 PVs "are
  // pre-bound to claims no claim template of AIStore ais makes: no target ever claims them" and
  // says "Point each at a claim of a mount the CR has (spec.claimRef.name: …), or delete it":
  // re-pointing a Bound PV's claimRef makes the live claim Lost (pv_controller.go syncBoundClaim, ClaimMisbound: "volume
  // bound to another claim"), taking the disk from a running target.
  it('MEDIUM: removing a mount does not call the live PVs of its claims strays to re-point or delete', () => {
    const data2 = { path: '/data2', size: '5Ti', storageClass: 'ais-local-storage' };
    const cr = aistore({ size: 4, disable: true, mounts: [DATA, data2] });
    const pvs2 = Array.from({ length: 4 }, (_, i) =>
      bound(
        pv(`pv2-${i}`, {
          claim: claimName(i, 'ais', '/data2'),
          host: `node-${1 + Math.floor(i / 2)}`,
          path: `/ais/data2-${i % 2}`,
          local: true,
        }),
        `v${i}`,
      ),
    );
    const sts = targetStatefulSet({ replicas: 4, templates: ['ais-data-aistore', 'ais-data2'] });
    const removed = mod(cr, (c) => c.spec.targetSpec.mounts.pop());
    const ev = update(side, cr, removed, [node('node-1'), node('node-2'), ...disks(4), ...pvs2, sts]);
    expect(messages(ev).join('\n')).not.toMatch(/no target ever claims them/);
  });

  // LOW (allowed silently, warned only later). Multi-target CR, hand-made Retain PVs, pvcRetentionPolicy
  // whenScaled: Delete, scaled 4 -> 3. The StatefulSet controller deletes ais-target-3's claim once
  // the pod is gone (stateful_pod_control.go UpdatePodClaimForRetentionPolicy: the claim is owned by the pod, then garbage-collected); pv-3 comes
  // back Released holding the deleted claim's uid, so the next scale-out's target-3 claim stays
  // Pending until the uid is cleared. The guard warns of exactly this for spec.shutdownCluster
  // (pv-target-binding checkShutdown: the same scale-down, to 0) but not for a scale-down.
  it('LOW: a scale-down that deletes the claims of hand-made PVs (whenScaled: Delete) is warned, as a shutdown is', () => {
    const cr = mod(aistore({ size: 4, disable: true }), (c) => {
      c.spec.targetSpec.pvcRetentionPolicy = { whenScaled: 'Delete', whenDeleted: 'Retain' };
    });
    const ev = update(side, cr, resize(cr, 3), [node('node-1'), node('node-2'), ...disks(4)]);
    expect(ev.findings.filter((f) => /whenScaled/.test(f.message))).not.toEqual([]);
  });

  // Held up: removing the toleration of the taint on the nodes of the PVs is refused (the operator
  // syncs tolerations, common.go syncPodTemplate, and rolls every target: none could come back),
  // metadata- and status-only updates of a CR that breaks everything are admitted unpatched, and a
  // CR being deleted is left alone whatever its update drops.
  it('held up: tolerations, metadata, status and deletion', () => {
    const taint = [{ key: 'dedicated', value: 'ais', effect: 'NoSchedule' }];
    const tainted = [node('node-1'), node('node-2')].map((n) => mod(n, (c) => (c.spec = { taints: taint })));
    const tol = mod(aistore({ size: 4, disable: true }), (c) => {
      c.spec.targetSpec.tolerations = [
        { key: 'dedicated', operator: 'Equal', value: 'ais', effect: 'NoSchedule' },
      ];
    });
    const dropped = update(
      side,
      tol,
      mod(tol, (c) => delete c.spec.targetSpec.tolerations),
      [...tainted, ...disks(4)],
    );
    expect(dropped.allowed).toBe(false);

    const broken = aistore({
      size: 4,
      disable: true,
      hostPort: 51081,
      mounts: [
        { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' },
        { path: '/hp', useHostPath: true },
      ],
    });
    const world = [node('node-1'), node('node-2'), ...disks(4)];
    for (const next of [
      mod(broken, (c) => (c.metadata.labels = { team: 'a' })),
      mod(broken, (c) => (c.status = { state: 'Ready' })),
      resize(broken, 2),
    ]) {
      const ev = update(side, broken, next, world);
      expect([ev.allowed, ev.patch]).toEqual([true, []]);
    }
    const deleting = mod(broken, (c) => {
      c.metadata.deletionTimestamp = '2026-12-02T10:00:00Z';
      c.metadata.finalizers = ['ais.nvidia.com/finalizer'];
    });
    const last = mod(deleting, (c) => {
      c.metadata.finalizers = [];
      delete c.spec.targetSpec.disablePodAntiAffinity;
    });
    const ev = update(side, deleting, last, world);
    expect([ev.allowed, ev.patch, ev.findings]).toEqual([true, [], []]);
  });
});
