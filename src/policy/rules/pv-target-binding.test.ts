import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  DATA_MOUNT,
  discoveredDisk,
  HOST_ANTI_AFFINITY,
  node,
  oneNodeDisks,
  pv,
  pvc,
  released,
  targetStatefulSet,
} from '../../../test/support/builders.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';
import { shortWarning } from '../../server/admission.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const HOSTNAME = 'kubernetes.io/hostname';
const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });
const [sda, sdb] = oneNodeDisks();

/** A Node with a NoSchedule taint dedicated=ais. */
const tainted = (name: string): KubeObject => ({
  ...node(name),
  spec: { taints: [{ key: 'dedicated', value: 'ais', effect: 'NoSchedule' }] },
});
/** The CR with targets tolerating that taint. */
function tolerating(cr: KubeObject): KubeObject {
  const copy = structuredClone(cr) as KubeObject & { spec: { targetSpec: Record<string, unknown> } };
  copy.spec.targetSpec.tolerations = [
    { key: 'dedicated', operator: 'Equal', value: 'ais', effect: 'NoSchedule' },
  ];
  return copy;
}
/** Required node affinity keeping the targets off one hostname. */
const notOnHost = (host: string) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: [host] }] },
      ],
    },
  },
});

/** A Node as the node lifecycle controller leaves it: each taint it manages, NoSchedule (doNoScheduleTaintingPass). */
const lifecycleTainted = (name: string, key: string, extra: Record<string, unknown> = {}): KubeObject => ({
  ...node(name),
  spec: { ...extra, taints: [{ key, effect: 'NoSchedule' }] },
});
/** A Node as `check --nodes-file` makes it from a bare name: no labels known. */
/** The PV with no claimRef: a spare, free for any claim of its class. */
const unclaimed = (volume: KubeObject): KubeObject => {
  const copy = structuredClone(volume) as KubeObject & { spec: Record<string, unknown> };
  delete copy.spec.claimRef;
  return copy;
};
/** A published disk the scheduler bound to target-0's claim (its claimRef with the claim's uid). */
const boundByScheduler = (volume: KubeObject): KubeObject => {
  const copy = structuredClone(volume) as KubeObject & { spec: Record<string, unknown> };
  copy.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: 'ais', name: claimName(0), uid: 'u0' };
  return { ...copy, status: { phase: 'Bound' } };
};
const nameOnly = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

/** The CR with spec fields set (shutdownCluster) and a pvcRetentionPolicy on its targets. */
function shutDown(base: KubeObject, shutdown: boolean | undefined, whenScaled: string): KubeObject {
  const copy = structuredClone(base) as KubeObject & {
    spec: Record<string, unknown> & { targetSpec: Record<string, unknown> };
  };
  if (shutdown !== undefined) copy.spec.shutdownCluster = shutdown;
  copy.spec.targetSpec.pvcRetentionPolicy = { whenDeleted: 'Retain', whenScaled };
  return copy;
}
/** The CR with spec.targetSpec.size set. */
function sized(base: KubeObject, size: number): KubeObject {
  const copy = structuredClone(base) as KubeObject & { spec: { targetSpec: Record<string, unknown> } };
  copy.spec.targetSpec.size = size;
  return copy;
}
const SHUTDOWN_DELETES =
  /spec.shutdownCluster scales the target StatefulSet to 0, .*whenScaled: Delete .*deletes every target claim/;

