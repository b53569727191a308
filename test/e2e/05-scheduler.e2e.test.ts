// Issue 6, scenario 5: kube-scheduler places the targets on Node objects the test makes (Ready,
// allocatable, not-ready taint removed) with local PVs on them. Two targets of one AIStore share a
// node, each on its own disk. Counter-case, in a namespace the guard is told not to judge
// (--exclude-namespaces): with hostPort on the targets the second one stays unschedulable, with the
// scheduler's "didn't have free ports" message: the failure the guard prevents. And with the disks on
// a node the targets' nodeSelector rules out, the target stays unschedulable on the PV's node
// affinity; the guard refuses such a CR (rule pv-target-binding).
import { one, yamlStream } from './support/fixtures.js';
import { suffix } from './support/env.js';
import type { Guard } from './support/guard.js';
import { Cleanup, core, create, createReadyNode, eventually, rejected } from './support/kube.js';
import { kubectl, ok } from './support/run.js';
import { CONTROLLER_WAIT, deployTargets, localDisks, readPod, scheduledNode } from './support/scheduling.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;
/** The counter-case's namespace: the guard is started with it excluded. */
const unjudged = `sched-unjudged-${suffix()}`;
/** The disks-elsewhere case's namespace, also excluded. */
const elsewhere = `sched-elsewhere-${suffix()}`;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, {
    name: 'scheduler',
    args: ['--exclude-namespaces', `kube-system,kube-public,kube-node-lease,${unjudged},${elsewhere}`],
  });
});
afterAll(() => cleanup.run());

it('schedules two targets of one AIStore onto the same node, each on its own disk', async () => {
  const namespace = await cleanup.namespace('sched-shared-node');
  const place = { namespace, node: `${namespace}-node` };
  const disks = await deployTargets(cleanup, place, one('01', place), one('07', place));

  expect(await scheduledNode(namespace, 'ais-target-0')).toBe(place.node);
  expect(await scheduledNode(namespace, 'ais-target-1')).toBe(place.node);
  const volumes = [];
  for (const ordinal of [0, 1]) {
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name: `ais-data-aistore-ais-target-${ordinal}`,
      namespace,
    });
    expect(claim.status?.phase).toBe('Bound');
    volumes.push(claim.spec?.volumeName);
    const pv = await core.readPersistentVolume({ name: disks[ordinal]?.metadata.name ?? '' });
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec?.claimRef?.uid).toBe(claim.metadata?.uid);
  }
  expect(volumes).toEqual(disks.map((d) => d.metadata.name));
  expect(new Set(volumes).size).toBe(2);
});

it('with hostPort, unjudged, the second target stays Pending: "didn\'t have free ports"', async () => {
  const namespace = await cleanup.namespace(unjudged, unjudged);
  const place = { namespace, node: `${namespace}-node` };
  // The operator renders the hostPort StatefulSet (08) from a CR with targetSpec.hostPort (02).
  await deployTargets(cleanup, place, one('02', place), one('08', place));

  expect(await scheduledNode(namespace, 'ais-target-0')).toBe(place.node);
  const condition = await eventually(
    'ais-target-1 unschedulable',
    async () => {
      const pod = await readPod(namespace, 'ais-target-1');
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (scheduled?.reason !== 'Unschedulable' || !scheduled.message?.includes('free ports'))
        throw new Error(`PodScheduled: ${JSON.stringify(scheduled)}`);
      return scheduled;
    },
    CONTROLLER_WAIT,
  );
  expect(condition.status).toBe('False');
  expect(condition.message).toContain("1 node(s) didn't have free ports for the requested pod ports");
  // And it stays so (the scheduler retries unschedulable pods).
  await new Promise((r) => setTimeout(r, 3_000));
  expect((await readPod(namespace, 'ais-target-1')).spec?.nodeName).toBeUndefined();

  // The guard was told to leave this namespace alone and did; anywhere it judges, this
  // StatefulSet is refused up front.
  expect(guard.logs().filter((l) => l.namespace === namespace)).toEqual([]);
  const judged = await cleanup.namespace('sched-judged');
  const refused = await rejected(
    create(one('08', { namespace: judged, node: place.node }), { dryRun: true }),
  );
  expect(refused.message).toContain(`ais-guard denied StatefulSet ${judged}/ais-target: [target-host-port]`);
});

it('with the disks on a node the targets may not use, unjudged, the target stays Pending: "didn\'t match PersistentVolume\'s node affinity"', async () => {
  const namespace = await cleanup.namespace(elsewhere, elsewhere);
  const targets = { namespace, node: `${namespace}-node` };
  const disks = { namespace, node: `${namespace}-disks` };
  await createReadyNode(cleanup, disks.node);
  for (const pv of localDisks(disks)) await cleanup.createOwned(pv);
  // CR 01 and StatefulSet 07 pin the targets to their own node by kubernetes.io/hostname.
  await createReadyNode(cleanup, targets.node);
  await create(one('01', targets));
  ok(await kubectl(['apply', '-f', '-'], yamlStream([one('07', targets)])), 'kubectl apply the StatefulSet');
  const condition = await eventually(
    'ais-target-0 unschedulable',
    async () => {
      const pod = await readPod(namespace, 'ais-target-0');
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (
        scheduled?.reason !== 'Unschedulable' ||
        !scheduled.message?.includes("didn't match PersistentVolume's node affinity")
      )
        throw new Error(`PodScheduled: ${JSON.stringify(scheduled)}`);
      return scheduled;
    },
    CONTROLLER_WAIT,
  );
  expect(condition.message).toContain("1 node(s) didn't match PersistentVolume's node affinity");

  // Where the guard judges, the CR is refused for its PVs, and a PV for its CR.
  const judged = await cleanup.namespace('sched-elsewhere-judged');
  const judgedDisks = { namespace: judged, node: `${judged}-disks` };
  const [pv] = localDisks(judgedDisks);
  await cleanup.createOwned(pv!);
  // The guard learns of the PV by its watch: ask until it has.
  const refused = await eventually(
    'the guard refuses the CR',
    () => rejected(create(one('01', { namespace: judged, node: targets.node }), { dryRun: true })),
    CONTROLLER_WAIT,
  );
  expect(refused.message).toContain(
    `[pv-target-binding] the targets cannot run on node ${judgedDisks.node} (spec.targetSpec.nodeSelector kubernetes.io/hostname=${targets.node})`,
  );
});
