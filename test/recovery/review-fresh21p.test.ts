// Review "fresh21p" (branch review-fresh21p): the policy fixes of 82b3d46..4e82548 attacked for
// wrong verdicts they introduced or left. Each case failed on 4e82548.

import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, targetStatefulSet } from '../support/builders.js';
import { boundPV, changed, SIDES, twoPerNodeDisks } from '../support/sides.js';

const denies = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.filter((f) => f.action === 'deny').map((f) => `${f.ruleId}: ${f.message}`);

describe('image bump of a CR scaled down, its past-size PVs kept on a node the targets no longer use', () => {
  // CR 4 targets, two per node (pv-0, pv-1 on node-1; pv-2, pv-3 on node-2). Scaled down 4 -> 2 with
  // the default pvcRetentionPolicy (Retain): ais-target-2/-3 are gone, their claims stay Bound to
  // pv-2/pv-3 (StatefulSet whenScaled: Retain). node-2 is then tainted (given to another team); no
  // target runs there. An image bump now: the operator rolls ais-target-0 and -1 only
  // (target_controllers.go handleTargetRollout walks the StatefulSet's pods, replicas 2), both on
  // node-1, which admits them. Nothing comes back Pending. The guard refuses the bump: "the targets
  // cannot run on node node-2 ... They run now, but this update rolls the targets out": they do
  // not run, and are not rolled. Before 4e82548 this was ratcheted ("already so"); the new rerun in
  // evaluate.ts ratchet counts every PV of the CR (pv-target-binding checkPlacement walks
  // targetVolumes, which keeps ordinals past the size), as layout.ts now does not for sharing
  // (Signal.pastSize). The user cannot upgrade aisnode without deleting the retained claims/PVs
  // (their data) or untainting a node the cluster uses for something else.
  // Expected: admitted (at most a warning about the PVs of targets past the size).
  const CR2 = aistore({ size: 2, disable: true });
  const STS2 = targetStatefulSet({ replicas: 2 });
  const DISKS = twoPerNodeDisks(4);
  const taint = (n: KubeObject) =>
    changed(n, (c) => {
      c.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    });
  const bump = (cr: KubeObject) =>
    changed(cr, (c) => {
      c.spec.nodeImage = 'aistorage/aisnode:v3.31';
    });

  it.each(SIDES)('[%s] the bump is admitted: no running target is on node-2', (_, side) => {
    const world = [CR2, STS2, node('node-1'), taint(node('node-2')), ...DISKS];
    const ev = evaluate(
      { operation: 'UPDATE', object: bump(CR2), oldObject: CR2 },
      new ClusterContext(world.map(side)),
    );
    expect(denies(ev)).toEqual([]);
  });
});

describe('mount-path-unique: ".." as aisnode cleans it (Go filepath.Clean)', () => {
  // The operator puts each mount's path as written into the target's local config fspaths
  // (target/configmap.go definePathsWithLabels), and aisnode cleans each with filepath.Clean before
  // judging it (aistore cmn/config.go ValidateMpath): "/ais/.." is "/", the root directory, refused
  // ("root directory is not a valid mountpath"), so every target fails at start. A useHostPath
  // mount is not a claim template, so mount-template-name lets ".." through; mount-path-unique's
  // containerPath keeps ".." as written (and so does the VAP's containerDir), so neither sees the
  // root. Kubernetes does not check a volumeMount's mountPath for ".." (validation.go
  // ValidateVolumeMounts checks only subPath for backsteps). Expected: denied, as "/" is.
  const hostMount = (path: string) => ({ path, useHostPath: true, size: '1Ti', storageClass: 'x' });
  it.each(SIDES)('[%s] a useHostPath mount at /ais/.. (the root once cleaned) is denied', (_, side) => {
    const cr = aistore({ size: 1, mounts: [hostMount('/ais/..')] });
    const ev = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([node('node-1')].map(side)));
    expect(denies(ev).filter((d) => d.startsWith('mount-path-unique'))).not.toEqual([]);
  });

  // Two spellings of one directory once cleaned: aisnode refuses the duplicate ("is duplicated",
  // FSPConf.Validate after ValidateMpath), the container gets two mounts at /ais/sda. Expected: denied
  // as two mounts on one directory are.
  it.each(SIDES)(
    '[%s] useHostPath mounts /ais/sda and /ais/x/../sda (one directory) are denied',
    (_, side) => {
      const cr = aistore({ size: 1, mounts: [hostMount('/ais/sda'), hostMount('/ais/x/../sda')] });
      const ev = evaluate(
        { operation: 'CREATE', object: cr },
        new ClusterContext([node('node-1')].map(side)),
      );
      expect(denies(ev).filter((d) => d.startsWith('mount-path-unique'))).not.toEqual([]);
    },
  );
});