const rows: Row[] = [
  { name: 'the worked example: two disks on one node', object: sda!, context: [cr, sdb!], expect: {} },
  // Review "lifecycle3", F3: operator cluster_controller.go shutdownCluster scales the targets to 0.
  {
    name: 'CR: shutdown with whenScaled Delete, asked for by this update',
    object: shutDown(cr, true, 'Delete'),
    operation: 'UPDATE',
    oldObject: shutDown(cr, undefined, 'Delete'),
    context: [sda!, sdb!],
    expect: { warn: [SHUTDOWN_DELETES] },
  },
  {
    name: 'CR: shutdown with whenScaled Delete, already asked for: said once',
    object: shutDown(cr, true, 'Delete'),
    operation: 'UPDATE',
    oldObject: shutDown(cr, true, 'Delete'),
    context: [sda!, sdb!],
    expect: {},
  },
  {
    // The shutdown only scales the StatefulSet; the policy it has is the stored CR's (review "today2").
    name: 'CR: shutdown and whenScaled Delete -> Retain in one update: the claims still go',
    object: shutDown(cr, true, 'Retain'),
    operation: 'UPDATE',
    oldObject: shutDown(cr, false, 'Delete'),
    context: [sda!, sdb!],
    expect: {
      warn: [
        /whenScaled: Delete \(as the stored CR has it: a change in the same update is not applied before the shutdown\)/,
      ],
    },
  },
  {
    name: 'CR: shutdown with whenScaled Retain',
    object: shutDown(cr, true, 'Retain'),
    operation: 'UPDATE',
    oldObject: shutDown(cr, false, 'Retain'),
    context: [sda!, sdb!],
    expect: {},
  },
  {
    name: 'CR: whenScaled Delete, running',
    object: shutDown(cr, false, 'Delete'),
    context: [sda!, sdb!],
    expect: {},
  },
  // Review "update": a scale-down deletes the removed targets' claims as a shutdown does (whenScaled:
  // Delete); their hand-made PVs come back Released, holding the old uids.
  {
    name: "CR: scaled 2 -> 1 with whenScaled Delete: the removed target's hand-made PV is named",
    object: sized(shutDown(cr, false, 'Delete'), 1),
    operation: 'UPDATE',
    oldObject: shutDown(cr, false, 'Delete'),
    context: [sda!, sdb!],
    expect: {
      warn: [
        /scaling the targets from 2 to 1 with pvcRetentionPolicy.whenScaled: Delete: the StatefulSet controller deletes the claims of ais-target-1, so PV\(s\) pv-sdb are left held/,
      ],
    },
  },
  {
    name: 'CR: scaled 2 -> 1 with whenScaled Retain',
    object: sized(shutDown(cr, false, 'Retain'), 1),
    operation: 'UPDATE',
    oldObject: shutDown(cr, false, 'Retain'),
    context: [sda!, sdb!],
    expect: {},
  },
  {
    // Autoscaling counts one target per matching node (GetTargetSize): 2 targets on node-1 become 1.
    name: 'CR: a multi-target CR switched to autoscaling drops to one target per node',
    object: sized(cr, -1),
    operation: 'UPDATE',
    oldObject: cr,
    context: [sda!, sdb!, node('node-1')],
    expect: {
      warn: [
        /size -1 \(autoscaling\) makes the target count the number of matching nodes: 1 where there are 2 targets, so the operator scales down and ais-target-1 leaves the cluster/,
      ],
    },
  },
  {
    name: 'claimRef follows the old doc wording',
    object: pv('pv-x', { claim: 'ais-prod-data-aistore-ais-target-0', claimNamespace: 'ais-prod' }),
    context: [aistore({ namespace: 'ais-prod', disable: true })],
    expect: {
      deny: [
        /PV pv-x is pre-bound to claim "ais-prod-data-aistore-ais-target-0", which is not a claim.*old AIStore doc/,
      ],
    },
  },
  // k8s stateful_set_utils.go getPersistentVolumeClaimName writes the ordinal with %d.
  {
    name: 'claimRef with a zero-padded ordinal: no pod claims it, the canonical name given',
    object: pv('pv-x', { claim: 'ais-data-aistore-ais-target-01' }),
    context: [cr],
    expect: {
      deny: [
        /pre-bound to claim "ais-data-aistore-ais-target-01", which is not a claim.*pod ais-target-1 claims "ais-data-aistore-ais-target-1".*no leading zero \("-target-1", never "-target-01"\)/,
      ],
    },
  },
  // Review rvw55: a PV carries no evidence but its claim's name; a padded name of no known CR is no
  // more AIStore's than any other (pg-wal-pg-target-01 of a database).
  {
    name: 'claimRef with a zero-padded ordinal, no such CR known: not judged',
    object: pv('pv-x', { claim: 'ais-data-aistore-ais-target-000' }),
    expect: {},
  },
  {
    name: 'claimRef with a zero-padded ordinal, past the last a StatefulSet can have',
    object: pv('pv-x', { claim: 'ais-data-aistore-ais-target-099999999999999999999999' }),
    context: [cr],
    expect: {
      deny: [/which no pod ever claims: its ordinal is past 2147483646/],
      fix: [/^Delete this PV, or pre-bind it to another target's claim\.$/],
    },
  },
  {
    name: 'a state claim with a zero-padded ordinal is judged as a state claim, not as a data claim',
    object: pv('pv-x', { claim: 'ais-ais-state-ais-target-01' }),
    context: [cr],
    expect: { warn: [/pre-bound to state claim ais-ais-state-ais-target-01, but AIStore ais\/ais keeps/] },
  },
  {
    name: 'wrong storage class',
    object: pv('pv-x', { claim: claimName(0), storageClass: 'standard' }),
    context: [cr],
    expect: { deny: [/storageClassName "standard" but mount \/data\/aistore asks for "ais-local-storage"/] },
  },
  {
    name: 'disk too small',
    object: pv('pv-x', { claim: claimName(0), capacity: '500Gi' }),
    context: [cr],
    expect: { deny: [/offers 500Gi but mount \/data\/aistore needs 5Ti/] },
  },
  {
    name: 'bigger disk is fine (5T < 5Ti is not)',
    object: pv('pv-x', { claim: claimName(0), capacity: '6T' }),
    context: [cr],
    expect: {},
  },
  {
    // Review "today14" F1: compared exactly, as the PV controller does (4.1 * 1e12 in floating point
    // is 4099999999999.9995, which was "smaller" than 4100G).
    name: 'a disk of 4.1T for a mount of 4100G: the same size',
    object: pv('pv-x', { claim: claimName(0), capacity: '4.1T' }),
    context: [
      aistore({
        disable: true,
        nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
        mounts: [{ ...DATA_MOUNT, size: '4100G' }],
      }),
    ],
    expect: {},
  },
  {
    // Review "today14b" F3: 1.1Ti is 1209462790553.6 bytes; the operator's claim requests the whole
    // bytes below it (Mount.GetPVCResources rounds down), and a PV of exactly that binds.
    name: 'a disk of 1209462790553 bytes for a mount of 1.1Ti: the claim requests just that',
    object: pv('pv-x', { claim: claimName(0), capacity: '1209462790553' }),
    context: [
      aistore({
        disable: true,
        nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
        mounts: [{ ...DATA_MOUNT, size: '1.1Ti' }],
      }),
    ],
    expect: {},
  },
  {
    name: 'decimal disk smaller than binary size',
    object: pv('pv-x', { claim: claimName(0), capacity: '5T' }),
    context: [cr],
    expect: { deny: [/offers 5T but .* needs 5Ti/] },
  },
  {
    name: 'a raw block device: the claim is Filesystem',
    object: {
      ...pv('pv-x', { claim: claimName(0) }),
      spec: { ...pv('pv-x', { claim: claimName(0) }).spec!, volumeMode: 'Block' },
    },
    context: [cr],
    expect: { deny: [/PV pv-x has volumeMode Block, but the target's claim is Filesystem/] },
  },
  {
    name: 'volumeMode Filesystem, written out, is fine',
    object: {
      ...pv('pv-x', { claim: claimName(0) }),
      spec: { ...pv('pv-x', { claim: claimName(0) }).spec!, volumeMode: 'Filesystem' },
    },
    context: [cr],
    expect: {},
  },
  {
    name: 'not ReadWriteOnce',
    object: pv('pv-x', { claim: claimName(0), accessModes: ['ReadWriteMany'] }),
    context: [cr],
    expect: { deny: [/not ReadWriteOnce \(ReadWriteMany\)/] },
  },
  {
    name: 'no node affinity',
    object: pv('pv-x', { claim: claimName(0), host: null }),
    context: [cr],
    expect: { deny: [/exactly one node .* \(found none\)/] },
  },
  {
    name: 'two nodes',
    object: pv('pv-x', { claim: claimName(0), host: ['node-1', 'node-2'] }),
    context: [cr],
    expect: { deny: [/found node-1, node-2/] },
  },
  {
    name: 'two PVs for one claim',
    object: pv('pv-x', { claim: claimName(0), path: '/ais/sdc' }),
    context: [cr, sda!],
    expect: { deny: [/PVs pv-x and pv-sda are both pre-bound to claim ais-data-aistore-ais-target-0/] },
  },
  {
    name: 'two claims on one disk',
    object: pv('pv-x', { claim: claimName(2), path: '/ais/sda' }),
    context: [aistore({ size: 3, disable: true }), sda!],
    expect: { deny: [/PVs pv-x and pv-sda use the same disk node-1:\/ais\/sda/] },
  },
  {
    name: 'a disk another app holds (a PV bound to its claim)',
    object: pv('pv-x', { claim: claimName(0), path: '/ais/sda' }),
    context: [cr, pv('db-disk', { claim: 'data-postgres-0', claimNamespace: 'db', path: '/ais/sda' })],
    expect: {
      deny: [
        /PVs pv-x and db-disk use the same disk node-1:\/ais\/sda for two claims \(ais-data-aistore-ais-target-0, db\/data-postgres-0\)/,
      ],
    },
  },
  {
    name: 'a disk the local static provisioner published (Available, no claimRef)',
    object: pv('pv-x', { claim: claimName(0), path: '/ais/sda' }),
    context: [cr, discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' })],
    expect: {
      deny: [
        /PV local-pv-8f3a, published by the local static provisioner, is already on the disk node-1:\/ais\/sda, free for any claim of its class/,
      ],
    },
  },
  // The other order: the target PV stands first, then a PV bound to no target claim comes on its
  // disk (recognise.ts spareOnTargetDisk): the provisioner publishing it, or a spare made by hand.
  {
    name: 'the local static provisioner publishes a disk a target PV stands for',
    object: discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' }),
    context: [cr, sda!],
    expect: {
      deny: [
        /^PV local-pv-8f3a, published by the local static provisioner, is on node-1:\/ais\/sda, the disk PV pv-sda stands for \(claim ais\/ais-data-aistore-ais-target-0, ais-target-0\): free for any claim of its class/,
      ],
    },
  },
  {
    name: "a spare PV made by hand, with no claimRef, on a target PV's disk (no CR known: the claim shape)",
    object: unclaimed(pv('spare', { claim: '', path: '/ais/sda/' })),
    context: [sda!],
    expect: { deny: [/^PV spare is on node-1:\/ais\/sda, the disk PV pv-sda stands for/] },
  },
  {
    name: "a PV pre-bound to another app's claim on a target PV's disk",
    object: pv('db-disk', { claim: 'data-postgres-0', claimNamespace: 'db', path: '/ais/sda' }),
    context: [cr, sda!],
    expect: {
      deny: [
        /^PV db-disk, pre-bound to claim db\/data-postgres-0, is on node-1:\/ais\/sda, the disk PV pv-sda stands for .*: two claims would write one disk/,
      ],
    },
  },
  {
    name: 'a published disk beside a disk of the provisioner that a target claim holds',
    object: discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-b' }),
    context: [cr, boundByScheduler(discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-a' }))],
    expect: {
      deny: [
        /^PV local-pv-b, published .* the disk PV local-pv-a stands for \(claim ais\/ais-data-aistore-ais-target-0/,
      ],
    },
  },
  {
    name: 'a PV on the disk of a Released target PV: refused, the data kept there',
    object: discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' }),
    context: [cr, released(sda!)],
    expect: {
      deny: [
        /^PV local-pv-8f3a, .* is on node-1:\/ais\/sda, the disk PV pv-sda keeps for the deleted claim ais\/ais-data-aistore-ais-target-0 \(ais-target-0; Released\): .* write the kept data/,
      ],
    },
  },
  {
    name: 'the same path on another node is another disk',
    object: discoveredDisk({ host: 'node-2', path: '/ais/sda', name: 'local-pv-8f3a' }),
    context: [cr, sda!],
    expect: {},
  },
  {
    name: 'a PV beside a disk that no target claim holds is not judged',
    object: discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' }),
    context: [cr, pv('db-disk', { claim: 'data-postgres-0', claimNamespace: 'db', path: '/ais/sda' })],
    expect: {},
  },
  {
    name: "one target's disks on two nodes",
    object: pv('pv-x', { claim: claimName(0, 'ais', '/data/ssd'), host: 'node-2' }),
    context: [aistore({ disable: true, mounts: [{ path: '/data/aistore' }, { path: '/data/ssd' }] }), sda!],
    expect: { deny: [/disks of ais-target-0 are on two nodes \(pv-x on node-2, pv-sda on node-1\)/] },
  },
  {
    name: 'local volume source counts as a disk',
    object: pv('pv-x', { claim: claimName(0), local: true, storageClass: 'other' }),
    context: [cr],
    expect: { deny: [/storageClassName "other"/] },
  },
  {
    name: 'dynamically provisioned PVs are the provisioner’s business',
    object: pv('pvc-123', {
      claim: claimName(0),
      host: null,
      storageClass: 'gp3',
      annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' },
    }),
    context: [cr],
    expect: {},
  },
  {
    // The PV controller reads presence (metav1.HasAnnotation), and so do the webhook's conditions,
    // which never send such a PV (outside review "install").
    name: 'an empty provisioned-by annotation counts as provisioned, as Kubernetes reads it',
    object: pv('pv-empty', {
      claim: claimName(0),
      capacity: '1Gi',
      annotations: { 'pv.kubernetes.io/provisioned-by': '' },
    }),
    context: [cr],
    expect: {},
  },
  {
    name: 'PV for a claim of nobody we know',
    object: pv('pv-x', { claim: 'postgres-data-0' }),
    context: [cr],
    expect: {},
  },
  {
    name: 'no CR known: intrinsic checks only',
    object: pv('pv-x', { claim: claimName(0), host: null }),
    expect: { deny: [/found none/] },
  },
  { name: 'CR: all (target, mount) covered', object: cr, context: [sda!, sdb!], expect: {} },
  {
    name: 'CR: a target without a PV once some are known',
    object: aistore({ size: 3, disable: true }),
    context: [sda!, sdb!],
    expect: { warn: [/^ais-target-2 has no PV for mount \/data\/aistore/] },
  },
  {
    name: 'CR: many missing are summarised',
    object: aistore({ size: 40, disable: true }),
    context: [sda!, sdb!],
    expect: {
      warn: [/^ais-target-2, ais-target-3, ais-target-4, ais-target-5, ais-target-6 and 33 more have no PV/],
    },
  },
  {
    name: 'CR: an absurd size is not walked, it is summarised',
    object: aistore({ size: 2 ** 31 - 1, disable: true }),
    context: [sda!, sdb!],
    expect: { warn: [/^2147483647 targets x 1 PVC-backed mounts are too many .* to check one by one/] },
  },
  // The node of a target's disk must be one its targets may use (the scheduler's NodeAffinity and
  // TaintToleration filters), or the target stays Pending ("didn't match PersistentVolume's node affinity").
  {
    name: 'PV on another node than the hostname the targets are pinned to',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [cr],
    expect: {
      deny: [
        /PV pv-x is on node node-2, where the targets of ais cannot run \(spec.targetSpec.nodeSelector kubernetes.io\/hostname=node-1\): ais-target-0 would stay Pending/,
      ],
    },
  },
  {
    name: 'PV on a node without the pool label the targets select (Node known)',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [aistore({ disable: true, nodeSelector: { pool: 'a' } }), node('node-2', { pool: 'b' })],
    expect: {
      deny: [/node node-2, where the targets of ais cannot run \(spec.targetSpec.nodeSelector pool=a\)/],
    },
  },
  {
    name: 'the same with no Node object: only the hostname could be judged',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [aistore({ disable: true, nodeSelector: { pool: 'a' } })],
    expect: {},
  },
  {
    name: 'PV on a node with a NoSchedule taint the targets do not tolerate',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [aistore({ disable: true }), tainted('node-2')],
    expect: { deny: [/node node-2, where the targets of ais cannot run \(a NoSchedule\/NoExecute taint/] },
  },
  {
    name: 'the taint tolerated: fine',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [tolerating(aistore({ disable: true })), tainted('node-2')],
    expect: {},
  },
  {
    name: 'a cordoned node passes: the cordon is lifted again',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [aistore({ disable: true }), { ...node('node-2'), spec: { unschedulable: true } }],
    expect: {},
  },
  {
    name: 'required node affinity on hostnames rules the PV node out, Node unknown',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [aistore({ disable: true, affinity: notOnHost('node-2') })],
    expect: { deny: [/\(spec.targetSpec.affinity's required node affinity\)/] },
  },
  {
    name: 'CR: its PVs on a node its targets cannot use, named once per node',
    object: cr,
    context: [
      pv('pv-a', { claim: claimName(0), host: 'node-2' }),
      pv('pv-b', { claim: claimName(1), host: 'node-2' }),
    ],
    expect: {
      deny: [
        /^the targets cannot run on node node-2 \(spec.targetSpec.nodeSelector kubernetes.io\/hostname=node-1\), yet their PV\(s\) pv-a, pv-b are there/,
      ],
    },
  },
  // A PV whose claim is gone (Released, with that claim's uid: scale-in with whenScaled: Delete, the
  // operator's cleanup of a deleted CR) binds no new claim of the name: it is no target's disk.
  {
    name: 'a new PV for a claim whose earlier PV is Released on another node: no clash',
    object: pv('pv-new', { claim: claimName(0), host: 'node-1', path: '/ais/sdc' }),
    context: [cr, released(pv('pv-old', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }))],
    expect: {},
  },
  {
    name: "the Released PV itself beside the one serving its claim: no clash, it is no target's disk",
    object: released(pv('pv-old', { claim: claimName(0), host: 'node-1', path: '/ais/sda' })),
    context: [cr, pv('pv-new', { claim: claimName(0), host: 'node-1', path: '/ais/sdc' })],
    expect: {},
  },
  {
    name: 'its uid cleared (an UPDATE): two PVs pre-bound to one claim, a new violation',
    object: pv('pv-old', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }),
    operation: 'UPDATE',
    oldObject: released(pv('pv-old', { claim: claimName(0), host: 'node-1', path: '/ais/sda' })),
    context: [cr, pv('pv-new', { claim: claimName(0), host: 'node-1', path: '/ais/sdc' })],
    expect: { deny: [/PVs pv-old and pv-new are both pre-bound to claim/] },
  },
  {
    name: 'the same with the earlier PV still Bound: the claim strands one',
    object: pv('pv-new', { claim: claimName(0), host: 'node-1', path: '/ais/sdc' }),
    context: [cr, pv('pv-old', { claim: claimName(0), host: 'node-1', path: '/ais/sda' })],
    expect: { deny: [/PVs pv-new and pv-old are both pre-bound to claim/] },
  },
  {
    name: 'CR re-created on other nodes: the Released PVs of its earlier life are not its disks',
    object: aistore({ disable: true, nodeSelector: { pool: 'v2' } }),
    context: [
      node('old-1', { pool: 'v1' }),
      node('new-1', { pool: 'v2' }),
      released(pv('pv-old', { claim: claimName(0), host: 'old-1' })),
    ],
    expect: {},
  },
  {
    name: 'CR: no PVs at all (dynamic provisioning)',
    object: aistore({ size: 3, disable: true }),
    expect: {},
  },
  // Review review/pv: false denials.
  {
    name: 'a cordoned node as a cluster has it (spec.unschedulable and its NoSchedule taint) passes',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [
      aistore({ disable: true }),
      lifecycleTainted('node-2', 'node.kubernetes.io/unschedulable', { unschedulable: true }),
    ],
    expect: {},
  },
  {
    name: 'a node NotReady for the moment (node.kubernetes.io/not-ready:NoSchedule) passes',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [aistore({ disable: true }), lifecycleTainted('node-2', 'node.kubernetes.io/not-ready')],
    expect: {},
  },
  {
    name: 'CR CREATE while a disk node is under disk pressure passes',
    object: aistore({ size: 1, disable: true }),
    context: [
      pv('pv-a', { claim: claimName(0), host: 'node-2' }),
      lifecycleTainted('node-2', 'node.kubernetes.io/disk-pressure'),
    ],
    expect: {},
  },
  {
    name: 'PV made before its CR, on a dedicated tainted node: nothing yet says the targets do not tolerate it',
    object: pv('pv-x', { claim: claimName(0), host: 'node-2' }),
    context: [tainted('node-2')],
    expect: {},
  },
  {
    name: 'check --nodes-file with bare names: a label-less Node rules out no nodeSelector',
    object: pv('pv-x', { claim: claimName(0), host: 'node-1' }),
    context: [cr, nameOnly('node-1')],
    expect: {},
  },
  {
    name: 'check --nodes-file with bare names and a pool label selector',
    object: pv('pv-x', { claim: claimName(0), host: 'node-1' }),
    context: [aistore({ disable: true, nodeSelector: { pool: 'a' } }), nameOnly('node-1')],
    expect: {},
  },
  {
    name: 'volumeMode: null (an empty YAML value) is the default, Filesystem',
    object: (() => {
      const v = pv('pv-x', { claim: claimName(0) }) as KubeObject & { spec: Record<string, unknown> };
      v.spec.volumeMode = null;
      return v;
    })(),
    context: [cr],
    expect: {},
  },
  // The PV controller binds a claimRef's namespace and name together (IsVolumeBoundToClaim).
  {
    name: 'a claimRef without a namespace binds no claim',
    object: (() => {
      const v = pv('pv-x', { claim: claimName(0) }) as KubeObject & {
        spec: { claimRef: Record<string, unknown> };
      };
      delete v.spec.claimRef.namespace;
      return v;
    })(),
    context: [cr],
    expect: { deny: [/pre-bound to claim "ais-data-aistore-ais-target-0" in no namespace/] },
  },
  {
    name: 'an empty claimRef namespace is none',
    object: pv('pv-x', { claim: claimName(0), claimNamespace: '' }),
    context: [cr],
    expect: { deny: [/in no namespace/] },
  },
  // Disks prepared before a scale-out: the operator's webhook lets targetSpec.size change on update.
  {
    name: 'a PV for a target past the CR size: warned of, not denied (a scale-out)',
    object: pv('pv-x', { claim: claimName(2), host: 'node-1' }),
    context: [cr],
    expect: {
      warn: [
        /claim "ais-data-aistore-ais-target-2" of ais-target-2, but AIStore ais has 2 target\(s\).*until the target count is at least 3/,
      ],
    },
  },
  {
    name: 'a PV past an autoscaled CR’s targets: used once enough nodes match, not by a size field',
    object: pv('pv-x', { claim: claimName(2), host: 'node-1' }),
    context: [aistore({ disable: true, size: -1 }), node('node-1'), node('node-2')],
    expect: {
      warn: [
        /has 2 target\(s\) \(ordinals 0..1, one per node its targets may use, at most autoScale.sizeLimit\): no pod uses it until the target count is at least 3/,
      ],
    },
  },
  {
    name: 'a PV for a CR of size 0: "no targets", not "ordinals 0..-1"',
    object: pv('pv-x', { claim: claimName(0), host: 'node-1' }),
    context: [aistore({ disable: true, size: 0 })],
    expect: {
      warn: [/but AIStore ais has no targets: no pod uses it until the target count is at least 1/],
    },
  },
  {
    name: 'a PV for a target within the size: fine',
    object: pv('pv-x', { claim: claimName(1), host: 'node-1' }),
    context: [cr],
    expect: {},
  },
  // The scheduler matches a PV's kubernetes.io/hostname on the Node's label, which kubelet
  // --hostname-override and some clouds' node names make differ from the Node's name.
  {
    name: 'PV on a node without the pool label, the Node named other than its hostname label',
    object: pv('pv-x', { claim: claimName(0), host: 'node-1' }),
    context: [
      aistore({ disable: true, nodeSelector: { pool: 'a' } }),
      {
        ...node('node-1.example.internal'),
        metadata: { name: 'node-1.example.internal', labels: { [HOSTNAME]: 'node-1' } },
      },
    ],
    expect: {
      deny: [/on node node-1, where the targets of ais cannot run \(spec.targetSpec.nodeSelector pool=a\)/],
    },
  },
  {
    name: 'the same Node with the pool label: fine',
    object: pv('pv-x', { claim: claimName(0), host: 'node-1' }),
    context: [
      aistore({ disable: true, nodeSelector: { pool: 'a' } }),
      {
        ...node('node-1.example.internal'),
        metadata: { name: 'node-1.example.internal', labels: { [HOSTNAME]: 'node-1', pool: 'a' } },
      },
    ],
    expect: {},
  },
  // A CR created with anti-affinity on before its PVs (nothing said multi-target then) is not turned
  // multi-target later: a PV that puts a second target on a node leaves one of them Pending.
  {
    name: 'a PV beside another target’s disk while the stored CR keeps anti-affinity on',
    object: pv('pv-sdb', { claim: claimName(1), host: 'node-1', path: '/ais/sdb' }),
    context: [
      aistore({ size: 2 }),
      pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }),
      node('node-1'),
      node('node-2'),
    ],
    expect: { warn: [/puts ais-target-1 on node node-1 beside ais-target-0 \(PV pv-sda\).*anti-affinity/] },
  },
  {
    name: "anti-affinity kept by the CR's own required term: named, with a fix that removes it",
    object: pv('pv-sdb', { claim: claimName(1), host: 'node-1', path: '/ais/sdb' }),
    context: [
      aistore({ size: 2, affinity: HOST_ANTI_AFFINITY() }),
      pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }),
    ],
    expect: {
      warn: [
        /keep a required hostname anti-affinity \(spec.targetSpec.affinity's own required hostname term\)/,
      ],
    },
  },
  {
    name: 'the same with disablePodAntiAffinity: true is the multi-target layout, fine',
    object: pv('pv-sdb', { claim: claimName(1), host: 'node-1', path: '/ais/sdb' }),
    context: [
      aistore({ size: 2, disable: true }),
      pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }),
    ],
    expect: {},
  },
  {
    name: 'anti-affinity on, each target on its own node: fine',
    object: pv('pv-sdb', { claim: claimName(1), host: 'node-2', path: '/ais/sdb' }),
    context: [aistore({ size: 2 }), pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' })],
    expect: {},
  },
  {
    name: 'anti-affinity on, a second disk of the same target on its node: fine',
    object: pv('pv-sdb', { claim: claimName(0, 'ais', '/ais/sdb'), host: 'node-1', path: '/ais/sdb' }),
    context: [
      aistore({ size: 2, mounts: [DATA_MOUNT, { ...DATA_MOUNT, path: '/ais/sdb' }] }),
      pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }),
    ],
    expect: {},
  },
  {
    name: 'no CR, but a target StatefulSet whose template keeps targets apart',
    object: pv('pv-sdb', { claim: claimName(1), host: 'node-1', path: '/ais/sdb' }),
    context: [
      targetStatefulSet({ replicas: 2, affinity: HOST_ANTI_AFFINITY() }),
      pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' }),
    ],
    expect: { warn: [/in their pod template/] },
  },
  // Outside review op53: a disk map keyed by node name, where the Node's hostname label differs (an
  // FQDN node name, --hostname-override), made PVs no node takes; the warning said the node was gone.
  {
    name: "PV pinned by hostname to a Node's name, the Node labelled another hostname",
    object: pv('pv-sda', { claim: claimName(0), host: 'node-1.example.com', path: '/ais/sda' }),
    context: [aistore({ disable: true }), node('node-1.example.com', { [HOSTNAME]: 'node-1' })],
    expect: {
      warn: [
        /PV pv-sda asks for kubernetes.io\/hostname=node-1.example.com, but Node node-1.example.com is labelled kubernetes.io\/hostname=node-1: node affinity matches labels, not names/,
      ],
    },
  },
  {
    name: 'PV on a node the cluster does not have: that node is missing',
    object: pv('pv-sda', { claim: claimName(0), host: 'node-9', path: '/ais/sda' }),
    context: [aistore({ disable: true }), node('node-1')],
    expect: { warn: [/PV pv-sda is on node node-9, which is not among the cluster's Nodes/] },
  },
];
describe('rule pv-target-binding', () => {
  it.each(rows)('$name', (row) => {
    checkRow('pv-target-binding', row);
  });

  // A phase change keeps the context's version (context.ts onlyBindingStateDiffers), so the memo of
  // the CR's volumes outlives it: the binding state must still be read fresh.
  it("a PV Released after the CR's volumes were memoised is no longer counted", () => {
    const placed = aistore({ disable: true, nodeSelector: { pool: 'v2' } });
    const before = pv('pv-old', { claim: claimName(0), host: 'old-1' });
    const ctx = new ClusterContext([node('old-1', { pool: 'v1' }), before]);
    const denials = () =>
      evaluate({ operation: 'CREATE', object: placed }, ctx).findings.filter(
        (f) => f.ruleId === 'pv-target-binding' && f.severity === 'deny',
      );
    expect(denials()).toHaveLength(1);
    const version = ctx.version;
    ctx.upsert(released(before));
    expect(ctx.version).toBe(version);
    expect(denials()).toEqual([]);
  });

  // test/server/cache-poison.test.ts found it: the stored CR is unvalidated input.
  it('a stored CR with targetSpec: null does not make the kept-apart check throw', () => {
    const junk = aistore({ size: 2 }) as KubeObject & { spec: Record<string, unknown> };
    junk.spec.targetSpec = null;
    const ev = evaluate(
      {
        operation: 'CREATE',
        object: pv('pv-sdb', { claim: claimName(1), host: 'node-1', path: '/ais/sdb' }),
      },
      new ClusterContext([junk, pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' })]),
    );
    expect(ev.findings.filter((f) => f.message.includes('could not judge'))).toEqual([]);
  });

  // The fix speaks of the PV's spec.claimRef.name, not of renaming or deleting a claim (claims.ts WORDS).
  it('a PV pre-bound to a misnamed claim: the fix names the claimRef to set, or deleting the PV', () => {
    const ctx = new ClusterContext([aistore({ namespace: 'ais-prod', disable: true })]);
    const fixOf = (claim: string) =>
      evaluate(
        { operation: 'CREATE', object: pv('pv-x', { claim, claimNamespace: 'ais-prod' }) },
        ctx,
      ).findings.find((f) => f.ruleId === 'pv-target-binding')?.fix;
    expect(fixOf('ais-prod-data-aistore-ais-target-0')).toBe(
      'Set spec.claimRef.name to ais-data-aistore-ais-target-0.',
    );
    // Review "today3": the StatefulSet's claim already waits, Pending, for a PV: it is the one to name.
    const waiting = new ClusterContext([
      aistore({ namespace: 'ais-prod', disable: true }),
      pvc('ais-data-aistore-ais-target-0', { namespace: 'ais-prod' }),
    ]);
    const pvFix = evaluate(
      {
        operation: 'CREATE',
        object: pv('pv-x', { claim: 'ais-prod-data-aistore-ais-target-0', claimNamespace: 'ais-prod' }),
      },
      waiting,
    ).findings.find((f) => f.ruleId === 'pv-target-binding')?.fix;
    expect(pvFix).toBe('Set spec.claimRef.name to ais-data-aistore-ais-target-0.');
    const aistoreNone = new ClusterContext([aistore({ namespace: 'ais-prod', disable: true, mounts: [] })]);
    const none = evaluate(
      {
        operation: 'CREATE',
        object: pv('pv-x', { claim: 'ais-data-aistore-ais-target-0', claimNamespace: 'ais-prod' }),
      },
      aistoreNone,
    ).findings.find((f) => f.ruleId === 'pv-target-binding');
    expect(none?.fix).toBe('Add the mount to spec.targetSpec.mounts, or delete this PV.');
  });

  it("the shutdown warning's fix survives the 256-character cut", () => {
    const ev = evaluate(
      { operation: 'UPDATE', object: shutDown(cr, true, 'Delete'), oldObject: shutDown(cr, false, 'Delete') },
      new ClusterContext([sda!, sdb!]),
    );
    const f = ev.findings.find((x) => x.ruleId === 'pv-target-binding')!;
    expect(shortWarning(`ais-guard ${f.ruleId} ${f.doc}: ${f.message} Fix: ${f.fix}`)).toMatch(
      /Fix: Set shutdownCluster: false, apply whenScaled: Retain first, then shut down in a later update\.$/,
    );
  });

  // Review "today2", F4: only claims of the CR's own templates count (a re-created CR's old mount);
  // a misspelt mount path in the PVs must still be said on the CR.
  describe('PVs pre-bound to claims no template of the CR makes', () => {
    const typo = [0, 1].map((i) =>
      pv(`pv-${i}`, { claim: `ais-ais-disk-1-ais-target-${i}`, host: 'node-1', path: `/ais/sd${i}` }),
    );
    const strays = (ev: ReturnType<typeof evaluate>) =>
      ev.findings.filter((f) => f.ruleId === 'pv-target-binding' && /no claim template/.test(f.message));

    it('are named on the CR, with its templates', () => {
      const cr = aistore({ size: 2, disable: true, mounts: [{ path: '/ais/disk1', size: '5Ti' }] });
      const ev = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([node('node-1'), ...typo]));
      expect(strays(ev).map((f) => f.message)).toEqual([
        expect.stringMatching(
          /^PV\(s\) pv-0 \(claim ais-ais-disk-1-ais-target-0\), pv-1 \(claim ais-ais-disk-1-ais-target-1\) are pre-bound to claims no claim template of AIStore ais makes \(ais-ais-disk1\)/,
        ),
      ]);
    });

    it("but not those of another CR whose name the first one's prefixes (b beside b-b)", () => {
      const b = aistore({ name: 'b', size: 2, disable: true });
      const bb = aistore({ name: 'b-b', size: 2, disable: true });
      const ofBB = [0, 1].map((i) =>
        pv(`bb-${i}`, { claim: claimName(i, 'b-b'), host: 'node-1', path: `/ais/sd${i}` }),
      );
      const ev = evaluate(
        { operation: 'CREATE', object: b },
        new ClusterContext([node('node-1'), bb, ...ofBB]),
      );
      expect(strays(ev)).toEqual([]);
    });
  });

  // The target pod mounts its state claim (<ns>-<cr>-state-<cr>-target-N: a volumeClaimTemplate in
  // operator target/volumes.go newTargetPVCs, mounted at the state directory in cmn/volumes.go when
  // UsesStatePVC) beside its data claims, so a local state PV pins it as a data PV does. Those PVs
  // were counted only where the namespace's name starts with the CR's ("ais" for CR "ais").
  describe.each(['ais', 'prod'])('the state PV in namespace %s', (ns) => {
    const cr = { ...aistore({ namespace: ns, size: 2, disable: true }) } as KubeObject & {
      spec: Record<string, unknown>;
    };
    cr.spec = { ...cr.spec, stateStorage: { pvc: { storageClass: 'local', size: '1Gi' } } };
    const data = (host: string) =>
      pv('data-0', { claim: claimName(0), claimNamespace: ns, host, path: '/ais/sda' });
    const state = (host: string) =>
      pv('state-0', { claim: `${ns}-ais-state-ais-target-0`, claimNamespace: ns, host, path: '/ais/state' });
    const judge = (object: KubeObject, context: KubeObject[]) =>
      evaluate({ operation: 'CREATE', object }, new ClusterContext([cr, node('n1'), node('n2'), ...context]));

    it("on another node than the target's data PV: the target cannot run (deny)", () => {
      const ev = judge(data('n1'), [state('n2')]);
      expect(ev.allowed).toBe(false);
      expect(ev.findings.map((f) => f.message)).toContain(
        `the disks of ais-target-0 are on two nodes (data-0 on n1, its state PV state-0, claim ${ns}-ais-state-ais-target-0, on n2): the pod cannot run on both.`,
      );
    });

    it("a provisioner's state PVs, data claims provisioned too: no data PV is missing on the CR", () => {
      // Bound to the claims they were made for: claimRef with its uid, phase Bound.
      const provisioned = [0, 1].map((i) => {
        const made = pv(`pvc-${i}`, {
          claim: `${ns}-ais-state-ais-target-${i}`,
          claimNamespace: ns,
          host: `n${i + 1}`,
          storageClass: 'local',
          annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' },
        });
        return { ...released(made, `uid-${i}`), status: { phase: 'Bound' } };
      });
      for (const operation of ['CREATE', 'UPDATE'] as const) {
        const ev = evaluate(
          { operation, object: cr, oldObject: operation === 'UPDATE' ? cr : undefined },
          new ClusterContext([cr, node('n1'), node('n2'), ...provisioned]),
        );
        expect(ev.findings.filter((f) => f.ruleId === 'pv-target-binding')).toEqual([]);
      }
    });

    it('on the same node: allowed, and no stray on the CR', () => {
      expect(judge(data('n1'), [state('n1')]).allowed).toBe(true);
      const onCR = judge(cr, [data('n1'), state('n1')]);
      expect(onCR.findings.filter((f) => /no claim template/.test(f.message))).toEqual([]);
    });
  });

  // Review "lifecycle3", F2: scale 4 -> 2 with pvcRetentionPolicy.whenScaled: Delete deletes the claims
  // of targets 2 and 3 (k8s stateful_set_utils.go updateClaimOwnerRefForSetAndPod); their Retain PVs
  // are Released with the old uids, and 2 -> 4 again leaves the new claims Pending.
  describe('a scale-out after a whenScaled: Delete scale-in', () => {
    const pinned = { 'kubernetes.io/hostname': 'node-1' };
    const disks = [0, 1, 2, 3].map((i) =>
      pv(`pv-sd${i}`, { claim: claimName(i), host: 'node-1', path: `/ais/sd${i}` }),
    );
    const context = [
      node('node-1'),
      disks[0]!,
      disks[1]!,
      released(disks[2]!, 'gone-2'),
      released(disks[3]!, 'gone-3'),
    ];
    const messages = (ev: ReturnType<typeof evaluate>) =>
      ev.findings.filter((f) => f.ruleId === 'pv-target-binding').map((f) => `${f.message} Fix: ${f.fix}`);

    it('the CR update names the Released PVs to free, not "no PV"', () => {
      const old = aistore({ size: 2, disable: true, nodeSelector: pinned });
      const scaled = aistore({ size: 4, disable: true, nodeSelector: pinned });
      const ev = evaluate(
        { operation: 'UPDATE', object: scaled, oldObject: old },
        new ClusterContext([old, ...context]),
      );
      expect(messages(ev)).toEqual([
        expect.stringMatching(
          /the PVs for mount \/data\/aistore of 2 target\(s\) \(pv-sd2, pv-sd3\) are held by the uid of a deleted claim .*Fix: Free each, do not make another PV for its disk: kubectl patch pv pv-sd2/,
        ),
      ]);
    });

    it('the restart after a shutdown that deleted every claim names them all', () => {
      const all = [0, 1].map((i) => released(disks[i]!, `gone-${i}`));
      const stopped = aistore({ size: 2, disable: true, nodeSelector: pinned });
      const ev = evaluate(
        { operation: 'CREATE', object: stopped },
        new ClusterContext([node('node-1'), ...all]),
      );
      expect(messages(ev)).toEqual([
        expect.stringMatching(/of 2 target\(s\) \(pv-sd0, pv-sd1\) are held by the uid of a deleted claim/),
      ]);
    });

    // Found by test/server/cache-property.test.ts: with two Released PVs for one claim, the one named
    // was the one the context had indexed last, so the webhook and `check` could name different PVs.
    it('two Released PVs for one claim: the same one is named whatever order the context got them in', () => {
      const twin = released(
        pv('pv-sd2-old', { claim: claimName(2), host: 'node-1', path: '/ais/sd2' }),
        'gone-x',
      );
      const old = aistore({ size: 2, disable: true, nodeSelector: pinned });
      const scaled = aistore({ size: 3, disable: true, nodeSelector: pinned });
      const named = (objects: KubeObject[]) =>
        messages(
          evaluate({ operation: 'UPDATE', object: scaled, oldObject: old }, new ClusterContext(objects)),
        );
      const forward = named([old, ...context, twin]);
      expect(forward).toEqual([expect.stringMatching(/of 1 target\(s\) \(pv-sd2\) are held/)]);
      expect(named([twin, old, ...context])).toEqual(forward);
    });

    it('the same for a Released PV of a mount the CR no longer has (review "gitops")', () => {
      const cr = aistore({
        size: 2,
        disable: true,
        nodeSelector: pinned,
        mounts: [{ path: '/ais/nvme0', size: '1Ti' }],
      });
      const fresh = pv('nv0', { claim: claimName(0, 'ais', '/ais/nvme0'), host: 'node-1', path: '/ais/sd0' });
      const ev = evaluate(
        { operation: 'CREATE', object: fresh },
        new ClusterContext([cr, node('node-1'), released(disks[0]!, 'gone-0'), fresh]),
      );
      expect(messages(ev)).toEqual([
        expect.stringMatching(
          /PV pv-sd0, held by the uid of its deleted claim .* same disk node-1:\/ais\/sd0/,
        ),
      ]);
    });

    it('a second PV made for the disk of a Released one is warned about', () => {
      const cr = aistore({ size: 4, disable: true, nodeSelector: pinned });
      const again = pv('pv-sd2-new', { claim: claimName(2), host: 'node-1', path: '/ais/sd2' });
      const ev = evaluate(
        { operation: 'CREATE', object: again },
        new ClusterContext([cr, ...context, again]),
      );
      expect(ev.allowed).toBe(true);
      expect(messages(ev)).toEqual([
        expect.stringMatching(
          /PV pv-sd2, held by the uid of its deleted claim .* is on the same disk node-1:\/ais\/sd2.*Fix: Free PV pv-sd2 instead/,
        ),
      ]);
    });
  });
});
