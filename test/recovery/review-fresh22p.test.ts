// Review "fresh22p" (branch review-fresh22p): the policy changes of 9db6925..c8aaa3b attacked
// against operator v3.4.0 (/work/shared/ais-k8s/operator) and aistore v1.4.9 (the aisnode module it
// builds with). Each case fails on c8aaa3b and passes once the product is fixed.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: objects patched field by field */
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, targetStatefulSet } from '../support/builders.js';
import { boundPV, changed, judgeUpdate, messages, SIDES, twoPerNodeDisks } from '../support/sides.js';
import { admit } from '../vap/support/vap-eval.js';
import { AISTORE_VAP, denies, tainted } from '../support/rollout.js';

/** 4 targets, two per node (pv-0, pv-1 on node-1; pv-2, pv-3 on node-2), anti-affinity off. */
const CR = aistore({ size: 4, disable: true });
const STS = targetStatefulSet({ replicas: 4 });
const DISKS = twoPerNodeDisks(4);
const WORLD = [CR, STS, tainted(node('node-1')), node('node-2'), ...DISKS];

describe('the ratchet: updates that roll the targets other than a new image (aistore.ts rollsTargets)', () => {
  // DEFECT (false allow: a running cluster's targets brought down). 4e82548/1cb57f4 refuse an image
  // bump while the node of ais-target-0/-1's disks no longer admits them ("They run now, but this
  // update rolls the targets out ... re-creates each"), because the re-created pods come back
  // Pending. rollsTargets counts only nodeImage/initImage. The operator re-creates the target pods
  // for any change shouldUpdatePodTemplate sees (operator internal/controller/aistore/common.go
  // shouldUpdatePodTemplate: init containers, containers' image and, for aisnode, env, resources,
  // probes, securityContext; pod securityContext; annotations; labels; volumes; priorityClassName;
  // tolerations), then target_controllers.go handleTargetState -> syncTargetPodSpec patches the
  // template and handleTargetRollout deletes every target pod (OnDelete strategy). The operator's
  // own webhook lets exactly these targetSpec fields change on a live CR (internal/webhook/aistore/
  // v1beta1/aistore_webhook.go allowDaemonSpecUpdates: Env, Resources, Labels, Annotations,
  // SecurityContext, Probes, Tolerations), and spec.priorityClassName and spec.configToUpdate are
  // top-level (target/statefulset.go targetPodSpec, NewTargetSS annotations). So a routine memory-limit bump on the same cluster is
  // admitted with "already so before this update: ... would stay Pending" and takes ais-target-0/-1
  // down for good, while the same guard refuses an image bump for that very reason.
  // Expected: refused as the image bump is (the update re-creates the targets).
  const edits: [string, (c: any) => void][] = [
    ['targetSpec.resources', (c) => (c.spec.targetSpec.resources = { limits: { memory: '64Gi' } })],
    ['targetSpec.env', (c) => (c.spec.targetSpec.env = [{ name: 'GOGC', value: '200' }])],
    ['targetSpec.labels', (c) => (c.spec.targetSpec.labels = { team: 'storage' })],
    ['targetSpec.annotations', (c) => (c.spec.targetSpec.annotations = { 'example.com/x': 'y' })],
    ['spec.priorityClassName', (c) => (c.spec.priorityClassName = 'storage-critical')],
    // A toleration of another taint: shouldUpdateTolerations rolls; node-1's taint still untolerated.
    [
      'targetSpec.tolerations',
      (c) => (c.spec.targetSpec.tolerations = [{ key: 'other', operator: 'Exists' }]),
    ],
    // net.http of configToUpdate: the operator stores a new restart hash on the CR
    // (cluster_controller.go calcRestartConfigAnnotation, cmn/config.go HashRestartConfigs), renders it
    // as a pod template annotation, and shouldUpdateAnnotations rolls for a non-initial hash change.
    [
      'spec.configToUpdate.net.http',
      (c) => (c.spec.configToUpdate = { net: { http: { idle_conn_time: '30s' } } }),
    ],
  ];
  for (const [field, edit] of edits)
    it.each(SIDES)(`[%s] a change of ${field} with node-1 tainted (untolerated) is refused`, (_, side) => {
      const ev = evaluate(
        { operation: 'UPDATE', object: changed(CR, edit), oldObject: CR },
        new ClusterContext(WORLD.map(side)),
      );
      expect(denies(ev).join('\n')).toMatch(/pv-target-binding: the targets cannot run on node node-1/);
      expect(ev.allowed).toBe(false);
    });

  it.each(SIDES)(
    '(held) a change of proxySpec.size, which renders no target anew, is admitted',
    (_, side) => {
      const ev = evaluate(
        { operation: 'UPDATE', object: changed(CR, (c) => (c.spec.proxySpec.size = 2)), oldObject: CR },
        new ClusterContext(WORLD.map(side)),
      );
      expect(ev.allowed).toBe(true);
    },
  );
});

