// Fault 6: lockout safety of the rendered webhook configurations (base and both overlays, in the
// default namespace and another one). A guard that is down or broken must never stand between the
// cluster and kube-system, kube-public, kube-node-lease or its own namespace (namespaceSelector),
// and everything that is not an AIStore object must be filtered before the call is made
// (matchConditions, evaluated here with a CEL implementation as the apiserver evaluates them).
// A CEL error counts as a webhook failure (a rejected request on a Fail entry), so no condition
// may fail to evaluate, on any sample or on any variant with fields missing.
import { describe, expect, it } from '@jest/globals';
import { celEnv, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseSource } from '../../src/cli/load.js';
import { OVERLAYS, renderManifests, type Overlay } from '../../src/deploy/index.js';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { crFromClaimShape } from '../../src/policy/aistore.js';
import { managedByOperator, ownerAIStore } from '../../src/policy/recognise.js';
import {
  aistore,
  claimName,
  discoveredDisk,
  node,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { paths } from '../support/mutate.js';
import { FIXTURE_FILES, FIXTURES } from '../support/fixtures.js';
import { record } from './support/report.js';

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Webhook {
  name: string;
  failurePolicy?: string;
  namespaceSelector?: Selector;
  objectSelector?: Selector;
  rules: { resources: string[]; operations: string[]; scope?: string }[];
  matchConditions?: { name: string; expression: string }[];
}
interface Config {
  kind: string;
  metadata: { name: string };
  webhooks: Webhook[];
}

const SYSTEM = ['kube-system', 'kube-public', 'kube-node-lease'];
const RESOURCE: Record<string, string> = {
  AIStore: 'aistores',
  Pod: 'pods',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  StatefulSet: 'statefulsets',
  ConfigMap: 'configmaps',
  Deployment: 'deployments',
  Secret: 'secrets',
};

/** A Kubernetes label selector, as the apiserver applies it (an empty one selects everything). */
function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const ok = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    ok &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = key in labels;
      if (operator === 'In') return has && values.includes(labels[key] as string);
      if (operator === 'NotIn') return !has || !values.includes(labels[key] as string);
      if (operator === 'Exists') return has;
      if (operator === 'DoesNotExist') return !has;
      throw new Error(`unknown operator ${operator}`);
    })
  );
}

/** JSON as CEL sees it: objects are maps (undefined members dropped, as JSON drops them), and
 * `has()` on a missing field is false. */
function cel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(cel);
  if (value && typeof value === 'object')
    return new Map(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, cel(v)]),
    );
  return value as CelInput;
}

interface Call {
  object: KubeObject;
  oldObject?: KubeObject;
  operation: 'CREATE' | 'UPDATE';
}

const conditionErrors: string[] = [];

// Kubernetes CEL has the strings extension (split, substring, lastIndexOf) on top of the standard library.
const env = celEnv({ funcs: strings });
const programs = new Map<string, ReturnType<typeof plan>>();
function run(expression: string, vars: Record<string, CelInput>) {
  let program = programs.get(expression);
  if (!program) programs.set(expression, (program = plan(env, parse(expression))));
  return program(vars);
}

/** Whether the apiserver sends this request to this webhook entry (before any call is made). */
function sent(hook: Webhook, call: Call): boolean {
  const resource = RESOURCE[call.object.kind as string] ?? 'unknown';
  const ruled = hook.rules.some(
    (r) => r.resources.includes(resource) && r.operations.includes(call.operation),
  );
  if (!ruled) return false;
  const ns = call.object.metadata?.namespace;
  // The apiserver sets kubernetes.io/metadata.name on every namespace; cluster-scoped objects skip this.
  if (ns !== undefined && !selects(hook.namespaceSelector, { 'kubernetes.io/metadata.name': ns }))
    return false;
  if (!selects(hook.objectSelector, call.object.metadata?.labels ?? {})) return false;
  const vars = {
    object: cel(call.object),
    oldObject: call.oldObject ? cel(call.oldObject) : (null as unknown as CelInput),
    request: cel({
      operation: call.operation,
      resource: { group: '', version: 'v1', resource },
      namespace: ns ?? '',
    }),
  };
  return (hook.matchConditions ?? []).every((c) => {
    const result = run(c.expression, vars);
    if (isCelError(result) || typeof result !== 'boolean') {
      conditionErrors.push(
        `${hook.name}/${c.name} on ${call.object.kind} ${call.object.metadata?.name}: ${String(result)}`,
      );
      return true; // as an error would: the call is attempted (and fails per failurePolicy)
    }
    return result;
  });
}

