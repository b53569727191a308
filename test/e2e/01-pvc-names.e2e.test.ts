// Issue 6, scenario 1: target data claim names, judged by the guard behind a real apiserver. The
// claim is named after the namespace (the old AIStore doc's wording) in namespace ais-prod for CR
// ais: denied with the name the StatefulSet will really use. Claims outside AIStore: untouched.
import { fixtureObjects, ofKind, place, variant, yamlStream } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import { Cleanup, create, eventually, read, rejected, type Obj } from './support/kube.js';
import { kubectl } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'pvc-names' });
});
afterAll(() => cleanup.run());

const claim = (base: Obj, name: string, labels?: Record<string, string>): Obj =>
  variant(base, (o) => {
    o.metadata.name = name;
    if (labels) o.metadata.labels = labels;
    else delete o.metadata.labels;
  });

describe('in namespace ais-prod with AIStore CR ais', () => {
  const namespace = 'ais-prod';
  // Fixture 06: the CR "ais" in ais-prod, and the claim named the old doc's way.
  const [cr, misnamed] = fixtureObjects('06').map((o) => place(o, { namespace, node: 'pvc-names-node' })) as [
    Obj,
    Obj,
  ];

  beforeAll(async () => {
    await cleanup.namespace(namespace, namespace);
    await create(cr);
    // The guard learns of the CR through its informer: until then the claim can only be warned about.
    await eventually('the guard judges claims against CR ais', async () => {
      const rejection = await rejected(create(misnamed, { dryRun: true }));
      if (!rejection.message.includes('[pvc-name]')) throw new Error(rejection.message);
    });
  });

  it('rejects ais-prod-data-aistore-ais-target-0, naming ais-data-aistore-ais-target-0', async () => {
    const rejection = await rejected(create(misnamed));
    expect(rejection.code).toBe(403);
    expect(rejection.message).toContain(
      // A claim with the selector labels only carries no operator evidence: the Ignore entry sends it.
      'admission webhook "storage-by-name.validate.ais-guard.io" denied the request: ' +
        'ais-guard denied PersistentVolumeClaim ais-prod/ais-prod-data-aistore-ais-target-0: [pvc-name]',
    );
    expect(rejection.message).toContain('pod ais-target-0 claims "ais-data-aistore-ais-target-0"');
    expect(rejection.message).toContain("the old AIStore doc's <namespace>-<path>-<pod> wording");
    expect(rejection.message).toContain('Fix: Name it ais-data-aistore-ais-target-0.');
    expect(await read(misnamed)).toBeUndefined();

    // The same through kubectl, as the user sees it.
    const result = await kubectl(['create', '-f', '-'], yamlStream([misnamed]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (Forbidden)');
    expect(result.stderr).toContain('Fix: Name it ais-data-aistore-ais-target-0.');
    expect(await read(misnamed)).toBeUndefined();
    expect(guard.reviews('PersistentVolumeClaim', namespace, misnamed.metadata.name)).toEqual(
      expect.arrayContaining([expect.objectContaining({ verdict: 'denied', rules: ['pvc-name=deny'] })]),
    );
  });

  it('admits ais-data-aistore-ais-target-0 and stores it', async () => {
    const correct = claim(misnamed, 'ais-data-aistore-ais-target-0', misnamed.metadata.labels);
    const result = await kubectl(['create', '-f', '-'], yamlStream([correct]));
    expect(result.stderr).not.toContain('Error');
    expect(result.stdout.trim()).toBe('persistentvolumeclaim/ais-data-aistore-ais-target-0 created');
    // Judged, not skipped: no PV is pre-bound to it yet, which the guard says.
    expect(result.stderr).toMatch(
      /Warning: ais-guard target-disk-binding https:\S+#target-disk-binding: no PV is pre-bound to claim/,
    );
    const stored = await read(correct);
    expect(stored?.metadata.labels).toEqual(correct.metadata.labels);
  });

  // k8s stateful_set_utils.go getPersistentVolumeClaimName writes the ordinal with %d: a PV pre-bound
  // to "-target-01" would stay Available while ais-target-1's claim waits for a disk.
  it('rejects a PV pre-bound to ais-data-aistore-ais-target-01, naming ais-data-aistore-ais-target-1', async () => {
    const [disk] = ofKind('04', 'PersistentVolume', { namespace, node: 'pvc-names-node' });
    const padded = variant(disk as Obj, (o) => {
      o.metadata.name = 'pvc-names-padded-ordinal';
      (o.spec as { claimRef: { name: string } }).claimRef.name = 'ais-data-aistore-ais-target-01';
    });
    const rejection = await rejected(create(padded));
    expect(rejection.code).toBe(403);
    expect(rejection.message).toContain(
      'ais-guard denied PersistentVolume pvc-names-padded-ordinal: [pv-target-binding]',
    );
    expect(rejection.message).toContain('no leading zero ("-target-1", never "-target-01")');
    expect(rejection.message).toContain('Fix: Set spec.claimRef.name to ais-data-aistore-ais-target-1.');
    expect(await read(padded)).toBeUndefined();
  });

  it('leaves a claim that is not a target claim alone', async () => {
    const scratch = claim(misnamed, 'scratch');
    const result = await kubectl(['create', '-f', '-'], yamlStream([scratch]));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const stored = (await read(scratch)) as Obj & { spec: { volumeName?: string } };
    expect(stored.metadata.annotations).toBeUndefined();
    expect(stored.spec.volumeName).toBeUndefined();
    // Not even sent: the webhooks' matchConditions select target claims only.
    expect(guard.reviews('PersistentVolumeClaim', namespace, 'scratch')).toEqual([]);
  });
});

it('leaves claims in a namespace without an AIStore CR alone, even one named like a target claim', async () => {
  const namespace = await cleanup.namespace('no-aistore');
  const [, base] = fixtureObjects('06').map((o) => place(o, { namespace, node: 'pvc-names-node' })) as [
    Obj,
    Obj,
  ];
  // An ordinary StatefulSet's claim, and an unlabelled claim whose name ends in -ais-target-0
  // (sent to the guard by the matchConditions, but there is no CR "ais" here).
  const claims = [claim(base, 'data-postgres-0'), claim(base, 'ais-data-aistore-ais-target-0')];
  const result = await kubectl(['create', '-f', '-'], yamlStream(claims));
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  for (const c of claims) {
    const stored = (await read(c)) as Obj & { spec: { volumeName?: string } };
    expect(stored.metadata.annotations).toBeUndefined();
    expect(stored.spec.volumeName).toBeUndefined();
    expect(guard.reviews('PersistentVolumeClaim', namespace, c.metadata.name)).toEqual([]);
  }
});