describe('host-port CR: a replacement PV beside the retained disk of a target past the size', () => {
  // A stored CR with hostPort 51081 and disablePodAntiAffinity: true (kept: the operator refuses a
  // hostPort change), once 3 targets one per node, scaled down to 2 with the default Retain: the
  // claim of ais-target-2 stays Bound to pv-2 on node-3, and no ais-target-2 pod exists (the
  // StatefulSet has 2 replicas). node-2 dies and is deleted; the admin puts ais-target-1's
  // replacement disk on node-3, the one live node with no running target. The new hostPort deny of
  // pv-target-binding (warnKeptApart) counts pv-2 as "another target beside it" and refuses: "the
  // second one on a node stays Pending". No second target runs there: ais-target-2 is past the size
  // (only a scale-up would start it, and the CR's own checks judge that scale-up). layout.ts was
  // changed in the same commit for exactly this ("PVs of targets past the size force nothing",
  // Signal.pastSize); this deny was not. The user cannot bring target-1 back on the only free node
  // without deleting the retained claim/PV of target-2 (its data). Expected: admitted (the
  // replacement warning stands; at most a warning that a scale-up to 3 would need another node).
  const cr = aistore({ size: 2, disable: true, hostPort: 51081 });
  const disk = (n: number, host: string) =>
    boundPV(pv(`pv-${n}`, { claim: claimName(n), host, path: '/ais/sda', local: true }), `u${n}`);
  const world = [
    cr,
    targetStatefulSet({ replicas: 2 }),
    node('node-1'),
    node('node-3'),
    disk(0, 'node-1'),
    disk(1, 'node-2'),
    disk(2, 'node-3'),
  ];
  const replacement = pv('pv-1-new', { claim: claimName(1), host: 'node-3', path: '/ais/sdb', local: true });

  it.each(SIDES)(
    "[%s] target-1's replacement PV on node-3 (only target-2's retained disk there) is admitted",
    (_, side) => {
      const ev = evaluate({ operation: 'CREATE', object: replacement }, new ClusterContext(world.map(side)));
      expect(denies(ev)).toEqual([]);
    },
  );
});

