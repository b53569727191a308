// Outside review "fresh20p": the session's fresh policy changes (cr-name, nested mount paths,
// hostPort 0 with publicNetDNSMode Pod, --nodes with a named node affinity, sizeLimit 1 as single,
// two PVs naming one claim) against the v3.4.0 operator and AIStore v1.4.9 (aisnode, aisinit).
// Each test fails on the branch point and passes once the product is fixed.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  claimName,
  discoveredDisk,
  node,
  pv,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { changed, judgeUpdate, messages, SIDES } from '../support/sides.js';
import { admit } from '../vap/support/vap-eval.js';
import { AISTORE_VAP } from '../support/rollout.js';

const NODES3 = [node('node-1'), node('node-2'), node('node-3')];

/** A live one-target CR, anti-affinity off, hostPort 0, pinned to node-1, created in the default DNS mode (IP). */
const LIVE_IP = aistore({
  size: 1,
  disable: true,
  hostPort: 0,
  nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
});

describe.each(SIDES)('review fresh20p: publicNetDNSMode switched to Pod on a live CR (%s)', (_side, side) => {
  if (AISTORE_VAP.length !== 1) throw new Error('the AIStore VAP was not found');
  // HIGH (false allow: duplicate IPs). target-host-port now lets hostPort 0 through in a multi-target
  // layout when spec.publicNetDNSMode is Pod, judging the CR as it is written now. But the operator
  // never carries a change of publicNetDNSMode into the live target StatefulSet on its own: the mode
  // reaches aisinit only as the init container's env AIS_PUBLIC_DNS_MODE (operator internal/
  // resources/aistore/cmn/env.go CommonInitEnv, target/statefulset.go NewInitContainerEnv), and the
  // rollout check compares no init-container env at all (internal/controller/aistore/common.go:
  // initContainerChecks = {securityContext: true}; shouldUpdateInitContainers; target_controllers.go
  // syncTargetPodSpec syncs the template only when shouldUpdatePodTemplate says so). The operator's
  // webhook lets publicNetDNSMode change (validateUpdate judges proxySpec/targetSpec only), and its
  // own e2e switches it on a live cluster and checks only the TLS certificate's SANs (tests/e2e/
  // cluster_test.go setPublicNetDNSMode; restart hash: cmn/config.go HashRestartConfigs reads
  // net.http only). So an
  // UPDATE of a CR created in mode IP (the default) to `publicNetDNSMode: Pod` together with a
  // scale-out 1 -> 2 only raises replicas (target_controllers.go resolveStatefulSetScaling ->
  // UpdateStatefulSetReplicas): target-1 is made from the old template, whose init
  // container still sets AIS_PUBLIC_HOSTNAME from status.hostIP with no Pod mode (aisinit main:
  // `case PubNetDNSModeNode, PubNetDNSModeIP: Hostname = publicHostName`), on the same node as
  // target-0: both advertise the node's IP, AIStore refuses the second ("duplicate IPs").
  // Before this session's change the guard denied the scale-out; now both the webhook and the VAP
  // admit it. Expected: a switch to Pod on a live CR does not count as Pod mode for the targets the
  // StatefulSet already renders (judge the stored CR's mode, or the cached StatefulSet's init env):
  // deny target-host-port, as without the switch.
  const next = changed(LIVE_IP, (c) => {
    c.spec.targetSpec.size = 2;
    c.spec.publicNetDNSMode = 'Pod';
  });

  it('the webhook/check engine refuses the scale-out that comes with the switch', () => {
    const ev = judgeUpdate(side, LIVE_IP, next, NODES3);
    expect(messages(ev).join('\n')).toMatch(/target-host-port deny/);
    expect(ev.allowed).toBe(false);
  });

  it('the VAP refuses it too', () => {
    expect(AISTORE_VAP).toHaveLength(1);
    const failures = AISTORE_VAP.flatMap(
      (p) => admit(p, { operation: 'UPDATE', object: next, oldObject: LIVE_IP }).failures,
    );
    expect(failures.map((f) => f.rule)).toContain('target-host-port');
  });
});

describe.each(SIDES)(
  'review fresh20p: publicNetDNSMode switched to Pod earlier, then a scale-out (%s)',
  (_side, side) => {
    // HIGH (false allow: duplicate IPs), the same cause in two steps, the way it is usually done: first
    // `kubectl patch` the live one-target CR (created in mode IP, hostPort 0, anti-affinity off) to
    // publicNetDNSMode: Pod (nothing to refuse, one target), later scale it to 2. The operator did not
    // roll the target StatefulSet for the mode change (common.go initContainerChecks compares no
    // init-container env), so its template still sets AIS_PUBLIC_HOSTNAME from status.hostIP and has no
    // AIS_PUBLIC_DNS_MODE: the cached target StatefulSet below is exactly that. target-1 lands beside
    // target-0 on node-1 and advertises the same node IP ("duplicate IPs"). The guard judges only the
    // CR's field and admits the scale-out. Expected: Pod mode counts only when the target pods get it:
    // with the target StatefulSet known and its init container still naming targets by the node, the
    // scale-out is refused as for mode IP.
    const stored = changed(LIVE_IP, (c) => (c.spec.publicNetDNSMode = 'Pod'));
    const next = changed(stored, (c) => (c.spec.targetSpec.size = 2));
    // What the operator rendered at creation (mode IP) and still runs: hostPort 0 (no container
    // hostPort), AIS_PUBLIC_HOSTNAME from status.hostIP, no AIS_PUBLIC_DNS_MODE.
    const sts = targetStatefulSet({
      replicas: 1,
      publicHostnameFrom: 'status.hostIP',
      nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
    });
    it('the scale-out is refused', () => {
      const ev = judgeUpdate(side, stored, next, [...NODES3, sts]);
      expect(messages(ev).join('\n')).toMatch(/target-host-port deny/);
      expect(ev.allowed).toBe(false);
    });
  },
);