describe('target-host-port: a rollout other than a new image carries publicNetDNSMode Pod (rollsTargets)', () => {
  // DEFECT (false deny, same root cause). A live one-target CR, hostPort 0, anti-affinity off, pinned
  // to node-1, created in DNS mode IP. One update sets publicNetDNSMode: Pod, a new memory limit and
  // size 2. The resources change is a rollout (common.go shouldUpdateContainerSpec: resources of the
  // aisnode container), and syncTargetPodSpec -> syncPodTemplate -> syncContainers replaces every
  // container that differs whole (syncContainer: `*current = *desired`), the init container
  // included: its new env carries AIS_PUBLIC_DNS_MODE=Pod (cmn/env.go CommonInitEnv). The scale-out
  // waits for the rollout (handleTargetState: "Apply scaling (blocked by rollout in progress)"), so
  // ais-target-1 is made from the Pod-mode template and advertises its own pod DNS name. The guard
  // admits the same update with a new image instead of a new memory limit, but refuses this one
  // ("duplicate IPs"), and its fix asks to leave spec.targetSpec.resources as stored.
  // Expected: judged as the image bump is (admitted).
  const LIVE_IP = aistore({
    size: 1,
    disable: true,
    hostPort: 0,
    nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
  });
  const NODES3 = [node('node-1'), node('node-2'), node('node-3')];
  const switched = (extra: (c: any) => void) =>
    changed(LIVE_IP, (c) => {
      c.spec.targetSpec.size = 2;
      c.spec.publicNetDNSMode = 'Pod';
      extra(c);
    });

  it.each(SIDES)('[%s] switch to Pod + scale-out + a new memory limit is admitted', (_, side) => {
    const next = switched((c) => (c.spec.targetSpec.resources = { limits: { memory: '64Gi' } }));
    const ev = judgeUpdate(side, LIVE_IP, next, NODES3);
    expect(messages(ev).join('\n')).not.toMatch(/target-host-port deny/);
  });

  it('the VAP twin (src/vap/policies.ts podDnsNames, images only) admits it too', () => {
    const next = switched((c) => (c.spec.targetSpec.resources = { limits: { memory: '64Gi' } }));
    const failures = AISTORE_VAP.flatMap(
      (p) => admit(p, { operation: 'UPDATE', object: next, oldObject: LIVE_IP }).failures,
    );
    expect(AISTORE_VAP).toHaveLength(1);
    expect(failures.map((f) => f.rule)).not.toContain('target-host-port');
  });

  it.each(SIDES)('(held) [%s] switch to Pod + scale-out + a new image is admitted', (_, side) => {
    const next = switched((c) => (c.spec.nodeImage = 'aistorage/aisnode:v3.31'));
    const ev = judgeUpdate(side, LIVE_IP, next, NODES3);
    expect(messages(ev).join('\n')).not.toMatch(/target-host-port deny/);
  });
});

