// Rule mount-path-unique, on a real control plane. Its premise: the apiserver does not check a
// StatefulSet's pod template for a path mounted twice (apps validation leaves the template's
// volumes unchecked), so the target StatefulSet the operator renders for a mount at one of its own
// directories is stored, and then every pod the StatefulSet controller makes from it is rejected
// ("must be unique"): no target ever starts, and nothing tells the user at apply time. Two spellings
// of one directory pass even that check. The guard denies such a CR at the door, saying why.
import { one, variant } from './support/fixtures.js';
import { Cleanup, core, create, rejected, type Obj, failedCreate } from './support/kube.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let place: { namespace: string; node: string };

/** Controllers retry on their own schedule. */
const CONTROLLER_WAIT = { timeoutMs: 90_000 };

beforeAll(async () => {
  await installAistoreCrd();
  await guardFor(cleanup, { name: 'mount-paths' });
  const namespace = await cleanup.namespace('mount-paths');
  place = { namespace, node: `${namespace}-node` };
  await create(one('01', place)); // CR ais, whose target StatefulSet is fixture 07
});
afterAll(() => cleanup.run());

type Mounting = { containers: { name: string; volumeMounts: { name: string; mountPath: string }[] }[] };

/** A target object with its data mount (volume ais-data-aistore) at another path in container ais-node. */
function dataMountAt<T extends Obj>(object: T, podSpec: (o: T) => Mounting, path: string): T {
  return variant(object, (o) => {
    const node = podSpec(o).containers.find((c) => c.name === 'ais-node');
    const data = node?.volumeMounts.find((m) => m.name === 'ais-data-aistore');
    if (!data) throw new Error(`${o.kind} has no data mount on container ais-node`);
    data.mountPath = path;
  });
}

it('the StatefulSet of a mount at /etc/ais is stored, and its controller cannot create a single pod', async () => {
  const statefulSet = dataMountAt(
    one('07', place),
    (o) => (o.spec as { template: { spec: Mounting } }).template.spec,
    '/etc/ais',
  );
  await create(statefulSet);
  const failure = await failedCreate(place.namespace, 'must be unique', CONTROLLER_WAIT);
  expect(failure).toMatch(/volumeMounts\[\d+\]\.mountPath: Invalid value: "\/etc\/ais": must be unique/);
  expect((await core.listNamespacedPod({ namespace: place.namespace })).items).toEqual([]);
});

it('a target pod mounting /etc//ais beside /etc/ais is admitted: one directory, two spellings', async () => {
  const pod = dataMountAt(one('09', place), (o) => o.spec as Mounting, '/etc//ais');
  await create(pod, { dryRun: true });
});

it('the guard denies both CRs, naming the operator mount', async () => {
  const outcomes = { '/etc/ais': 'so no target starts', '/etc//ais': 'one volume would hide the other' };
  for (const [path, outcome] of Object.entries(outcomes)) {
    const cr = variant(one('01', place), (o) => {
      o.metadata.name = 'ais2';
      (o.spec as { targetSpec: { mounts: { path: string }[] } }).targetSpec.mounts[0]!.path = path;
    });
    const rejection = await rejected(create(cr, { dryRun: true }));
    expect(rejection.message).toContain(
      `ais-guard denied AIStore ${place.namespace}/ais2: [mount-path-unique] mount ${path} is where the operator mounts the target's state`,
    );
    expect(rejection.message).toContain(outcome);
  }
});
