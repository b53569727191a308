// Issue 6, scenario 3: `kubectl apply --dry-run=server` goes through the webhooks (sideEffects:
// None) with request.dryRun set. A bad manifest set is rejected, a good one admitted, and neither
// is persisted; the guard's log line for each of those reviews carries "dryRun":true.
import { one, ofKind, variant, yamlStream } from './support/fixtures.js';
import type { Guard, LogLine } from './support/guard.js';
import { Cleanup, create, eventually, read, rejected, type Obj } from './support/kube.js';
import { kubectl } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;
let namespace: string;
let place: { namespace: string; node: string };

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'dry-run' });
  namespace = await cleanup.namespace('dry-run');
  place = { namespace, node: `${namespace}-node` };
  // The cluster the manifests are applied to already runs CR "ais" (so claims are judged by name).
  await create(one('01', place));
  const misnamed = misnamedClaim();
  await eventually('the guard judges claims against CR ais', async () => {
    const rejection = await rejected(create(misnamed, { dryRun: true }));
    if (!rejection.message.includes('[pvc-name]')) throw new Error(rejection.message);
  });
});
afterAll(() => cleanup.run());

/** Fixture 05's claim for target 0, named after the namespace (the old doc's wording). */
function misnamedClaim(): Obj {
  return variant(one('05', place), (o) => {
    o.metadata.name = `${namespace}-data-aistore-ais-target-0`;
  });
}

/** A second CR of the same layout, so the set has an AIStore of its own. */
function secondCr(fixture: '01' | '02'): Obj {
  return variant(one(fixture, place), (o) => {
    o.metadata.name = 'ais2';
  });
}

const key = (o: Obj) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The guard's review lines for an object on one endpoint. */
function reviewsOf(o: Obj, endpoint: 'validate' | 'mutate'): LogLine[] {
  return guard.reviews(o.kind, o.metadata.namespace, o.metadata.name).filter((l) => l.endpoint === endpoint);
}

async function applyDryRun(objs: Obj[]) {
  const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], yamlStream(objs));
  for (const o of objs) expect({ [key(o)]: await read(o) }).toEqual({ [key(o)]: undefined });
  return result;
}

it('rejects a bad set: hostPort StatefulSet, hostPort CR, misnamed claim; persists nothing', async () => {
  const bad = [one('08', place), secondCr('02'), misnamedClaim()];
  const result = await applyDryRun(bad);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(
    `admission webhook "storage.validate.ais-guard.io" denied the request: ais-guard denied StatefulSet ${namespace}/ais-target: [target-host-port]`,
  );
  expect(result.stderr).toContain(
    `admission webhook "aistores.validate.ais-guard.io" denied the request: ais-guard denied AIStore ${namespace}/ais2: [target-host-port]`,
  );
  expect(result.stderr).toContain(
    `admission webhook "storage-by-name.validate.ais-guard.io" denied the request: ais-guard denied PersistentVolumeClaim ${namespace}/${namespace}-data-aistore-ais-target-0: [pvc-name]`,
  );
  // The guard saw each as a dry run.
  for (const o of bad)
    await eventually(`log of ${key(o)}`, () =>
      expect(reviewsOf(o, 'validate')).toEqual(
        expect.arrayContaining([expect.objectContaining({ verdict: 'denied', dryRun: true })]),
      ),
    );
});

