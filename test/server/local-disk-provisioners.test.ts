// Outside review "localdisk": AIStore targets on disks handed out by the local-disk provisioners people
// run for "one target per disk" on bare metal, walked through a user's lifecycle, as `check` (whole
// objects) and the webhook (objects as its cache holds them, src/server/reduce.ts) see it.
//
// - sig-storage-local-static-provisioner: finds disks under a host dir, makes one PV per disk,
//   local-pv-<fnv hash of path, node, class> (pkg/discovery/discovery.go generatePVName), annotated
//   pv.kubernetes.io/provisioned-by: local-volume-provisioner-<node>-<node uid>
//   (pkg/common/common.go CreateLocalPVSpec), no claimRef; class kubernetes.io/no-provisioner,
//   WaitForFirstConsumer. The scheduler's VolumeBinding plugin picks an Available PV on the node it
//   chose for the pod (pkg/scheduler/framework/plugins/volumebinding/binder.go FindPodVolumes ->
//   findMatchingVolumes) and the PV controller binds it. Reclaim Delete: its deleter cleans the disk,
//   deletes the PV, discovery makes it again (same name, Available, no claimRef). Retain: Released.
// - rancher local-path-provisioner: dynamic, PV pvc-<claim uid>, provisioned-by rancher.io/local-path.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import {
  aistore,
  claimName,
  discoveredDisk,
  madeForClaim,
  node,
  pv,
  pvc,
  targetPod,
} from '../support/builders.js';

const CLASS = 'fast-disks';
const MOUNTS = [{ path: '/data/aistore', size: '1Ti', storageClass: CLASS }];
const NODE_UID: Record<string, string> = {
  'node-1': '0b6c3f2e-1111-4c5e-9a51-2d4e6f8a9b10',
  'node-2': '7d2e9b41-2222-4f6e-8b20-1a9c3e5d7f02',
};

/** FNV-1a 32, as generatePVName hashes path, node and class into the PV name. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(s)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h.toString(16);
}

/** A disk the local static provisioner found on `host` and made a PV for: Available, no claimRef. */
function discovered(host: string, disk: string, reclaim: 'Delete' | 'Retain' = 'Delete'): KubeObject {
  const path = `/mnt/fast-disks/${disk}`;
  const name = `local-pv-${fnv(path + host + CLASS)}`;
  return discoveredDisk({ host, path, name, storageClass: CLASS, reclaim, nodeUid: NODE_UID[host] });
}

/** The same PV once the scheduler picked it for target `ordinal`'s claim and the PV controller bound it. */
function boundTo(volume: KubeObject, ordinal: number, uid = `claim-uid-${ordinal}`): KubeObject {
  const copy = structuredClone(volume) as KubeObject & { spec: Record<string, unknown> };
  copy.metadata = {
    ...copy.metadata,
    annotations: { ...copy.metadata?.annotations, 'pv.kubernetes.io/bound-by-controller': 'yes' },
  };
  copy.spec.claimRef = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    namespace: 'ais',
    name: claimName(ordinal),
    uid,
    resourceVersion: '4242',
  };
  return { ...copy, status: { phase: 'Bound' } };
}

/** What the PV controller leaves of a bound PV once its claim is deleted (Retain). */
function releasedPv(volume: KubeObject): KubeObject {
  return { ...structuredClone(volume), status: { phase: 'Released' } };
}

/** What the webhook's cache holds (src/server/cluster.ts stores reduced objects). */
const cached = (v: KubeObject): KubeObject =>
  v.kind === 'PersistentVolume' ? (reduced(v as Cached, 'v1', 'PersistentVolume') as KubeObject) : v;

type Side = 'check' | 'webhook';
const SIDES: Side[] = ['check', 'webhook'];
const ctxOf = (side: Side, objects: KubeObject[]) =>
  new ClusterContext(side === 'check' ? objects : objects.map(cached));

