// Issue 6, scenario 6: what the webhook configurations do when the guard is down (docs/deploy.md,
// "failurePolicy"): AIStore CRs, the operator's StatefulSets and pre-bound PVs fail closed, claims
// without operator evidence and target pods fail open,
// metadata-only updates never wait on the guard; kube-system, non-AIStore objects and the guard's
// own namespace are never intercepted at all.
import { readFileSync } from 'node:fs';
import { APISERVER_LOG } from './support/env.js';
import { at, ofKind, one, variant } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import {
  attempt,
  Cleanup,
  core,
  create,
  eventually,
  mergePatch,
  read,
  rejected,
  type Obj,
} from './support/kube.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;
let namespace: string;
let place: { namespace: string; node: string };
/** CR ais, stored while the guard was up. */
let cr: Obj;
/** Where the rendered configurations say the guard lives (deploy/base: namespace ais-guard). */
const OWN = 'ais-guard';

beforeAll(async () => {
  await installAistoreCrd();
  // As the Deployment runs it: AIS_GUARD_NAMESPACE from the downward API.
  guard = await guardFor(cleanup, { name: 'failure-policy', env: { AIS_GUARD_NAMESPACE: OWN } });
  namespace = await cleanup.namespace('failure-policy');
  place = { namespace, node: `${namespace}-node` };
  cr = await create(one('01', place));
  await create(one('07', place)); // the target StatefulSet; its controller makes the claims
  const own = await attempt(core.createNamespace({ body: { metadata: { name: OWN } } }));
  if (!own.ok && own.rejection.code !== 409) throw new Error(own.rejection.message);
});
afterAll(() => cleanup.run());

/** Fixture 09's target pod, renamed (the StatefulSet owns ais-target-0/1) and without an owner. */
function targetPod(ns: string, name: string): Obj {
  return variant(one('09', { namespace: ns, node: place.node }), (o) => {
    o.metadata.name = name;
    delete o.metadata.ownerReferences;
  });
}

/** A claim for target 0 named after the namespace (the pvc-name mistake). */
function misnamedClaim(ns: string): Obj {
  return variant(one('05', { namespace: ns, node: place.node }), (o) => {
    o.metadata.name = `${ns}-data-aistore-ais-target-0`;
  });
}

const failedCalling = (webhook: string) =>
  expect.stringContaining(`failed calling webhook "${webhook}.ais-guard.io": failed to call webhook`);

it("never intercepts the guard's own namespace, even for objects it would deny", async () => {
  const hostPortCr = one('02', { namespace: OWN, node: place.node });
  // Anywhere else, the guard denies this CR.
  const control = variant(one('02', place), (o) => {
    o.metadata.name = 'ais-hostport';
  });
  expect((await rejected(create(control, { dryRun: true }))).message).toContain(
    `ais-guard denied AIStore ${namespace}/ais-hostport: [target-host-port]`,
  );
  await cleanup.createOwned(hostPortCr);
  await cleanup.createOwned(misnamedClaim(OWN));
  expect(guard.logs().filter((l) => l.namespace === OWN)).toEqual([]);
});