describe("the ratchet's message: the operator does not stall at the first Pending target", () => {
  // DEFECT (misleading message). The refusal of an image bump (or a restart after a shutdown) while
  // node-1 no longer admits ais-target-0/-1 ends "... the operator re-creates each, and stalls at the
  // first of them there." It does not stall: findPodNeedingUpdate waits on the previous pod only
  // while isPodRolloutCompleted is false, and that is true for an unschedulable pod ("we still treat
  // its rollout as complete so later ordinals can advance instead of stalling": operator
  // internal/controller/aistore/target_controllers.go isPodRolloutCompleted, common.go
  // isPodUnschedulable). So handleTargetRollout goes on and deletes ais-target-1 too, which comes
  // back Pending as well: every target with disks on the node goes down, not the first alone, and
  // the rollout then completes. A restart scales the StatefulSet from 0 with Parallel pod management
  // (target/statefulset.go NewTargetSS: ParallelPodManagement), every pod at once: nothing stalls
  // either. An admin weighing "one target down, the rollout stops and I can fix it" against the real
  // outcome (all of node-1's targets down, the rest rolled) is misled.
  // Expected: the message does not say the operator stalls; it says every target there comes back
  // Pending.
  it.each(SIDES)('[%s] image bump: the refusal does not say the rollout stalls', (_, side) => {
    const next = changed(CR, (c) => (c.spec.nodeImage = 'aistorage/aisnode:v3.31'));
    const ev = evaluate(
      { operation: 'UPDATE', object: next, oldObject: CR },
      new ClusterContext(WORLD.map(side)),
    );
    const said = denies(ev).join('\n');
    expect(said).toMatch(/the targets cannot run on node node-1/);
    expect(said).not.toMatch(/stalls/);
  });

  it.each(SIDES)('[%s] restart after a shutdown: the refusal does not say the restart stalls', (_, side) => {
    const down = changed(CR, (c) => (c.spec.shutdownCluster = true));
    const up = changed(CR, (c) => (c.spec.shutdownCluster = false));
    const ev = evaluate(
      { operation: 'UPDATE', object: up, oldObject: down },
      new ClusterContext([down, ...WORLD.slice(1)].map(side)),
    );
    const said = denies(ev).join('\n');
    expect(said).toMatch(/the targets cannot run on node node-1/);
    expect(said).not.toMatch(/stalls/);
  });
});

describe('runningTargets: a restart after a shutdown that also scales down', () => {
  // DEFECT (false deny). The CR of 4 targets was shut down (spec.shutdownCluster: true): the
  // operator scaled the target StatefulSet to 0 (internal/controller/aistore/cluster_controller.go
  // shutdownCluster: UpdateStatefulSetReplicas(..., 0)). node-2, with pv-2/pv-3 of ais-target-2/-3,
  // has since been tainted for other work. The admin restarts with 2 targets: shutdownCluster false
  // and size 2 in one update. With replicas at 0 there is nothing to roll out (isRolloutInProgress
  // with OnDelete: UpdatedReplicas < min(spec 0, status 0) is false), and handleTargetState scales
  // 0 -> 2 (common.go statefulsetScalingNeeded: desired 2 > specReplicas 0;
  // target_controllers.go resolveStatefulSetScaling -> UpdateStatefulSetReplicas(2)): only
  // ais-target-0/-1 are created, on node-1, which admits them. pv-target-binding runningTargets
  // counts max(new size, stored size) = 4 for every update recreatesTargets says yes to, the restart
  // included, so the guard refuses: "the targets cannot run on node node-2 ... This update restarts
  // the cluster: the operator creates every target again". It creates two. The same end state is
  // admitted in two steps (size 2 while still shut down, then the restart), so the refusal protects
  // nothing. Expected: admitted (the restart brings back only the targets of the new size); the
  // "max" applies to a rollout of running targets, not to a restart from none.
  const down = changed(CR, (c) => (c.spec.shutdownCluster = true));
  const restartWith2 = changed(CR, (c) => {
    c.spec.shutdownCluster = false;
    c.spec.targetSpec.size = 2;
  });
  const world = [down, targetStatefulSet({ replicas: 0 }), node('node-1'), tainted(node('node-2')), ...DISKS];
  it.each(SIDES)('[%s] restart with size 4 -> 2, node-2 (targets 2, 3) tainted, is admitted', (_, side) => {
    const ev = evaluate(
      { operation: 'UPDATE', object: restartWith2, oldObject: down },
      new ClusterContext(world.map(side)),
    );
    expect(denies(ev)).toEqual([]);
  });

  it.each(SIDES)('(held) [%s] the same restart keeping size 4 is refused', (_, side) => {
    const up = changed(CR, (c) => (c.spec.shutdownCluster = false));
    const ev = evaluate(
      { operation: 'UPDATE', object: up, oldObject: down },
      new ClusterContext(world.map(side)),
    );
    expect(ev.allowed).toBe(false);
  });
});