it('admits a good set (second CR, its disks, a claim, its StatefulSet), correcting the CR; persists nothing', async () => {
  // Everything for CR ais2: PVs pre-bound to its claims, its claim for target 0, its StatefulSet.
  const pvs = ofKind('04', 'PersistentVolume', place).map((pv) =>
    variant(pv, (o) => {
      o.metadata.name = o.metadata.name.replace('-pv-ais-', '-pv-ais2-');
      const claimRef = (o.spec as { claimRef: { name: string } }).claimRef;
      claimRef.name = claimRef.name.replaceAll('ais', 'ais2');
    }),
  );
  const claim = variant(one('05', place), (o) => {
    o.metadata.name = 'ais2-data-aistore-ais2-target-0';
    o.metadata.labels = { 'app.kubernetes.io/name': 'ais2', 'app.kubernetes.io/component': 'target' };
  });
  // The operator's rendering for CR ais2: labels, StatefulSet and claim template named after it.
  const text = JSON.stringify(one('07', place))
    .replaceAll('"ais"', '"ais2"')
    .replaceAll('"ais-target"', '"ais2-target"')
    .replaceAll('"ais-data-aistore"', '"ais2-data-aistore"');
  const statefulSet = JSON.parse(text) as Obj;
  // The CR leaves anti-affinity on although both targets are pinned to one node: the guard's
  // mutating webhook turns it off, in the dry run too, and says so.
  const cr = variant(secondCr('01'), (o) => {
    delete (o.spec as { targetSpec: { disablePodAntiAffinity?: boolean } }).targetSpec.disablePodAntiAffinity;
  });
  const good = [cr, ...pvs, claim, statefulSet];
  const result = await applyDryRun(good);
  expect(result.stderr).not.toContain('Error');
  expect(result.code).toBe(0);
  expect(result.stdout.trim().split('\n').sort()).toEqual(
    [
      'aistore.ais.nvidia.com/ais2 created (server dry run)',
      ...pvs.map((pv) => `persistentvolume/${pv.metadata.name} created (server dry run)`),
      'persistentvolumeclaim/ais2-data-aistore-ais2-target-0 created (server dry run)',
      'statefulset.apps/ais2-target created (server dry run)',
    ].sort(),
  );
  // Whole, through the real apiserver: its 256-character cut only applies past 4,096 per request
  // (README, "Warnings as kubectl prints them").
  expect(result.stderr).toMatch(
    /Warning: ais-guard anti-affinity-not-disabled https:\S+#anti-affinity-not-disabled: multi-target layout \(.+\), but target anti-affinity was on: every target after the first on a node would stay Pending .+ Fix: Write spec\.targetSpec\.disablePodAntiAffinity: true in your manifest\.\n/,
  );
  await eventually('log of the CR', () =>
    expect(reviewsOf(cr, 'mutate')).toEqual([
      expect.objectContaining({
        verdict: 'patched',
        dryRun: true,
        rules: ['anti-affinity-not-disabled=warn'],
      }),
    ]),
  );
});

// Values the operator's Go types refuse (src/policy/operator-decoding.ts): the CRD gives a uint8 no
// range, Kubernetes before 1.36 holds format int32 to none, and a duration is any string to it, so
// this apiserver (v1.33) stores all three; the operator could not decode the CR. The guard names
// each.
it('admits a CR holding values the operator cannot decode, and names each', async () => {
  const cr = variant(secondCr('01'), (o) => {
    const spec = o.spec as { configToUpdate?: unknown; proxySpec: { probes?: unknown } };
    spec.configToUpdate = { keepalivetracker: { retry_factor: 256 }, timeout: { max_keepalive: '4' } };
    spec.proxySpec.probes = { liveness: { periodSeconds: 2147483648 } };
  });
  const result = await applyDryRun([cr]);
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toBe('aistore.ais.nvidia.com/ais2 created (server dry run)');
  // One warning names them all, whole.
  expect(result.stderr).toMatch(
    /Warning: ais-guard operator-refuses-spec \S+: spec\.configToUpdate\.keepalivetracker\.retry_factor 256 is no uint8 \(0 to 255\); spec\.configToUpdate\.timeout\.max_keepalive "4" is no Go duration: no unit after the number; spec\.proxySpec\.probes\.liveness\.periodSeconds 2147483648 is no int32 \(-2147483648 to 2147483647\): the operator's Go types cannot hold them, .+ Fix: .+ 1m30s or 2h\.\n/,
  );
});