// Held (passes; kept as a guard of what was checked): without the switch the same scale-out is
// refused, so the defect above is the switch alone.
describe('review fresh20p: held', () => {
  it('scale-out 1 -> 2 of the IP-mode CR alone is refused', () => {
    const next = changed(LIVE_IP, (c) => (c.spec.targetSpec.size = 2));
    const ev = judgeUpdate((o: KubeObject) => o, LIVE_IP, next, NODES3);
    expect(messages(ev).join('\n')).toMatch(/target-host-port deny/);
  });
});

describe.each(SIDES)(
  'review fresh20p: a published disk parked beside its live PV, target pod re-created (%s)',
  (_side, side) => {
    // MEDIUM (wrong advice that undoes the guard's own fix; a pin lost). With the local static
    // provisioner, a live target PV Bound on a disk the provisioner published later is to be kept
    // that way: pv-target-binding's fix (freeDisk, audit) is "park PV local-pv-... on claim
    // <target-0's claim>, which ais-t0 holds" (Retain, pre-bound by name), and parkedBeside accepts
    // the pair as no clash (test/server/disk-taken.test.ts F4). Both PVs then name one claim, on ONE
    // node and ONE disk. Since d712386 target-disk-binding's bindPod treats any two PVs naming a claim
    // as a stray it cannot place: each time the StatefulSet re-creates target-0's pod (a node drain,
    // an operator rollout, a crash-deleted pod) the user is told "more than one PV names claim ... of
    // target pod ais-target-0 ... Delete the PV the claim is not bound to", and the pod is not pinned
    // to node-1 although both PVs are there. Following that advice deletes the parked published PV:
    // the provisioner publishes the disk again, free for any claim of its class, the very thing the
    // parking prevented (two claims on one disk). Expected: two PVs of one claim on the same node
    // (the parked pair) are no guess: no such warning, and the pod is pinned to node-1 as before
    // d712386.
    const CLASS = 'fast-disks';
    const cr = aistore({
      size: 2,
      disable: true,
      mounts: [{ path: '/data/aistore', size: '1Ti', storageClass: CLASS }],
    });
    const live = changed(
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
    // The published disk, parked as pv-target-binding's fix says (Retain, claimRef to the live claim).
    const parked = changed(
      discoveredDisk({ host: 'node-1', path: '/mnt/fast-disks/sda', storageClass: CLASS, reclaim: 'Retain' }),
      (c) => {
        c.metadata.resourceVersion = '8';
        c.spec.claimRef = { namespace: 'ais', name: claimName(0) };
      },
    );
    const world = [cr, node('node-1'), node('node-2'), live, parked].map(side);

    it('the pair itself is accepted by pv-target-binding (held)', () => {
      const ev = evaluate({ operation: 'CREATE', object: live }, new ClusterContext(world));
      expect(ev.findings.filter((f) => f.action === 'deny')).toEqual([]);
    });

    it('the re-created pod of target-0 is pinned to node-1, with no advice to delete the parked PV', () => {
      const pod = targetPod({ ordinal: 0 });
      const ev = evaluate({ operation: 'CREATE', object: pod }, new ClusterContext(world));
      expect(messages(ev).join('\n')).not.toMatch(/more than one PV names claim/);
      expect(messages(ev).join('\n')).toMatch(
        /target-disk-binding .*bound target pod ais-target-0 to node node-1/,
      );
    });
  },
);

describe('review fresh20p: check --nodes with a named node affinity that also excludes a host', () => {
  // LOW/MEDIUM (check passes clean what the webhook patches; a target stays Pending). d8226d0 made a
  // required node affinity that names its nodes bound the schedulable count under `check --nodes N`
  // (nodes.ts namedNodeLimit), so check and the webhook (with Node objects) agree. A term's
  // requirements are ANDed, and namedNodeLimit reads only its `In` lists: a term that allows
  // node-1..node-3 by hostname and excludes node-3 with `NotIn` (a host kept out for maintenance) is
  // counted as 3 nodes. The scheduler (and the webhook, which matches every requirement against the
  // Node objects) sees 2. A size-3 CR with target anti-affinity unset then gets, from the webhook,
  // "multi-target layout (3 targets but only 2 node(s) ...)" and its anti-affinity turned off; from
  // `check --nodes 3`, nothing at all, while the operator's required hostname anti-affinity
  // (createTargetAffinity) would leave target-2 Pending. Expected: a NotIn (or DoesNotExist) on
  // the hostname / metadata.name in the same term removes those names from the term's list, so
  // check --nodes 3 says what the webhook says.
  const cr = aistore({
    size: 3,
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1', 'node-2', 'node-3'] },
                { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['node-3'] },
              ],
            },
          ],
        },
      },
    },
  });
  const rules = (ev: ReturnType<typeof evaluate>) => ev.findings.map((f) => f.ruleId).sort();
  it('with --nodes 3 (count only) the findings are the webhook’s (Node objects)', () => {
    const withNodes = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([...NODES3, cr]));
    expect(rules(withNodes)).toContain('anti-affinity-not-disabled'); // the webhook: holds today
    const withCount = evaluate(
      { operation: 'CREATE', object: cr },
      new ClusterContext([cr], { nodeCount: 3 }),
    );
    expect(rules(withCount)).toEqual(rules(withNodes));
  });
});