const review = (side: Side, object: KubeObject, context: KubeObject[], oldObject?: KubeObject) =>
  evaluate(
    oldObject ? { operation: 'UPDATE', object, oldObject } : { operation: 'CREATE', object },
    ctxOf(side, context),
  );

const lines = (ev: ReturnType<typeof evaluate>, rule?: string) =>
  ev.findings.filter((f) => !rule || f.ruleId === rule).map((f) => `${f.action}: ${f.message}`);

const nodes = [node('node-1'), node('node-2')];
/** Four targets, two per node (anti-affinity off, no hostPort), on discovered disks sda, sdb. */
const cr = (size: number) => aistore({ size, disable: true, mounts: MOUNTS });
const disks = {
  n1: ['sda', 'sdb', 'sdc'].map((d) => discovered('node-1', d)),
  n2: ['sda', 'sdb', 'sdc'].map((d) => discovered('node-2', d)),
};
/** targets 0,1 on node-1 (sda, sdb); 2,3 on node-2 (sda, sdb): what the scheduler chose. */
const runningFour = () => [
  boundTo(disks.n1[0] as KubeObject, 0),
  boundTo(disks.n1[1] as KubeObject, 1),
  boundTo(disks.n2[0] as KubeObject, 2),
  boundTo(disks.n2[1] as KubeObject, 3),
];
const spare = () => [disks.n1[2] as KubeObject, disks.n2[2] as KubeObject];

describe('local static provisioner: the lifecycle', () => {
  describe.each(SIDES)('%s', (side) => {
    it('CR CREATE, several targets per node, only discovered (Available) disks: admitted, no advice', () => {
      const ev = review(side, cr(4), [...nodes, ...Object.values(disks).flat()]);
      expect(ev.findings.filter((f) => f.action === 'deny')).toEqual([]);
      expect(lines(ev, 'pv-target-binding')).toEqual([]);
    });

    // SUSPECTED, CONFIRMED: bound local-pv-* count as hand-made (k8s.ts isMadeForItsClaim leaves the
    // local static provisioner's PVs out), so coverage asks for PVs the scheduler binds itself.
    it('scale-out 4 -> 6 with spare discovered disks on both nodes: no "Create one PV per missing claim"', () => {
      const ev = review(side, cr(6), [cr(4), ...nodes, ...runningFour(), ...spare()], cr(4));
      expect(lines(ev, 'pv-target-binding')).toEqual([]);
    });

    it('scale-in 6 -> 4 (whenScaled: Delete): nothing to say', () => {
      const six = [
        ...runningFour(),
        boundTo(disks.n1[2] as KubeObject, 4),
        boundTo(disks.n2[2] as KubeObject, 5),
      ];
      const ev = review(side, cr(4), [cr(6), ...nodes, ...six], cr(6));
      expect(ev.findings.filter((f) => f.action === 'deny')).toEqual([]);
      expect(lines(ev, 'pv-target-binding')).toEqual([]);
    });

    // Class reclaim Retain: the scale-in left target-4/5's disks Released (the PV controller keeps the
    // deleted claims' uids). Freeing them (uid removed) lets the new claims bind them again: advice
    // that holds for these PVs as for hand-made ones.
    it('scale-out again after that scale-in (class reclaim Retain): told to free the two Released disks', () => {
      const left = [4, 5].map((i) =>
        releasedPv(boundTo((i === 4 ? disks.n1 : disks.n2)[2] as KubeObject, i)),
      );
      const ev = review(side, cr(6), [cr(4), ...nodes, ...runningFour(), ...left], cr(4));
      const found = lines(ev, 'pv-target-binding');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/held by the uid of a deleted claim \(Released\)/);
    });

    it('CR deleted and re-created over Retain PVs (Released): admitted, anti-affinity off, no hostPort', () => {
      const left = runningFour().map(releasedPv);
      const ev = review(side, cr(4), [...nodes, ...left, ...spare()]);
      expect(ev.findings.filter((f) => f.action === 'deny')).toEqual([]);
    });

    // The earlier life ran two targets per node; its claims were deleted (cleanupMetadata), and the
    // new CR asks for a hostPort. Its disks, Released, are the data a re-created AIStore is made to
    // keep: freed by their uid (the advice above) each goes back to its own ordinal, two per node,
    // where a hostPort cannot run, and the operator never lets the hostPort go later. Deleting them
    // instead hands every disk to whichever claim the scheduler picks, a target's data to another
    // target. So the guard keeps the deny (layout.ts detectLayout, the CR's earlier life).
    it('CR re-created with a hostPort over the Retain disks of a two-per-node life: denied', () => {
      const left = runningFour().map(releasedPv);
      const again = aistore({ size: 2, hostPort: 51081, mounts: MOUNTS });
      const ev = review(side, again, [...nodes, ...left, ...spare()]);
      expect(lines(ev, 'target-host-port')).toEqual([
        expect.stringMatching(/^deny: .*PVs put the disks of ais-target-0, ais-target-1 on node node-1/),
      ]);
    });

    // Node drain: the target pod is evicted and made again; its claim is bound to a disk of node-1.
    it('target pod re-created after a drain: pinned to its disk node, nothing denied', () => {
      const pod = targetPod({ ordinal: 1 });
      const ev = review(side, pod, [cr(4), ...nodes, ...runningFour(), ...spare()]);
      expect(ev.findings.filter((f) => f.action === 'deny')).toEqual([]);
      expect(lines(ev, 'target-disk-binding')[0]).toMatch(/bound target pod ais-target-1 to node node-1/);
    });
  });
});