describe('layout Signal.pastSize: anti-affinity-not-disabled ignores it', () => {
  // DEFECT (misleading warning on every update and in audit). A CR of 4 targets that keep the
  // required hostname anti-affinity, PVs pv-0@node-1, pv-1@node-2, pv-2@node-3, pv-3@node-3:
  // ais-target-3 is Pending ("didn't match pod anti-affinity rules"). The guard's own advice is to
  // move the PVs or recreate the CR; the admin instead scales to 2 (the operator lets the size
  // change: webhook allowDaemonSpecUpdates), which decommissions ais-target-2/-3 and ends the
  // sharing (only ordinals below the size run: StatefulSet replicas = GetTargetSize, target/
  // statefulset.go NewTargetSS; target_controllers.go resolveStatefulSetScaling). 4e82548 marks
  // such a signal pastSize ("a scale-down ends it") and sharingForced skips it, but
  // anti-affinity-not-disabled warnKeptApartOnSharedNode reads the signal without pastSize, so the
  // scale-down and every later update (an image bump here) still say "every target after the first
  // on that node stays Pending", of targets that no longer exist.
  // Expected: no "stays Pending" warning while only targets past the size share a node (a note that a
  // scale-out back to 4 would bring it back is fine).
  const CR4 = aistore({ size: 4 });
  const CR2 = changed(CR4, (c) => (c.spec.targetSpec.size = 2));
  const disks = [1, 2, 3, 3].map((n, i) =>
    boundPV(
      pv(`pv-${i}`, { claim: claimName(i), host: `node-${n}`, path: `/ais/sd${'abab'[i]}`, local: true }),
      `u${i}`,
    ),
  );
  const world = [
    targetStatefulSet({ replicas: 4 }),
    node('node-1'),
    node('node-2'),
    node('node-3'),
    ...disks,
  ];
  const stuck = /stays Pending/;

  it.each(SIDES)('[%s] the scale-down 4 -> 2 is not told the removed targets stay Pending', (_, side) => {
    const ev = evaluate(
      { operation: 'UPDATE', object: CR2, oldObject: CR4 },
      new ClusterContext([CR4, ...world].map(side)),
    );
    expect(
      messages(ev)
        .filter((m) => m.startsWith('anti-affinity-not-disabled'))
        .join('\n'),
    ).not.toMatch(stuck);
  });

  it.each(SIDES)('[%s] a later image bump of the 2-target CR is not told so either', (_, side) => {
    const next = changed(CR2, (c) => (c.spec.nodeImage = 'aistorage/aisnode:v3.31'));
    const ev = evaluate(
      { operation: 'UPDATE', object: next, oldObject: CR2 },
      new ClusterContext([CR2, ...world].map(side)),
    );
    expect(
      messages(ev)
        .filter((m) => m.startsWith('anti-affinity-not-disabled'))
        .join('\n'),
    ).not.toMatch(stuck);
  });

  it.each(SIDES)('(held) [%s] at size 4 the warning stands', (_, side) => {
    const next = changed(CR4, (c) => (c.spec.nodeImage = 'aistorage/aisnode:v3.31'));
    const ev = evaluate(
      { operation: 'UPDATE', object: next, oldObject: CR4 },
      new ClusterContext([CR4, ...world].map(side)),
    );
    expect(messages(ev).join('\n')).toMatch(stuck);
  });
});
