// The manifest the guard corrected on CREATE, sent again unchanged as an UPDATE (kubectl replace,
// a server-side apply or GitOps sync that owns the fields it sends): the stored
// targetSpec.disablePodAntiAffinity: true is kept (the operator's webhook rejects any targetSpec
// change on UPDATE, internal/webhook/aistore/v1beta1/aistore_webhook.go validateTargetUpdate). The
// mutating configuration's matchConditions send only that update: a label change never reaches /mutate.
import type { KubernetesObject } from '@kubernetes/client-node';
import { one, variant } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import { Cleanup, create, eventually, mergePatch, objects, read, type Obj } from './support/kube.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;
let manifest: Obj;

const antiAffinityOff = (o: Obj | undefined) =>
  (o?.spec as { targetSpec?: { disablePodAntiAffinity?: unknown } } | undefined)?.targetSpec
    ?.disablePodAntiAffinity;

/** The guard's /mutate reviews of the CR, by operation. */
const mutateReviews = (operation: string) =>
  guard
    .reviews('AIStore', manifest.metadata.namespace, manifest.metadata.name)
    .filter((l) => l.endpoint === 'mutate' && l.operation === operation);

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'reapply' });
  const namespace = await cleanup.namespace('reapply');
  // Fixture 01 pins both targets to one host; without the field the guard turns anti-affinity off.
  manifest = variant(one('01', { namespace, node: `${namespace}-node` }), (o) => {
    delete (o.spec as { targetSpec: Record<string, unknown> }).targetSpec.disablePodAntiAffinity;
  });
  await eventually('the guard corrects the CR on CREATE', async () => {
    const created = await create(manifest);
    expect(antiAffinityOff(created)).toBe(true);
  });
});
afterAll(() => cleanup.run());

it('keeps the stored true when the unchanged manifest is sent again as an UPDATE', async () => {
  const stored = (await read(manifest)) as Obj;
  const again = {
    ...manifest,
    metadata: { ...manifest.metadata, resourceVersion: stored.metadata.resourceVersion },
  };
  const replaced = (await objects.replace(again as KubernetesObject)) as Obj;
  expect(antiAffinityOff(replaced)).toBe(true);
  expect(antiAffinityOff(await read(manifest))).toBe(true);
  await eventually('the guard logged the UPDATE it patched', () =>
    expect(mutateReviews('UPDATE')).toEqual([expect.objectContaining({ verdict: 'patched' })]),
  );
});

/** The reviews /mutate answered, from the guard's own counter (counted before the answer leaves). */
async function mutateCount(): Promise<number> {
  const { body } = await guard.get('/metrics');
  return [...body.matchAll(/^ais_guard_reviews_total\{[^}]*endpoint="mutate"[^}]*\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

it('is not sent any other update: a label change never reaches /mutate', async () => {
  const before = await mutateCount();
  expect(before).toBeGreaterThan(0);
  await mergePatch(manifest, { metadata: { labels: { team: 'storage' } } });
  expect((await read(manifest))?.metadata.labels).toEqual(expect.objectContaining({ team: 'storage' }));
  // The apiserver calls /mutate before it answers the patch: a sent review would be counted by now.
  expect(await mutateCount()).toBe(before);
});