// Following the scale-out advice ("Create one PV per missing claim, on the node that holds its disk"):
// the user writes a PV for target-4 on node-1's spare disk sdc, which the static provisioner has
// already published as an Available local-pv-*. Two PV objects now stand for one disk; the scheduler
// may bind the local-pv-* one to target-5's claim (any claim of the class) on node-1, and two targets
// write one disk. A PV made by hand on the disk of another hand-made PV is denied ("use the same disk").
describe('the advice followed: a hand-made PV on a disk the static provisioner already published', () => {
  const byHand = pv('ais-target-4-sdc', {
    claim: claimName(4),
    host: 'node-1',
    path: '/mnt/fast-disks/sdc',
    storageClass: CLASS,
    capacity: '1788Gi',
    local: true,
  });
  // Held up: on a disk the provisioner's PV already binds to a running target, the clash is seen.
  it.each(SIDES)('%s: a hand-made PV on a disk a bound local-pv-* gives target-0: denied', (side) => {
    const onSda = pv('ais-target-4-sda', {
      claim: claimName(4),
      host: 'node-1',
      path: '/mnt/fast-disks/sda',
      storageClass: CLASS,
      capacity: '1788Gi',
      local: true,
    });
    const ev = review(side, onSda, [cr(6), ...nodes, ...runningFour(), ...spare()]);
    expect(lines(ev, 'pv-target-binding').some((l) => l.startsWith('deny') && l.includes('same disk'))).toBe(
      true,
    );
  });
  it.each(SIDES)('%s: PV CREATE is denied (or at least warned) as two PVs for one disk', (side) => {
    const ev = review(side, byHand, [cr(6), ...nodes, ...runningFour(), ...spare()]);
    expect(lines(ev, 'pv-target-binding').some((l) => l.includes('/mnt/fast-disks/sdc'))).toBe(true);
  });
});

/** Target `ordinal`'s data claim, of this class, as the StatefulSet makes it. */
function claimOfClass(ordinal: number, storageClass: string): KubeObject {
  const claim = pvc(claimName(ordinal));
  return { ...claim, spec: { ...(claim.spec as object), storageClassName: storageClass } };
}

