// What a real apiserver does with the removed top-level spec.disablePodAntiAffinity (fixture 03)
// before the guard could see it, which decides whether rule legacy-anti-affinity-field can ever fire
// in the webhook. The AIStore CRD is structural: the field is unknown to its schema.
//   - strict field validation (kubectl's default): the request is rejected before admission;
//   - warn/ignore (kubectl --validate=warn|false, and API clients that do not ask for strict):
//     the field is pruned while decoding, before admission: the guard never sees it.
// `ais-guard check` (offline, before apply) is where that rule can still fire.
import { at, one, variant, yamlStream } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import { Cleanup, create, createReadyNode, read, type Obj } from './support/kube.js';
import { aisGuard, kubectl } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'legacy-field' });
});
afterAll(() => cleanup.run());

const LEGACY_RULE = 'legacy-anti-affinity-field';
const legacy = (o: Obj | undefined) => at(o, 'spec.disablePodAntiAffinity');
const targetDisable = (o: Obj | undefined) => at(o, 'spec.targetSpec.disablePodAntiAffinity');
const rulesSeen = (o: Obj) =>
  guard.reviews(o.kind, o.metadata.namespace, o.metadata.name).flatMap((l) => (l.rules as string[]) ?? []);

it('offline, ais-guard check moves the legacy field (the case the webhook cannot see)', async () => {
  const cr = one('03', { namespace: 'ais', node: 'storage-node-01' });
  const result = await aisGuard(['check', '-'], yamlStream([cr]));
  expect(result.stdout).toContain(`WARN  ${LEGACY_RULE}`);
});

it('kubectl apply (strict field validation): rejected by the apiserver, the guard is never called', async () => {
  const namespace = await cleanup.namespace('legacy-strict');
  const cr = one('03', { namespace, node: `${namespace}-node` });
  const result = await kubectl(['apply', '-f', '-'], yamlStream([cr]));
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('strict decoding error: unknown field "spec.disablePodAntiAffinity"');
  expect(await read(cr)).toBeUndefined();
  expect(guard.reviews('AIStore', namespace, 'ais')).toEqual([]);
});

it('kubectl apply --validate=warn: pruned before admission; another signal still turns anti-affinity off', async () => {
  const namespace = await cleanup.namespace('legacy-warn');
  // Fixture 03 pins both targets to one host: multi-target by nodeSelector, whatever the legacy field.
  const cr = one('03', { namespace, node: `${namespace}-node` });
  const result = await kubectl(['apply', '--validate=warn', '-f', '-'], yamlStream([cr]));
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('Warning: unknown field "spec.disablePodAntiAffinity"');
  expect(result.stderr).toContain('Warning: ais-guard anti-affinity-not-disabled');
  const stored = await read(cr);
  expect(legacy(stored)).toBeUndefined();
  expect(targetDisable(stored)).toBe(true);
  expect(rulesSeen(cr)).toContain('anti-affinity-not-disabled=warn');
  expect(rulesSeen(cr).filter((r) => r.startsWith(LEGACY_RULE))).toEqual([]);
  // The only trace of what the user wrote: kubectl's last-applied annotation.
  const lastApplied = JSON.parse(
    stored?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}',
  );
  expect(legacy(lastApplied)).toBe(true);
});

it('an API client without strict validation: pruned silently, anti-affinity stays on', async () => {
  const namespace = await cleanup.namespace('legacy-client');
  // Two Ready nodes known to the guard and no nodeSelector: nothing but the legacy field says
  // "several targets per node".
  for (const n of ['a', 'b']) await createReadyNode(cleanup, `${namespace}-${n}`);
  const cr = variant(one('03', { namespace, node: `${namespace}-node` }), (o) => {
    delete (o.spec as { targetSpec: { nodeSelector?: unknown } }).targetSpec.nodeSelector;
  });
  expect(legacy(cr)).toBe(true);
  const created = await create(cr);
  expect(legacy(created)).toBeUndefined();
  expect(targetDisable(created)).toBeUndefined();
  expect(rulesSeen(cr)).toEqual([]);
});