const webhooksOf = (objects: unknown[]) =>
  (objects as Config[]).filter((o) => /WebhookConfiguration$/.test(o.kind)).flatMap((c) => c.webhooks);

const RENDERS: [Overlay, string | undefined][] = OVERLAYS.flatMap((o) => [
  [o, undefined],
  [o, 'guard-ops'],
]);

const fixtureObjects = FIXTURE_FILES.flatMap(
  (f) => parseSource(f, readFileSync(`${FIXTURES}/${f}`, 'utf8'), []).manifests,
).map((m) => m.object);
const TARGETS: KubeObject[] = [
  ...fixtureObjects,
  aistore({ namespace: 'team-a' }),
  targetPod({ ordinal: 3 }),
  {
    ...targetPod(),
    metadata: { name: 'legacy-0', namespace: 'ais', labels: { component: 'target', app: 'ais' } },
  },
  targetStatefulSet(),
  { ...targetStatefulSet(), metadata: { name: 'ais-target', namespace: 'ais' } }, // unlabelled
  pvc(claimName(0)),
  pvc(claimName(1), { labels: null }), // hand-made, no labels
  pv('pv-0', { claim: claimName(0) }),
];
const OTHERS: [string, KubeObject][] = [
  [
    'a plain pod',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'ais', labels: { app: 'web' } },
      spec: {},
    },
  ],
  [
    'a pod with only the component label',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ais', labels: { 'app.kubernetes.io/component': 'target' } },
      spec: {},
    },
  ],
  [
    'a pod with no labels at all',
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'ais' }, spec: {} },
  ],
  ['a plain claim', pvc('data', { labels: null })],
  [
    'a plain StatefulSet',
    { ...targetStatefulSet(), metadata: { name: 'db', namespace: 'ais', labels: { app: 'db' } } },
  ],
  [
    'a PV without claimRef',
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'free' },
      spec: { capacity: { storage: '1Gi' } },
    },
  ],
  [
    'a dynamically provisioned PV bound to a target claim',
    pv('pvc-123', {
      claim: claimName(0),
      annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' },
    }),
  ],
  ['a ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ais' } }],
  [
    'a Deployment',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ais' }, spec: {} },
  ],
  ['a node', node('n1')],
];

// Issue 14 class 4 / issue 15: a chart's StatefulSet shop/web-target with the target labels, a
// hostPort and a claim template `data`, its claims (the StatefulSet controller's selector labels, or
// none), static PVs for them (pre-bound or not), and the PV binder's update binding one. They may
// reach an Ignore entry (the guard judges them when it runs); never a Fail entry.
const SHOP_LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/component': 'target' };
const shopStatefulSet: KubeObject = {
  ...targetStatefulSet({ cr: 'web', namespace: 'shop', hostPort: 8080, templates: ['data'] }),
  metadata: { name: 'web-target', namespace: 'shop', labels: SHOP_LABELS },
};
const staticPv = (name: string, claimRef?: object): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'local',
    local: { path: `/mnt/${name}` },
    ...(claimRef && { claimRef }),
  },
});
const LOOKALIKES: [string, KubeObject][] = [
  ['StatefulSet shop/web-target with target labels and hostPort', shopStatefulSet],
  [
    'its claim with the selector labels',
    pvc('data-web-target-0', { namespace: 'shop', labels: SHOP_LABELS }),
  ],
  ['its claim without labels', pvc('data-web-target-1', { namespace: 'shop', labels: null })],
  [
    'a static PV pre-bound to its claim',
    staticPv('shop-0', { namespace: 'shop', name: 'data-web-target-0' }),
  ],
  ['a static PV, not pre-bound', staticPv('shop-1')],
];
const BINDER_UPDATES: [string, KubeObject, KubeObject][] = [
  // The binder sets the whole claimRef on a free PV, or fills in the uid of a pre-bound one.
  [
    'the PV binder binding a free static PV to data-web-target-1',
    staticPv('shop-1'),
    staticPv('shop-1', {
      kind: 'PersistentVolumeClaim',
      namespace: 'shop',
      name: 'data-web-target-1',
      uid: 'u1',
    }),
  ],
  [
    'the PV binder completing a pre-bound PV of an AIStore target claim',
    pv('pv-0', { claim: claimName(0) }),
    (() => {
      const bound = structuredClone(pv('pv-0', { claim: claimName(0) }));
      (bound.spec as { claimRef: Record<string, string> }).claimRef.uid = 'u0';
      return bound;
    })(),
  ],
];