describe('claims and pods the StatefulSet makes on a scale-out, disks left to the scheduler', () => {
  describe.each(SIDES)('%s', (side) => {
    // The claim of target-4 is made while target-0..3's claims are bound to discovered disks: the
    // scheduler picks one on the pod's node (WaitForFirstConsumer): nothing to make or pin by hand
    // (context.ts hasFreeDiscoveredDisk: a free disk of the class).
    it('local static: claim CREATE of target-4 gets no "Create one PV per (target, mount)"', () => {
      const claim = claimOfClass(4, CLASS);
      const ev = review(side, claim, [cr(6), ...nodes, ...runningFour(), ...spare()]);
      expect(lines(ev, 'target-disk-binding')).toEqual([]);
    });

    it('local static: pod CREATE of target-4 gets no "Create one PV per (target, mount)"', () => {
      const ev = review(side, targetPod({ ordinal: 4 }), [cr(6), ...nodes, ...runningFour(), ...spare()]);
      expect(lines(ev, 'target-disk-binding')).toEqual([]);
    });

    // rancher local-path: the CR's coverage takes this mount as a provisioner's (no PV is missing on
    // the scale-out, provisioned-pvs.test.ts). Its PVs are directories under the node's configured
    // paths, one filesystem for all the node's claims unless several paths are listed, so the new
    // target's claim and pod are still told that the provisioner may not give it a disk of its own.
    const localPath = (i: number) => ({
      ...madeForClaim(
        pv('x', { claim: claimName(i), host: i < 2 ? 'node-1' : 'node-2', storageClass: 'local-path' }),
        `uid-${i}`,
      ),
      status: { phase: 'Bound' },
    });
    const lpCr = (size: number) =>
      aistore({
        size,
        disable: true,
        mounts: [{ path: '/data/aistore', size: '1Ti', storageClass: 'local-path' }],
      });
    const lpPvs = () => [0, 1, 2, 3].map(localPath);

    it('local-path: the scale-out CR UPDATE itself is quiet (held up)', () => {
      const ev = review(side, lpCr(6), [lpCr(4), ...nodes, ...lpPvs()], lpCr(4));
      expect(lines(ev, 'pv-target-binding')).toEqual([]);
    });

    it('local-path: claim CREATE of target-4 is told the provisioner may not give it its own disk', () => {
      const claim = claimOfClass(4, 'local-path');
      const ev = review(side, claim, [lpCr(6), ...nodes, ...lpPvs()]);
      expect(lines(ev, 'target-disk-binding')).toEqual([
        expect.stringMatching(/^warn: no PV is pre-bound to claim .* left to the provisioner/),
      ]);
    });

    it('local-path: pod CREATE of target-4 is told no PV is known for its claims', () => {
      const ev = review(side, targetPod({ ordinal: 4 }), [lpCr(6), ...nodes, ...lpPvs()]);
      expect(lines(ev, 'target-disk-binding')).toEqual([
        expect.stringMatching(/^warn: no PV is known for the claims of target pod ais-target-4/),
      ]);
    });
  });
});

