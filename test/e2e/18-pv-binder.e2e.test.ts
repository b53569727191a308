// What the PV binder (kube-controller-manager) refuses, that the guard must see at the door.
//
// Rule pv-claim-uid. The PV controller binds a PV pre-bound by a claimRef that carries a uid only to
// the claim object of that uid (component-helpers IsVolumeBoundToClaim); with no such claim it marks
// the PV Released (pv_controller.go syncVolume), and a claim created under that name, as the
// StatefulSet controller creates a target's, stays Pending even when it names the PV in
// spec.volumeName. Removing the uid is all it takes.
//
// Rule pv-target-binding, volumeMode. A Block PV pre-bound to a (Filesystem) target claim is passed
// over by the binder's matching (CheckVolumeModeMismatches), but a claim that names it in
// spec.volumeName, as the guard's disk binding writes it, is bound without that check: the kubelet
// (not run here) then refuses to mount it. So the guard denies the PV itself.
//
// The premises run in namespaces the guard is told not to judge; the guard's answers in judged ones.
import * as k8s from '@kubernetes/client-node';
import { ofKind, one, variant, yamlStream, type Placement } from './support/fixtures.js';
import { suffix } from './support/env.js';
import { Cleanup, core, eventually, type Obj } from './support/kube.js';
import { kubectl, ok } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
/** The PV binder works on its own schedule (it resyncs every 15 s). */
const CONTROLLER_WAIT = { timeoutMs: 90_000 };
const [uidPlace, blockPlace] = ['uid', 'block'].map((what) => `pv-binder-${what}-${suffix()}`) as [
  string,
  string,
];
const STALE_UID = '5c1e6f2a-0d4b-4c9e-9a57-1f0e2b3c4d5e';
const CLAIM_0 = 'ais-data-aistore-ais-target-0';

beforeAll(async () => {
  await installAistoreCrd();
  await guardFor(cleanup, {
    name: 'pv-binder',
    args: ['--exclude-namespaces', `kube-system,kube-public,kube-node-lease,${uidPlace},${blockPlace}`],
  });
});
afterAll(() => cleanup.run());

type ClaimRef = { claimRef: Record<string, unknown> };

/** Fixture 04's disks in `place`: target-0's pre-bound with a uid no claim has, target-1's by name. */
function disks(place: Placement): [Obj, Obj] {
  const [sda, sdb] = ofKind('04', 'PersistentVolume', place) as [Obj, Obj];
  return [
    variant(sda, (o) => {
      (o.spec as ClaimRef).claimRef.uid = STALE_UID;
    }),
    sdb,
  ];
}

/** Fixture 05 (target-1's data claim) in `place`, or target-0's pointing at its disk as the guard points it. */
const claim1 = (place: Placement): Obj => one('05', place);
const claim0 = (place: Placement, volumeName?: string): Obj =>
  variant(claim1(place), (o) => {
    o.metadata.name = CLAIM_0;
    if (volumeName) (o.spec as { volumeName?: string }).volumeName = volumeName;
  });

const readPv = (name: string): Promise<k8s.V1PersistentVolume> => core.readPersistentVolume({ name });
const readClaim = (namespace: string, name: string): Promise<k8s.V1PersistentVolumeClaim> =>
  core.readNamespacedPersistentVolumeClaim({ namespace, name });

function phaseOf<T extends { status?: { phase?: string } }>(
  what: string,
  read: () => Promise<T>,
  phase: string,
) {
  return eventually(
    `${what} ${phase}`,
    async () => {
      const object = await read();
      if (object.status?.phase !== phase) throw new Error(`phase ${object.status?.phase}`);
      return object;
    },
    CONTROLLER_WAIT,
  );
}

it("a PV pre-bound with another claim's uid is Released, and the claim of its name stays Pending until the uid is removed", async () => {
  const namespace = await cleanup.namespace(uidPlace, uidPlace);
  const place = { namespace, node: `${namespace}-node` };
  const [stale, byName] = disks(place);
  for (const pv of [stale, byName]) await cleanup.createOwned(pv);
  await phaseOf(stale.metadata.name, () => readPv(stale.metadata.name), 'Released');

  ok(
    await kubectl(['create', '-f', '-'], yamlStream([claim0(place, stale.metadata.name), claim1(place)])),
    'kubectl create the two claims',
  );
  // The binder has been through the claims once the one pre-bound by name is Bound.
  await phaseOf('target-1 claim', () => readClaim(namespace, 'ais-data-aistore-ais-target-1'), 'Bound');
  expect((await readClaim(namespace, CLAIM_0)).status?.phase).toBe('Pending');
  expect((await readPv(stale.metadata.name)).status?.phase).toBe('Released');

  // The command the guard's warning gives (src/policy/rules/pv-claim-uid.ts).
  ok(
    await kubectl(['patch', 'pv', stale.metadata.name, '-p', '{"spec":{"claimRef":{"uid":null}}}']),
    'kubectl patch',
  );
  const bound = await phaseOf('target-0 claim', () => readClaim(namespace, CLAIM_0), 'Bound');
  expect(bound.spec?.volumeName).toBe(stale.metadata.name);
  expect((await readPv(stale.metadata.name)).spec?.claimRef?.uid).toBe(bound.metadata?.uid);
});

