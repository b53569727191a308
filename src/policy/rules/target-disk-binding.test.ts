import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  DATA_MOUNT,
  discoveredDisk,
  madeForClaim,
  node,
  oneNodeDisks,
  pv,
  pvc,
  released,
  targetPod,
} from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const cr = aistore({ disable: true });
const disks = oneNodeDisks('node-7');

/** A free disk of class ais-local-storage the local static provisioner published on node-7. */
const discovered = discoveredDisk({ host: 'node-7', path: '/mnt/disks/sdz', name: 'local-pv-5e1d' });

/** Target pod 1 as the scheduler's binding left it: on `nodeName`. */
const onNode = (nodeName: string) => {
  const pod = targetPod({ ordinal: 1 });
  return { ...pod, spec: { ...(pod.spec as object), nodeName } };
};

/** Claim 1 requesting `storage` (its PV, pv-sdb, holds 5Ti = 5497558138880 bytes). */
const requesting = (storage: string) => {
  const claim = pvc(claimName(1));
  return { ...claim, spec: { ...(claim.spec as object), resources: { requests: { storage } } } };
};

const rows: Row[] = [
  {
    name: 'PVC CREATE bound to its pre-bound PV',
    object: pvc(claimName(1)),
    context: [cr, ...disks],
    expect: { warn: [/bound claim ais-data-aistore-ais-target-1 to PV pv-sdb/], patched: true },
  },
  {
    name: 'PVC already names that PV',
    object: pvc(claimName(1), { volumeName: 'pv-sdb' }),
    context: [cr, ...disks],
    expect: { patched: false },
  },
  {
    name: 'PVC names another PV',
    object: pvc(claimName(1), { volumeName: 'pv-sda' }),
    context: [cr, ...disks],
    expect: { deny: [/asks for PV pv-sda, but PV pv-sdb is the one pre-bound/] },
  },
  {
    name: 'PVC, no PV known, multi-target: warn, never guess',
    object: pvc(claimName(1)),
    context: [cr],
    expect: { warn: [/no PV is pre-bound to claim ais\/ais-data-aistore-ais-target-1/], patched: false },
  },
  {
    name: 'PVC, no PV known, one target per node: quiet',
    object: pvc(claimName(1)),
    context: [aistore()],
    expect: {},
  },
  {
    name: 'PVC UPDATE is not mutated',
    object: pvc(claimName(1)),
    operation: 'UPDATE',
    oldObject: pvc(claimName(1)),
    context: [cr, ...disks],
    expect: { patched: false },
  },
  {
    name: 'Pod CREATE bound to the node of its disks',
    object: targetPod({ ordinal: 1 }),
    context: [cr, ...disks],
    expect: {
      warn: [
        /bound target pod ais-target-1 to node node-7, where its disks are \(pv-sdb=node-7:\/ais\/sdb\)/,
      ],
      patched: true,
    },
  },
  {
    // Audit of a pod made before the guard: the scheduler already put it by its PVs' node affinity.
    name: "Pod already on its disks' node (spec.nodeName): nothing to change, nothing to say",
    object: onNode('node-7'),
    context: [cr, ...disks],
    expect: { patched: false },
  },
  {
    name: "Pod already on another node than its disks' (spec.nodeName): warn, delete it to move it",
    object: onNode('node-1'),
    context: [cr, ...disks, node('node-1'), node('node-7')],
    expect: {
      warn: [
        /target pod ais-target-1 is on node node-1, but its disks are on node-7 .*: it does not run on them/,
      ],
      patched: false,
    },
  },
  {
    // Review atk55-A: an EKS-style node name beside its hostname label, piped from kubectl without
    // the Nodes: the two spellings may name one node.
    name: "Pod on a node named otherwise than its disks' host, no Node known: nothing concluded",
    object: onNode('node-7.ec2.internal'),
    context: [cr, ...disks],
    expect: { patched: false },
  },
  {
    name: "Pod on the node whose hostname label is its disks' host, though named otherwise",
    object: onNode('node-7.ec2.internal'),
    context: [cr, ...disks, node('node-7.ec2.internal', { 'kubernetes.io/hostname': 'node-7' })],
    expect: { patched: false },
  },
  {
    name: 'Pod pinned elsewhere',
    object: targetPod({ ordinal: 1, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    context: [cr, ...disks],
    expect: { deny: [/pinned to node-1, but its disks are on node-7/] },
  },
  ...[
    ['In another node', { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }],
    ["NotIn its disks' node", { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['node-7'] }],
  ].map(([how, expression]): Row => ({
    name: `Pod whose required node affinity rules its disks' node out (${how as string})`,
    object: targetPod({
      ordinal: 1,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [expression] }],
          },
        },
      },
    }),
    context: [cr, ...disks],
    expect: { deny: [/ais-target-1's required node affinity rules out node-7, where its disks are/] },
  })),
  {
    name: 'Pod with one term ruling its node out and one allowing it: bound',
    object: targetPod({
      ordinal: 1,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] },
              { matchExpressions: [{ key: 'pool', operator: 'In', values: ['a'] }] },
            ],
          },
        },
      },
    }),
    context: [cr, ...disks],
    expect: { warn: [/bound target pod ais-target-1 to node node-7/], patched: true },
  },
  {
    name: 'Pod, no PV known, multi-target',
    object: targetPod({ ordinal: 1 }),
    context: [cr],
    expect: { warn: [/no PV is known for the claims of target pod ais-target-1/] },
  },
  // The scheduler binds a claim of such a class to a free disk on the node it picks for the pod.
  {
    name: "PVC of the local static provisioner's class, no PV pre-bound: nothing to say",
    object: pvc(claimName(1)),
    context: [cr, discovered],
    expect: { patched: false },
  },
  {
    name: "Pod whose mounts are of the local static provisioner's class, no PV known: nothing to say",
    object: targetPod({ ordinal: 1 }),
    context: [cr, discovered],
    expect: { patched: false },
  },
  // A PV whose claim is gone (Released, with that claim's uid) binds no new claim of the name
  // (pv_controller.go syncVolume): it is not where the target's disk is.
  {
    name: 'Pod: beside its disk, a Released PV of an earlier claim of that name on another node',
    object: targetPod({ ordinal: 1 }),
    context: [cr, ...disks, released(pv('pv-old', { claim: claimName(1), host: 'node-3' }))],
    expect: { warn: [/bound target pod ais-target-1 to node node-7/], patched: true },
  },
  {
    // Review "day2": told to free it (its new claim binds it then), not to make a second PV for it.
    name: 'Pod: only a Released PV of an earlier claim of that name: not pinned, told to free it',
    object: targetPod({ ordinal: 1 }),
    context: [cr, released(pv('pv-old', { claim: claimName(1), host: 'node-3' }))],
    expect: {
      warn: [
        /^the PVs of target pod ais-target-1's claims \(pv-old\) are held by the uid of a deleted claim/,
      ],
      patched: false,
    },
  },
  {
    name: 'Pod: only a Released PV, on a node since replaced: not pinned, not told to free it',
    object: targetPod({ ordinal: 1 }),
    context: [cr, node('node-1'), released(pv('pv-old', { claim: claimName(1), host: 'node-gone' }))],
    expect: { warn: [/held by the uid of a deleted claim/], patched: false },
  },
  {
    name: 'PVC: only a Released PV pre-bound to its name: no volumeName (set once, it would stay Pending)',
    object: pvc(claimName(1)),
    context: [cr, released(pv('pv-old', { claim: claimName(1), host: 'node-3' }))],
    expect: { patched: false },
  },
  {
    name: 'PVC: the same PV once its uid is cleared (Available again): bound',
    object: pvc(claimName(1)),
    context: [
      cr,
      { ...pv('pv-old', { claim: claimName(1), host: 'node-3' }), status: { phase: 'Available' } },
    ],
    expect: { warn: [/bound claim ais-data-aistore-ais-target-1 to PV pv-old/], patched: true },
  },
  {
    // Review "lifecycle2", L5: the node replaced, its PV not yet Released in the cache.
    name: 'Pod: its disk on a node the cluster no longer has: not pinned there',
    object: targetPod({ ordinal: 1 }),
    context: [cr, ...disks, node('node-new')],
    expect: {
      warn: [/disks of target pod ais-target-1 are on node node-7, which is not among the cluster's Nodes/],
      patched: false,
    },
  },
  {
    name: 'Pod: its disk on a known node: pinned',
    object: targetPod({ ordinal: 1 }),
    context: [cr, ...disks, node('node-7')],
    expect: { warn: [/bound target pod ais-target-1 to node node-7/], patched: true },
  },
  {
    name: 'Pod UPDATE untouched',
    object: targetPod({ ordinal: 1 }),
    operation: 'UPDATE',
    oldObject: targetPod({ ordinal: 1 }),
    context: [cr, ...disks],
    expect: { patched: false },
  },
  {
    name: 'Pod CREATE whose claim two PVs name (a stray on another node): warn, not pinned, not denied',
    object: targetPod({ ordinal: 1 }),
    context: [cr, ...disks, pv('pv-stray', { claim: claimName(1), host: 'node-1', path: '/ais/sdz' })],
    expect: {
      warn: [
        /more than one PV names claim ais-data-aistore-ais-target-1 of target pod ais-target-1 \(pv-sdb, pv-stray\)/,
      ],
      patched: false,
    },
  },
  // An outside attack (atk53): past 40 digits or a power of ten of 80 the request was compared in
  // floating point, and a claim a byte (or a nano) over its PV, or of 1e400, was bound to it.
  // Kubernetes compares exactly and leaves such a claim Pending; left unbound, the PV controller
  // binds it itself when the PV does fit.
  ...['5497558138880.0000000000000000000000000001', '1e400', `${'9'.repeat(41)}`, '5497558138881'].map(
    (storage): Row => ({
      name: `PVC requesting ${storage.slice(0, 20)}: not bound to the 5Ti PV`,
      object: requesting(storage),
      context: [cr, ...disks],
      expect: {
        warn: [/PV pv-sdb is pre-bound to claim .* but does not fit it \(capacity 5Ti/],
        patched: false,
      },
    }),
  ),
  // Past 40 digits, zeros or not, a size is not compared (as mount-template-name and its VAP count
  // a size's digits): not bound, and said so. A few leading zeros are no such size.
  {
    name: 'PVC requesting 5Ti written in 41 digits: not bound, not compared',
    object: requesting('5497558138880.0000000000000000000000000000'),
    context: [cr, ...disks],
    expect: { warn: [/which the guard cannot compare exactly/], patched: false },
  },
  {
    name: 'PVC requesting 0005Ti: bound',
    object: requesting('0005Ti'),
    context: [cr, ...disks],
    expect: { warn: [/bound claim ais-data-aistore-ais-target-1 to PV pv-sdb/], patched: true },
  },
  {
    // Review atk55-A: the claim is bound to the provisioner's PV holding it; the hand-made PV
    // pre-bound beside it is the stray, which pv-target-binding denies.
    name: "PVC bound to the provisioner's PV that holds it, a hand-made PV pre-bound beside it",
    object: pvc(claimName(1), { volumeName: 'pvc-uid-1' }),
    context: [cr, ...disks, madeForClaim(disks[1]!, 'uid-1')],
    expect: { patched: false },
  },
  {
    name: "PVC naming a provisioner's PV that holds another claim",
    object: pvc(claimName(1), { volumeName: 'pvc-uid-0' }),
    context: [cr, ...disks, madeForClaim(disks[0]!, 'uid-0')],
    expect: { deny: [/asks for PV pvc-uid-0, but PV pv-sdb is the one pre-bound/] },
  },
];

describe('rule target-disk-binding', () => {
  it.each(rows)('$name', (row) => {
    checkRow('target-disk-binding', row);
  });

  it('tells to free a held PV on a live node, and to pre-bind anew for one on a gone node', () => {
    const fix = (name: string) =>
      checkRow('target-disk-binding', rows.find((r) => r.name.startsWith(name)) as Row).findings[0]?.fix;
    expect(fix('Pod: only a Released PV of an earlier claim')).toMatch(
      /^Free each, do not make another PV for its disk: kubectl patch pv pv-old /,
    );
    expect(fix('Pod: only a Released PV, on a node since replaced')).toMatch(
      /^pv-old is on a node that is not among the cluster's Nodes: pre-bind a PV on a live node to its claim instead/,
    );
  });

  it('sets spec.volumeName', () => {
    expect(checkRow('target-disk-binding', rows[0] as Row).patch).toEqual([
      { op: 'add', path: '/spec/volumeName', value: 'pv-sdb' },
    ]);
  });

  it('adds node affinity and the disks annotation', () => {
    const ev = checkRow('target-disk-binding', rows[6] as Row);
    expect(ev.object).toMatchObject({
      metadata: { annotations: { 'ais-guard/disks': 'pv-sdb=node-7:/ais/sdb' } },
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-7'] }] },
              ],
            },
          },
        },
      },
    });
  });

  it("a network volume beside its disks: bound to the disks' node, and only the disks annotated", () => {
    // A CSI volume with no node affinity (pv(..., {host: null}) without a path source) follows the pod.
    const cr2 = aistore({
      disable: true,
      mounts: [DATA_MOUNT, { path: '/data/scratch', size: '1Ti', storageClass: 'ebs' }],
    });
    const network = pv('pv-ebs', { claim: 'ais-data-scratch-ais-target-1', host: null, storageClass: 'ebs' });
    delete (network.spec as Record<string, unknown>).hostPath;
    (network.spec as Record<string, unknown>).csi = { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' };
    const pod = targetPod({ ordinal: 1, claims: [claimName(1), 'ais-data-scratch-ais-target-1'] });
    const ev = checkRow('target-disk-binding', {
      name: 'network beside',
      object: pod,
      context: [cr2, ...disks, network],
      expect: {
        warn: [
          /^bound target pod ais-target-1 to node node-7, where its disks are \(pv-sdb=node-7:\/ais\/sdb\)\.$/,
        ],
        patched: true,
      },
    });
    expect(ev.object).toMatchObject({
      metadata: { annotations: { 'ais-guard/disks': 'pv-sdb=node-7:/ais/sdb' } },
    });
  });

  it('ANDs the host into every existing node-selector term', () => {
    const pod = targetPod({
      ordinal: 1,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'pool', operator: 'In', values: ['a'] }] },
              { matchExpressions: [{ key: 'pool', operator: 'In', values: ['b'] }] },
            ],
          },
        },
      },
    });
    const ev = checkRow('target-disk-binding', {
      name: 'terms',
      object: pod,
      context: [cr, ...disks],
      expect: { warn: [/bound/], patched: true },
    });
    const terms = (
      ev.object as {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: { matchExpressions: unknown[] }[];
              };
            };
          };
        };
      }
    ).spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms.map((t) => t.matchExpressions.length)).toEqual([2, 2]);
  });
});