describe('with the guard stopped', () => {
  beforeAll(async () => {
    expect(await guard.stop()).toBe(0);
  });

  it('rejects creating an AIStore CR (aistores.validate: Fail)', async () => {
    const other = await cleanup.namespace('failure-policy-cr');
    const rejection = await rejected(create(one('01', { namespace: other, node: place.node })));
    expect(rejection.code).toBe(500);
    expect(rejection.message).toEqual(failedCalling('aistores.validate'));
    expect(rejection.message).toContain('connection refused');
  });

  it('rejects a spec change of the CR, passes metadata-only updates (labels, annotations, finalizers)', async () => {
    const spec = await rejected(mergePatch(cr, { spec: { targetSpec: { size: 3 } } }));
    expect(spec.message).toEqual(failedCalling('aistores.validate'));
    const labelled = await mergePatch(cr, {
      metadata: {
        labels: { down: 'yes' },
        annotations: { 'e2e/note': 'guard down' },
        finalizers: ['e2e.ais-guard.io/hold'],
      },
    });
    expect(labelled.metadata.labels).toEqual({ down: 'yes' });
    const released = await mergePatch(cr, { metadata: { finalizers: null } });
    expect(released.metadata.finalizers).toBeUndefined();
  });

  it('rejects a PV pre-bound to a target claim (volumes.validate: Fail), admits a hand-made claim (no operator evidence: Ignore)', async () => {
    const other = await cleanup.namespace('failure-policy-storage');
    const elsewhere = { namespace: other, node: place.node };
    const pv = ofKind('04', 'PersistentVolume', elsewhere)[0] as Obj;
    expect((await rejected(create(pv))).message).toEqual(failedCalling('volumes.validate'));
    expect(await read(pv)).toBeUndefined();
    // The selector labels are what any StatefulSet's claims carry: no evidence, so it fails open.
    const claim = variant(one('05', elsewhere), (o) => {
      o.metadata.name = 'ais-data-aistore-ais-target-0';
    });
    await create(claim);
    await eventually('the apiserver logs storage-by-name.validate failing open', () =>
      expect(readFileSync(APISERVER_LOG, 'utf8')).toContain(
        'failing open storage-by-name.validate.ais-guard.io: failed calling webhook',
      ),
    );
  });

  it('rejects a spec change of the target StatefulSet, passes label changes of it and its claims', async () => {
    const statefulSet = one('07', place);
    expect((await rejected(mergePatch(statefulSet, { spec: { replicas: 3 } }))).message).toEqual(
      failedCalling('storage.validate'),
    );
    await mergePatch(statefulSet, { metadata: { labels: { down: 'yes' } } });
    const claim = variant(one('05', place), (o) => {
      o.metadata.name = 'ais-data-aistore-ais-target-0'; // made by the StatefulSet controller
    });
    const labelled = await mergePatch(claim, { metadata: { labels: { down: 'yes' } } });
    expect(labelled.metadata.labels?.down).toBe('yes');
  });

  it("admits a target pod (pods.validate: Ignore), stored without the guard's changes", async () => {
    const pod = targetPod(namespace, 'ais-target-7');
    const stored = await cleanup.createOwned(pod);
    expect(stored.metadata.annotations?.['ais-guard/disks']).toBeUndefined();
    expect(at(stored, 'spec.affinity')).toBeUndefined();
    // Sent, and failed open (not merely never sent): the apiserver logs each failed call.
    for (const webhook of ['pods.mutate', 'pods.validate'])
      await eventually(`the apiserver logs ${webhook} failing open`, () =>
        expect(readFileSync(APISERVER_LOG, 'utf8')).toContain(
          `failing open ${webhook}.ais-guard.io: failed calling webhook "${webhook}.ais-guard.io": failed to call webhook: Post "${guard.url}/`,
        ),
      );
  });

  it('admits AIStore objects in kube-system (never sent: namespaceSelector)', async () => {
    const system = { namespace: 'kube-system', node: place.node };
    await cleanup.createOwned(one('02', system)); // a CR with targetSpec.hostPort
    await cleanup.createOwned(misnamedClaim('kube-system'));
    await cleanup.createOwned(targetPod('kube-system', 'ais-target-0'));
  });

  it('admits objects that are not AIStore targets (never sent: matchConditions)', async () => {
    const base = one('05', place);
    const plainClaim = variant(base, (o) => {
      o.metadata.name = 'scratch';
      delete o.metadata.labels;
    });
    const plainPod = variant(targetPod(namespace, 'web-0'), (o) => {
      o.metadata.labels = { app: 'web' };
    });
    // An ordinary StatefulSet: no target labels, not named *-target.
    const plainStatefulSet = variant(one('07', place), (o) => {
      const labels = { app: 'web' };
      const spec = o.spec as {
        serviceName: string;
        selector: { matchLabels: object };
        template: { metadata: { labels: object } };
      };
      o.metadata.name = spec.serviceName = 'web';
      o.metadata.labels = labels;
      spec.selector.matchLabels = spec.template.metadata.labels = labels;
    });
    for (const o of [plainClaim, plainPod, plainStatefulSet]) await create(o);
  });

  it('admits what the guard would deny in its own namespace (namespaceSelector)', async () => {
    const ownPlace = { namespace: OWN, node: place.node };
    const hostPortCr = variant(one('02', ownPlace), (o) => {
      o.metadata.name = 'ais-down';
    });
    await cleanup.createOwned(hostPortCr);
    await cleanup.createOwned(
      variant(misnamedClaim(OWN), (o) => {
        o.metadata.name = `${OWN}-data-aistore-ais-down-target-0`;
      }),
    );
  });
});