/** Evidence an object may carry for a Fail entry (recognise.ts, on the object alone). */
function evidence(call: Call): boolean {
  const o = call.object;
  if (o.kind === 'AIStore') return true;
  if (o.kind === 'PersistentVolume') {
    const ref = (o.spec as { claimRef?: { name?: string } } | undefined)?.claimRef;
    return (
      call.operation === 'CREATE' && typeof ref?.name === 'string' && crFromClaimShape(ref.name) !== undefined
    );
  }
  const labels = (o.metadata?.labels ?? {}) as Record<string, string>;
  return managedByOperator(labels) || ownerAIStore(o) !== undefined;
}

const inNamespace = (o: KubeObject, namespace: string): KubeObject =>
  o.metadata?.namespace === undefined ? o : { ...o, metadata: { ...o.metadata, namespace } };

/**
 * Each field removed in turn, one path at a time (what a hand-written manifest may omit). Never
 * `metadata`, nor the `spec` of a built-in kind: the apiserver sends the typed object, where both
 * are structs that are always serialized (and a PV without spec fails validation before the
 * validating webhooks). An AIStore CR is unstructured: its spec may be absent.
 */
function withFieldsMissing(o: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  const kept = ['metadata', 'kind', 'apiVersion', ...(o.kind === 'AIStore' ? [] : ['spec'])];
  for (const path of paths(o).filter(
    (p) => p.length > 0 && p.length <= 4 && !(p.length === 1 && kept.includes(p[0] as string)),
  )) {
    const copy = structuredClone(o) as Record<string | number, unknown>;
    let cur = copy;
    for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
    out.push(copy as KubeObject);
  }
  return out;
}