it('the guard warns on the PV with a uid, and on the claim that PV would leave Pending', async () => {
  const namespace = await cleanup.namespace('pv-binder-judged');
  const place = { namespace, node: `${namespace}-node` };
  await kubectl(['create', '-f', '-'], yamlStream([one('01', place)])); // CR ais
  const [stale] = disks(place);
  cleanup.add(`PersistentVolume ${stale.metadata.name}`, () =>
    core.deletePersistentVolume({ name: stale.metadata.name }),
  );
  const created = ok(await kubectl(['create', '-f', '-'], yamlStream([stale])), 'kubectl create the PV');
  // A warning keeps its start and its fix: the apiserver may truncate past 256 characters.
  expect(created.stderr).toContain(
    `Warning: ais-guard pv-claim-uid https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md#pv-claim-uid: PV ${stale.metadata.name} is pre-bound`,
  );
  expect(created.stderr).toContain('a claim made now gets a new uid and would not bind this PV');

  // The PV controller releases the PV (no claim has its uid), and the guard's view of it arrives by
  // its watch: ask (dry run) until the guard warns of the uid and, seeing the PV Released, leaves the
  // claim's volumeName unset (set once, it would tie the claim to a PV it cannot bind).
  await phaseOf(stale.metadata.name, () => readPv(stale.metadata.name), 'Released');
  const dryRun = (claim: Obj) =>
    kubectl(
      ['create', '--dry-run=server', '-o', 'jsonpath={.spec.volumeName}', '-f', '-'],
      yamlStream([claim]),
    );
  const warning = await eventually(
    'the guard knows the PV as Released',
    async () => {
      const answer = ok(await dryRun(claim0(place)), 'dry-run create of the claim');
      if (!answer.stderr.includes('pv-claim-uid') || answer.stdout !== '')
        throw new Error(`volumeName "${answer.stdout}": ${answer.stderr}`);
      return answer.stderr;
    },
    CONTROLLER_WAIT,
  );
  expect(warning).toContain(
    'Warning: ais-guard pv-claim-uid https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md#pv-claim-uid: PV ',
  );
  expect(warning).toContain(
    `kubectl patch pv ${stale.metadata.name} -p '{"spec":{"claimRef":{"uid":null}}}'`,
  );
  ok(await kubectl(['create', '-f', '-'], yamlStream([claim0(place)])), 'kubectl create the claim');
  expect((await readClaim(namespace, CLAIM_0)).spec?.volumeName).toBeUndefined();
  // The command of the warning frees the PV, and its claimRef alone binds the claim to its own disk.
  ok(
    await kubectl(['patch', 'pv', stale.metadata.name, '-p', '{"spec":{"claimRef":{"uid":null}}}']),
    'kubectl patch',
  );
  const bound = await phaseOf('target-0 claim', () => readClaim(namespace, CLAIM_0), 'Bound');
  expect(bound.spec?.volumeName).toBe(stale.metadata.name);
});

/** Target-0's disk as a raw block device (a `local` PV: hostPath has no block mode). */
function blockDisk(place: Placement): Obj {
  return variant(ofKind('04', 'PersistentVolume', place)[0]!, (o) => {
    const spec = o.spec as { hostPath?: { path: string }; local?: { path: string }; volumeMode?: string };
    spec.local = { path: `/dev/disk/by-id${spec.hostPath?.path}` };
    delete spec.hostPath;
    spec.volumeMode = 'Block';
  });
}

