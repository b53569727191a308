// A cluster first deployed by ais-operator v3.2.0 or older and upgraded since: its target StatefulSet
// has no app.kubernetes.io/managed-by label (the operator added it in v3.3.0, and v3.4.0 never puts
// it on a StatefulSet made before: it syncs only the pod template, target_controllers.go), only the
// target labels and its CR as owner. The guard's StatefulSet informer must still see it, or it counts
// the CR's size alone: with the CR lowered to 2 while the StatefulSet still runs 3 targets (a
// scale-down in flight), the claim the StatefulSet controller makes for target 2 was denied, and
// that target could not start again. (Since review core23, pvc-name only warns of a claim past the
// target count: the StatefulSet controller uses an existing claim after a scale-out, so no such claim
// is denied any more, and the control below shows the claim admitted too.)
import { one, ownedByCR, variant } from './support/fixtures.js';
import { Cleanup, create, eventually, core, type Obj } from './support/kube.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();

beforeAll(async () => {
  await installAistoreCrd();
  await guardFor(cleanup, { name: 'operator-upgrade' });
});
afterAll(() => cleanup.run());

const CONTROLLER_WAIT = { timeoutMs: 90_000 };
const CLAIM_2 = 'ais-data-aistore-ais-target-2';

/** Fixture 07 as an operator before v3.3.0 made it, at 3 replicas; owned by `cr` when given. */
function olderOperatorStatefulSet(namespace: string, cr?: Obj): Obj {
  return variant(one('07', { namespace, node: `${namespace}-node` }), (o) => {
    delete o.metadata.labels?.['app.kubernetes.io/managed-by'];
    (o.spec as { replicas: number }).replicas = 3;
    if (cr) o.metadata.ownerReferences = ownedByCR(cr);
  });
}

async function claimNames(namespace: string): Promise<string[]> {
  const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
  return claims.items.map((c) => c.metadata?.name ?? '').sort();
}

it('counts the replicas of a target StatefulSet made before operator v3.3.0 (no managed-by label, owned by its CR)', async () => {
  const namespace = await cleanup.namespace('upgraded');
  const place = { namespace, node: `${namespace}-node` };
  const cr = await create(one('01', place)); // targetSpec.size: 2
  // With nothing but the CR, a claim for a third target is over its size: warned of, admitted.
  const claim = variant(one('05', place), (o) => {
    o.metadata.name = CLAIM_2;
  });
  await create(claim, { dryRun: true });

  await create(olderOperatorStatefulSet(namespace, cr));
  await eventually(
    'the StatefulSet controller creates the claims of all 3 targets',
    async () =>
      expect(await claimNames(namespace)).toEqual([
        'ais-data-aistore-ais-target-0',
        'ais-data-aistore-ais-target-1',
        CLAIM_2,
      ]),
    CONTROLLER_WAIT,
  );
});

it('still counts the CR alone beside a StatefulSet of that name with no operator evidence (control)', async () => {
  const namespace = await cleanup.namespace('not-operator');
  await create(one('01', { namespace, node: `${namespace}-node` }));
  await create(olderOperatorStatefulSet(namespace));
  // The guard does not keep this StatefulSet and counts the CR's 2 targets: claim 2 is past the
  // count, which is warned of, not denied (the StatefulSet controller reuses it after a scale-out).
  await eventually(
    'the StatefulSet controller creates the claims of all 3 targets',
    async () => expect(await claimNames(namespace)).toContain(CLAIM_2),
    CONTROLLER_WAIT,
  );
});