describe.each(RENDERS)('webhook configurations rendered for %s, namespace %s', (overlay, namespace) => {
  const own = namespace ?? 'ais-guard';
  let hooks: Webhook[] = [];
  const load = async () =>
    (hooks = webhooksOf(await renderManifests({ overlay, namespace, webhooksOnly: true })));

  it(`never match kube-system, kube-public, kube-node-lease or ${own}, for any object`, async () => {
    await load();
    // validate-only has no mutating configuration: the five validating entries.
    expect(hooks.length).toBe(overlay === 'validate-only' ? 5 : 8);
    for (const hook of hooks) {
      expect(hook.namespaceSelector).toBeDefined();
      for (const ns of [...SYSTEM, own]) {
        expect(selects(hook.namespaceSelector, { 'kubernetes.io/metadata.name': ns })).toBe(false);
        for (const o of [...TARGETS, ...OTHERS.map(([, x]) => x)]) {
          const moved = inNamespace(o, ns);
          if (moved.metadata?.namespace === undefined) continue; // cluster-scoped: no namespace to protect
          expect(sent(hook, { object: moved, operation: 'CREATE' })).toBe(false);
        }
      }
      expect(selects(hook.namespaceSelector, { 'kubernetes.io/metadata.name': 'ais' })).toBe(true);
      // Only the kinds the guard judges: never a wildcard.
      for (const rule of hook.rules)
        for (const r of rule.resources) expect(Object.values(RESOURCE).slice(0, 5)).toContain(r);
    }
  });

  it('send every AIStore object the guard judges, and nothing else, on CREATE', async () => {
    await load();
    const ctx = new ClusterContext(TARGETS);
    for (const object of TARGETS) {
      const judged = evaluate({ operation: 'CREATE', object }, ctx).role !== undefined;
      const validating = hooks
        .filter((h) => h.name.includes('.validate.'))
        .some((h) => sent(h, { object, operation: 'CREATE' }));
      // Wider than the guard's recognition, never narrower.
      if (judged)
        expect([object.kind, object.metadata?.name, validating]).toEqual([
          object.kind,
          object.metadata?.name,
          true,
        ]);
    }
    for (const [what, object] of OTHERS) {
      const reached = hooks.filter((h) => sent(h, { object, operation: 'CREATE' })).map((h) => h.name);
      expect([what, reached]).toEqual([what, []]);
    }
  });

  it('send nothing without operator evidence to a Fail entry: a guard that is down blocks only AIStore objects', async () => {
    await load();
    const fail = hooks.filter((h) => h.failurePolicy === 'Fail');
    const calls: [string, Call][] = [
      ...[...TARGETS, ...OTHERS.map(([, o]) => o), ...LOOKALIKES.map(([, o]) => o)].flatMap((object) => {
        const name = `${object.kind} ${object.metadata?.name}`;
        const specChanged = { ...object, spec: { ...(object.spec as object), changed: true } };
        return [
          [name, { object, operation: 'CREATE' }],
          [`${name} (spec update)`, { object: specChanged, oldObject: object, operation: 'UPDATE' }],
        ] as [string, Call][];
      }),
      ...BINDER_UPDATES.map(
        ([what, oldObject, object]) => [what, { object, oldObject, operation: 'UPDATE' }] as [string, Call],
      ),
    ];
    let failSent = 0;
    for (const [what, call] of calls) {
      const reached = fail.filter((h) => sent(h, call)).map((h) => h.name);
      if (reached.length > 0) failSent++;
      if (!evidence(call)) expect([what, reached]).toEqual([what, []]);
    }
    // The lookalikes are still judged by a running guard (Ignore entries), and real AIStore objects
    // with evidence still reach a Fail entry in the base (the audit overlay has none).
    for (const [what, object] of LOOKALIKES.filter(([what]) => !what.endsWith('not pre-bound'))) {
      const ignore = hooks.filter((h) => h.failurePolicy === 'Ignore' && h.name.includes('.validate.'));
      expect([what, ignore.some((h) => sent(h, { object, operation: 'CREATE' }))]).toEqual([what, true]);
    }
    if (overlay !== 'audit') expect(failSent).toBeGreaterThan(10);
    else expect(failSent).toBe(0);
  });

  it("send a disk beside a target PV's (a spare, the local static provisioner's publish) to an Ignore entry, on CREATE only", async () => {
    await load();
    const target = pv('pv-0', { claim: claimName(0) }); // node-1:/ais/pv-0
    const ctx = new ClusterContext([target]);
    const published = discoveredDisk({ host: 'node-1', path: '/ais/pv-0', name: 'local-pv-1a2b' });
    const handMade: KubeObject = { ...published, metadata: { name: 'spare-0' } };
    const renamed: KubeObject = {
      ...published,
      metadata: { name: 'local-pv-9c8d', annotations: { 'pv.kubernetes.io/provisioned-by': 'other' } },
    };
    const otherApps = pv('db-0', { claim: 'data-postgres-0', claimNamespace: 'db', path: '/ais/pv-0' });
    for (const object of [published, handMade, renamed, otherApps]) {
      const what = object.metadata?.name;
      expect([what, evaluate({ operation: 'CREATE', object }, ctx).role]).toEqual([what, 'spare-volume']);
      const reached = hooks.filter((h) => sent(h, { object, operation: 'CREATE' }));
      expect([what, reached.map((h) => h.failurePolicy)]).toEqual([what, ['Ignore']]);
      const changed = { ...object, spec: { ...(object.spec as object), changed: true } };
      expect([
        what,
        hooks.some((h) => sent(h, { object: changed, oldObject: object, operation: 'UPDATE' })),
      ]).toEqual([what, false]);
    }
    // A provisioner's PV made for its own claim, and a disk pinned to no node, are never sent.
    const madeForItsClaim: KubeObject = {
      ...published,
      metadata: {
        name: 'pvc-1',
        annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' },
      },
    };
    const unpinned = structuredClone(handMade) as KubeObject & { spec: Record<string, unknown> };
    delete unpinned.spec.nodeAffinity;
    for (const object of [madeForItsClaim, unpinned]) {
      expect(evaluate({ operation: 'CREATE', object }, ctx).role).toBeUndefined();
      expect(hooks.filter((h) => sent(h, { object, operation: 'CREATE' }))).toEqual([]);
    }
  });

  it("take a PV's claimRef as AIStore's exactly when recognise.ts does (crFromClaimShape)", async () => {
    await load();
    const volumes = hooks.find((h) => h.name === 'volumes.validate.ais-guard.io')!;
    const part = fc.stringMatching(/^[a-z0-9]{1,4}$/);
    const name = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join('-'));
    // Operator-shaped names (<c><mount>-<c>-target-<N>) and arbitrary ones alike.
    const claim = fc.oneof(
      fc
        .tuple(name, fc.array(part, { maxLength: 3 }), fc.nat(20))
        .map(([c, mount, n]) => `${c}-${mount.join('-')}-${c}-target-${n}`),
      fc.tuple(name, fc.nat(20)).map(([rest, n]) => `${rest}-target-${n}`),
    );
    fc.assert(
      fc.property(claim, (claimRefName) => {
        const object = pv('pv-x', { claim: claimRefName });
        const celSays = sent(volumes, { object, operation: 'CREATE' });
        return celSays === (crFromClaimShape(claimRefName) !== undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('leave out updates that do not change the spec, and every update from the mutating webhooks', async () => {
    await load();
    for (const object of TARGETS) {
      const relabelled = {
        ...object,
        metadata: { ...object.metadata, labels: { ...object.metadata?.labels, x: 'y' } },
      };
      const specChanged = { ...object, spec: { ...(object.spec as object), changed: true } };
      for (const hook of hooks) {
        expect(sent(hook, { object: relabelled, oldObject: object, operation: 'UPDATE' })).toBe(false);
        if (hook.name.includes('.mutate.'))
          expect(sent(hook, { object: specChanged, oldObject: object, operation: 'UPDATE' })).toBe(false);
      }
      const validating = hooks.filter((h) => h.name.includes('.validate.'));
      if (validating.some((h) => sent(h, { object, operation: 'CREATE' })))
        expect(
          validating.some((h) => sent(h, { object: specChanged, oldObject: object, operation: 'UPDATE' })),
        ).toBe(true);
    }
  });

  it('never fail to evaluate a condition, whatever field is missing', async () => {
    await load();
    conditionErrors.length = 0;
    let evaluated = 0;
    for (const object of [...TARGETS, ...OTHERS.map(([, o]) => o), ...LOOKALIKES.map(([, o]) => o)]) {
      for (const variant of [object, ...withFieldsMissing(object)]) {
        for (const hook of hooks) {
          sent(hook, { object: variant, operation: 'CREATE' });
          sent(hook, { object: variant, oldObject: object, operation: 'UPDATE' });
          sent(hook, { object, oldObject: variant, operation: 'UPDATE' });
          evaluated += 3;
        }
      }
    }
    if (overlay === 'base' && namespace === undefined)
      record('lockout', {
        renders: RENDERS.map(([o, n]) => `${o}/${n ?? 'ais-guard'}`),
        webhookEntries: hooks.length,
        protectedNamespaces: [...SYSTEM, own],
        targetSamples: TARGETS.length,
        otherSamples: OTHERS.length,
        conditionEvaluations: evaluated,
        conditionErrors: conditionErrors.length,
      });
    expect(conditionErrors.slice(0, 5)).toEqual([]);
  });
});