describe('what the PV side never sees: recognise.ts skips provisioned PVs, the webhook matchConditions too', () => {
  // With WaitForFirstConsumer the scheduler binds all of a pod's claims on the node it picked, after
  // NodePorts and inter-pod anti-affinity filtered that node: two hostPort targets never get disks on
  // one node, one target's mounts never get disks on two (binder.go FindPodVolumes runs per node).
  // What can still split a target: a discovered PV pre-bound by hand (claimRef patched in), which the
  // PV controller binds at once, WaitForFirstConsumer or not (pv_controller.go syncUnboundClaim ->
  // FindMatchingVolume returns a volume pre-bound to the claim before the delayBinding skip). That
  // PV UPDATE is not judged (a provisioner's PV is no target volume: recognise.ts, and the webhook's
  // matchConditions leave such PVs out); the target pod's CREATE is where the split is caught.
  const twoMounts = [
    { path: '/data/a', size: '1Ti', storageClass: CLASS },
    { path: '/data/b', size: '1Ti', storageClass: CLASS },
  ];
  const crAB = aistore({ size: 2, disable: true, mounts: twoMounts });
  const preBound = (volume: KubeObject, claim: string): KubeObject => {
    const copy = structuredClone(volume) as KubeObject & { spec: Record<string, unknown> };
    copy.spec.claimRef = { namespace: 'ais', name: claim };
    delete (copy as { status?: unknown }).status;
    return copy;
  };
  const a0 = preBound(disks.n1[0] as KubeObject, claimName(0, 'ais', '/data/a'));
  const b0 = preBound(disks.n2[0] as KubeObject, claimName(0, 'ais', '/data/b'));

  it('the same PVs: the target pod CREATE is still denied (the split is caught there, late)', () => {
    const pod = targetPod({
      ordinal: 0,
      claims: [claimName(0, 'ais', '/data/a'), claimName(0, 'ais', '/data/b')],
    });
    const ev = evaluate({ operation: 'CREATE', object: pod }, new ClusterContext([crAB, ...nodes, a0, b0]));
    expect(lines(ev, 'target-disk-binding')[0]).toMatch(
      /^deny: the disks of target pod ais-target-0 are on 2 nodes/,
    );
  });
});

// OpenEBS LocalPV hostpath (provisioned-by openebs.io/local, local.path /var/openebs/local/pvc-<uid>,
// hostname affinity) and TopoLVM (CSI, provisioned-by topolvm.io, affinity on topology.topolvm.io/node,
// no local/hostPath): both make a PV per claim, named pvc-<uid>, so they read as local-path does.
describe('OpenEBS LocalPV hostpath and TopoLVM: held up', () => {
  const made = (i: number, provisioner: string) => {
    const host = i < 2 ? 'node-1' : 'node-2';
    const v = madeForClaim(
      pv('x', { claim: claimName(i), host, path: `/var/openebs/local/pvc-uid-${i}`, local: true }),
      `uid-${i}`,
      provisioner,
    ) as KubeObject & { spec: Record<string, unknown> };
    if (provisioner === 'topolvm.io') {
      delete v.spec.local;
      delete v.spec.hostPath;
      v.spec.csi = { driver: 'topolvm.io', volumeHandle: `vh-${i}`, fsType: 'xfs' };
      v.spec.nodeAffinity = {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'topology.topolvm.io/node', operator: 'In', values: [host] }] },
          ],
        },
      };
    }
    return { ...v, status: { phase: 'Bound' } };
  };
  const crOf = (size: number) => aistore({ size, disable: true });
  describe.each(['openebs.io/local', 'topolvm.io'])('%s', (provisioner) => {
    const pvs = () => [0, 1, 2, 3].map((i) => made(i, provisioner));
    it.each(SIDES)('%s: scale-out 4 -> 6 is quiet on PVs', (side) => {
      const ev = review(side, crOf(6), [crOf(4), ...nodes, ...pvs()], crOf(4));
      expect(lines(ev, 'pv-target-binding')).toEqual([]);
    });
    it.each(SIDES)('%s: a target pod re-created after a drain: nothing denied', (side) => {
      const ev = review(side, targetPod({ ordinal: 1 }), [crOf(4), ...nodes, ...pvs()]);
      expect(lines(ev).filter((l) => l.startsWith('deny'))).toEqual([]);
    });
    it.each(SIDES)(
      '%s: CR re-created with a hostPort over Released PVs of a two-per-node life: not denied',
      (side) => {
        const left = pvs().map((v) => ({ ...v, status: { phase: 'Released' } }));
        const ev = review(side, aistore({ size: 2, hostPort: 51081 }), [...nodes, ...left]);
        expect(lines(ev).filter((l) => l.startsWith('deny'))).toEqual([]);
      },
    );
  });
});