describe("a kept CR's rendered StatefulSet: the fix renderedFromStoredCR now gives every rule", () => {
  // A stored CR (made before the guard, or in audit mode) whose targetSpec.affinity has a pod
  // anti-affinity term with matchLabelKeys ["team"] and matchLabels {team: a}, and targetSpec.labels
  // {team: a}: the target pods carry "team", so the apiserver merges it into the selector and refuses
  // every target pod ("exists in both matchLabelKeys and labelSelector"); no target starts. The
  // operator's webhook lets targetSpec.labels change in place (internal/webhook/aistore/v1beta1/
  // aistore_webhook.go validateTargetUpdate -> allowDaemonSpecUpdates: prev.Labels = spec.Labels),
  // the operator renders them on the pods (target/statefulset.go: cmn.MergePodLabels(
  // TargetSpec.Labels, ...)), and the guard admits that update: dropping the label is the way out.
  // Since 4e82548 evaluate.ts renderedFromStoredCR replaces the fix of every rule's finding on the
  // rendered StatefulSet with "Only a new AIStore CR changes what ais's targetSpec renders (the
  // operator refuses the change in place); until then, keep one target per node." Both halves are
  // wrong here: the change in place is accepted, and one target per node starts none (every pod is
  // refused). A user reading the StatefulSet's warning (or `audit`) deletes and re-creates the
  // cluster for nothing. Expected: the rule's own fix (drop the key from matchLabelKeys or the
  // labelSelector / the pods' label), not the host-port advice, for a rule whose fix is not a
  // fixed targetSpec field.
  const affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: { team: 'a' } },
          matchLabelKeys: ['team'],
          topologyKey: 'kubernetes.io/hostname',
        },
      ],
    },
  };
  const cr = changed(aistore({ size: 2, disable: true, affinity }), (c) => {
    c.spec.targetSpec.labels = { team: 'a' };
  });
  const sts = changed(targetStatefulSet({ replicas: 2, affinity }), (c) => {
    c.spec.template.metadata.labels.team = 'a';
  });

  it.each(SIDES)(
    "[%s] the StatefulSet's affinity-label-keys fix is not 'only a new CR, one target per node'",
    (_, side) => {
      const ctx = new ClusterContext([cr, node('node-1'), node('node-2')].map(side));
      // The in-place way out is admitted by the guard itself.
      const dropLabel = changed(cr, (c) => {
        delete c.spec.targetSpec.labels;
      });
      expect(evaluate({ operation: 'UPDATE', object: dropLabel, oldObject: cr }, ctx).allowed).toBe(true);
      const ev = evaluate({ operation: 'CREATE', object: sts }, ctx);
      const fixes = ev.findings.filter((f) => f.ruleId === 'affinity-label-keys').map((f) => f.fix);
      expect(fixes).not.toEqual([]);
      for (const fix of fixes) {
        expect(fix).not.toMatch(/Only a new AIStore CR/);
        expect(fix).not.toMatch(/keep one target per node/);
      }
    },
  );
});

describe('image bump of a shut-down CR whose disks’ node no longer admits the targets', () => {
  // The cluster is shut down for maintenance (spec.shutdownCluster: true): the operator scaled the
  // target StatefulSet to 0 (cluster_controller.go shutdownCluster) and, in state ClusterShutdown,
  // reconciles nothing else while the field stays true ("Remain in shutdown state unless the spec
  // field changes": Reconcile returns before handleTargetState). No target runs, none is rolled.
  // node-1 got a NoSchedule taint meanwhile. The admin bumps nodeImage for the upgrade, the usual
  // step before restarting. The guard refuses: "They run now, but this update rolls the targets
  // out (a new image): the operator re-creates each, and its rollout stalls": none runs and nothing
  // is re-created by this update; the restart later (shutdownCluster false, no rollsTargets) is the
  // update that creates the pods, and the guard ratchets that one to a warning. Expected: the bump
  // of a shut-down CR is admitted (the finding warned, "already so"), as the restart is.
  const shut = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.shutdownCluster = true;
  });
  const taint = (n: KubeObject) =>
    changed(n, (c) => {
      c.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    });
  const bump = changed(shut, (c) => {
    c.spec.nodeImage = 'aistorage/aisnode:v3.31';
  });

  it.each(SIDES)('[%s] the image bump of the shut-down CR is admitted', (_, side) => {
    const world = [
      shut,
      targetStatefulSet({ replicas: 0 }),
      taint(node('node-1')),
      node('node-2'),
      ...twoPerNodeDisks(4),
    ];
    const ev = evaluate(
      { operation: 'UPDATE', object: bump, oldObject: shut },
      new ClusterContext(world.map(side)),
    );
    expect(denies(ev)).toEqual([]);
  });
});