it('a Block PV pre-bound to a target claim is passed over, yet bound once the claim names it', async () => {
  const namespace = await cleanup.namespace(blockPlace, blockPlace);
  const place = { namespace, node: `${namespace}-node` };
  const block = blockDisk(place);
  const [, sdb] = disks(place);
  for (const pv of [block, sdb]) await cleanup.createOwned(pv);

  ok(
    await kubectl(['create', '-f', '-'], yamlStream([claim0(place), claim1(place)])),
    'kubectl create the claims',
  );
  await phaseOf('target-1 claim', () => readClaim(namespace, 'ais-data-aistore-ais-target-1'), 'Bound');
  expect((await readClaim(namespace, CLAIM_0)).status?.phase).toBe('Pending');
  expect((await readPv(block.metadata.name)).status?.phase).toBe('Available');

  // Named in spec.volumeName, as the guard's disk binding names a target's disk: bound, mode unchecked.
  await core.deleteNamespacedPersistentVolumeClaim({ namespace, name: CLAIM_0 });
  await eventually('the Pending claim gone', async () => {
    const gone = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items.every(
      (c) => c.metadata?.name !== CLAIM_0,
    );
    if (!gone) throw new Error('still there');
  });
  ok(
    await kubectl(['create', '-f', '-'], yamlStream([claim0(place, block.metadata.name)])),
    'kubectl create',
  );
  const bound = await phaseOf('target-0 claim', () => readClaim(namespace, CLAIM_0), 'Bound');
  expect(bound.spec?.volumeMode).toBe('Filesystem');
  expect((await readPv(block.metadata.name)).spec?.volumeMode).toBe('Block');
});

it('the guard denies the Block PV', async () => {
  const namespace = await cleanup.namespace('pv-binder-judged');
  const place = { namespace, node: `${namespace}-node` };
  await kubectl(['create', '-f', '-'], yamlStream([one('01', place)])); // CR ais
  const refused = await kubectl(['create', '--dry-run=server', '-f', '-'], yamlStream([blockDisk(place)]));
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('[pv-target-binding]');
  expect(refused.stderr).toContain("has volumeMode Block, but the target's claim is Filesystem");
});

/**
 * In a new namespace with CR ais: target-0's disk of fixture 04 as a PV made by hand (pre-bound by
 * name), and the PV the local static provisioner publishes for the same disk (no claimRef).
 */
async function diskTwice(what: string): Promise<[Obj, Obj]> {
  const namespace = await cleanup.namespace(what);
  const place = { namespace, node: `${namespace}-node` };
  await kubectl(['create', '-f', '-'], yamlStream([one('01', place)])); // CR ais
  const [byHand] = disks(place).map((pv) =>
    variant(pv, (o) => {
      delete (o.spec as Partial<ClaimRef>).claimRef?.uid;
    }),
  ) as [Obj];
  const published = variant(byHand, (o) => {
    o.metadata.name = `local-pv-${suffix()}`;
    o.metadata.annotations = { 'pv.kubernetes.io/provisioned-by': `local-volume-provisioner-${place.node}` };
    delete (o.spec as Partial<ClaimRef>).claimRef;
  });
  return [byHand, published];
}

// Rule pv-target-binding, a disk taken. The local static provisioner publishes each disk it finds
// as an Available PV (local-pv-…, annotated provisioned-by local-volume-provisioner-<node>…), which
// the scheduler binds to any claim of its class on that node. A PV made by hand for the same disk
// is a second PV for it: two targets could write one disk. The guard's view of the published PV
// comes by its watch, so the refusal is asked for (dry run) until it comes.
it('a PV made by hand on a disk the local static provisioner published is refused', async () => {
  const [byHand, published] = await diskTwice('pv-binder-published');
  await cleanup.createOwned(published);
  const refusal = await eventually(
    'the guard knows the published disk',
    async () => {
      const answer = await kubectl(['create', '--dry-run=server', '-f', '-'], yamlStream([byHand]));
      if (answer.code === 0) throw new Error('admitted');
      return answer.stderr;
    },
    CONTROLLER_WAIT,
  );
  expect(refusal).toContain(
    `PV ${published.metadata.name}, published by the local static provisioner, is already on the disk`,
  );
  expect(refusal).toContain(
    'the scheduler may bind it to another claim, and two targets would write one disk',
  );
});

// The other order: the target's PV stands first, and the provisioner finds the same disk in its
// discovery directory and publishes it. Its CREATE reaches the guard through the Ignore entry's
// local-disk condition (deploy/base/validating-webhook.yaml) and is refused: the provisioner retries
// on its next discovery pass, and no claim gets the target's disk meanwhile.
it("the local static provisioner's PV for a disk a target PV stands for is refused", async () => {
  const [byHand, published] = await diskTwice('pv-binder-publish-after');
  await cleanup.createOwned(byHand);
  const refusal = await eventually(
    "the guard knows the target's disk",
    async () => {
      const answer = await kubectl(['create', '--dry-run=server', '-f', '-'], yamlStream([published]));
      if (answer.code === 0) throw new Error('admitted');
      return answer.stderr;
    },
    CONTROLLER_WAIT,
  );
  expect(refusal).toContain('[pv-target-binding]');
  expect(refusal).toContain(
    `PV ${published.metadata.name}, published by the local static provisioner, is on `,
  );
  expect(refusal).toContain(`the disk PV ${byHand.metadata.name} stands for`);
});
