// A cluster running before the guard was installed: its CR turns target anti-affinity off and asks for
// a hostPort (the targets happened to land one per node). The operator's webhook refuses any change of
// a live CR's targetSpec (validateTargetUpdate in internal/webhook/aistore/v1beta1/aistore_webhook.go),
// so the StatefulSet it renders keeps the hostPort for good. When the StatefulSet controller recreates a
// target pod (a rollout, an eviction), the guard must not refuse it: the pod would never come back.
// Control: the same StatefulSet with a hostPort its CR does not have (edited by hand) is still refused.
// Then the CR itself: one created with a single target, anti-affinity off and a hostPort (no target can
// share a node yet) must still scale out, though the hostPort cannot go (review "lifecycle2", L2): the
// port keeps its targets one per node, and nothing here (no PVs, no Nodes, no pinned host) forces two
// onto one. Its CREATE has nothing to say (only hostPort 0 would, evaluate.ts fixedAtCreation).
import { one, ownedByCR, variant } from './support/fixtures.js';
import { startGuard, type Guard } from './support/guard.js';
import {
  Cleanup,
  core,
  create,
  eventually,
  failedCreate,
  mergePatch,
  rejected,
  type Obj,
} from './support/kube.js';
import { installAistoreCrd } from './support/suite.js';
import { registerWebhooks, unregisterWebhooks } from './support/webhooks.js';

const cleanup = new Cleanup();
const CONTROLLER_WAIT = { timeoutMs: 90_000 };
let guard: Guard;
let predating: string;
let handEdited: string;

/** The CR (fixture 01: anti-affinity off, two targets pinned to one host), with a hostPort or not. */
const aistore = (namespace: string, hostPort?: number) =>
  variant(one('01', { namespace, node: `${namespace}-node` }), (o) => {
    if (hostPort) (o.spec as { targetSpec: Record<string, unknown> }).targetSpec.hostPort = hostPort;
  });

/** Fixture 07 as the operator renders it for that CR with a hostPort: owned by the CR. */
function statefulSet(namespace: string, cr: Obj): Obj {
  return variant(one('07', { namespace, node: `${namespace}-node` }), (o) => {
    const spec = o.spec as { template: { spec: { containers: { ports?: Record<string, unknown>[] }[] } } };
    for (const port of spec.template.spec.containers[0]!.ports ?? []) port.hostPort = port.containerPort;
    o.metadata.ownerReferences = ownedByCR(cr);
  });
}

const podUid = async (namespace: string, name: string) =>
  (await core.readNamespacedPod({ namespace, name })).metadata?.uid;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await startGuard({ name: 'predating' });
  cleanup.add(`guard ${guard.name}`, () => guard.stop());
  cleanup.add('webhook configurations', unregisterWebhooks);
  // Made before the webhook configurations exist, as on a cluster that ran before the guard.
  predating = await cleanup.namespace('predating');
  handEdited = await cleanup.namespace('hand-edited');
  for (const [namespace, hostPort] of [
    [predating, 51081],
    [handEdited, undefined],
  ] as const) {
    const cr = await create(aistore(namespace, hostPort));
    await create(statefulSet(namespace, cr));
    await eventually(
      `the target pods in ${namespace}`,
      async () => {
        for (const name of ['ais-target-0', 'ais-target-1'])
          if (!(await podUid(namespace, name))) throw new Error(name);
      },
      CONTROLLER_WAIT,
    );
  }
  await registerWebhooks(guard, await cleanup.namespace('predating-probe'));
});
afterAll(() => cleanup.run());

it('the StatefulSet controller recreates a target pod of a CR that breaks the rule too: warned of, not refused', async () => {
  const before = await podUid(predating, 'ais-target-0');
  await core.deleteNamespacedPod({ namespace: predating, name: 'ais-target-0', gracePeriodSeconds: 0 });
  await eventually(
    'ais-target-0 recreated',
    async () => {
      const now = await podUid(predating, 'ais-target-0').catch(() => undefined);
      if (!now || now === before) throw new Error(`uid ${now}`);
    },
    CONTROLLER_WAIT,
  );
  expect(guard.reviews('Pod', predating, 'ais-target-0')).toContainEqual(
    expect.objectContaining({
      endpoint: 'validate',
      verdict: 'allowed',
      rules: expect.arrayContaining(['target-host-port=warn']),
    }),
  );
});

it('a hostPort the CR does not have (the StatefulSet edited by hand) is still refused (control)', async () => {
  const before = await podUid(handEdited, 'ais-target-0');
  expect(before).toBeDefined();
  await core.deleteNamespacedPod({ namespace: handEdited, name: 'ais-target-0', gracePeriodSeconds: 0 });
  expect(await failedCreate(handEdited, 'target-host-port', CONTROLLER_WAIT)).toContain('ais-target-0');
});

describe('a single-target CR with anti-affinity off and a hostPort', () => {
  let cr: Obj;
  beforeAll(async () => {
    const namespace = await cleanup.namespace('scale-out');
    cr = await create(
      variant(aistore(namespace, 51081), (o) => {
        const targetSpec = (o.spec as { targetSpec: Record<string, unknown> }).targetSpec;
        targetSpec.size = 1;
        // Not pinned to one host: the scheduler can give each target a node (the host port keeps
        // them apart), so a scale-out can work.
        delete targetSpec.nodeSelector;
      }),
    );
  });
  const targetSpec = (extra: Record<string, unknown>) => ({ spec: { targetSpec: extra } });

  it('is admitted on CREATE with nothing to say: a real host port keeps its targets one per node', () => {
    expect(cr.metadata.uid).toBeDefined();
    // Reviews the guard acted on are logged at info, clean ones not: no target-host-port finding.
    const rules = guard
      .reviews('AIStore', cr.metadata.namespace, 'ais')
      .flatMap((r) => (Array.isArray(r.rules) ? (r.rules as string[]) : []));
    expect(rules.filter((r) => r.startsWith('target-host-port'))).toEqual([]);
  });

  it('scales out: the hostPort, which the operator never lets change, is warned of, not refused', async () => {
    const scaled = await mergePatch(cr, targetSpec({ size: 2 }));
    expect((scaled.spec as { targetSpec: { size: number } }).targetSpec.size).toBe(2);
  });

  it('a changed hostPort on the same scale-out is refused (control)', async () => {
    const rejection = await rejected(mergePatch(cr, targetSpec({ size: 3, hostPort: 9999 })));
    expect(rejection.message).toMatch(/target-host-port/);
  });
});
