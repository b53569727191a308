// The watch-event property harness: objects the webhook watches, reduced as src/server/reduce.ts
// reduces them and delivered as watch events to a live ClusterContext, against a context built from
// scratch from the final objects. Shared by review-watch26/mutation-property (in-place mutations),
// review-serve27/wider-events-property (the same, widened with CR, Node hostname and PV pin
// events) and server/review-ctx24-property (whole-object puts, deletes, drops and relists). Each
// test names its own step kinds, probes, number of runs and lengths; this file only holds the logic
// they shared.
import { expect } from '@jest/globals';
import fc from 'fast-check';
import {
  ClusterContext,
  evaluate,
  TARGET_COMPONENT_SELECTOR,
  type KubeObject,
} from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { RESOURCES } from '../../src/server/cluster.js';
import {
  aistore,
  claimName,
  discoveredDisk,
  node,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
  type MountSpec,
} from './builders.js';

export type Obj = KubeObject & {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  status?: unknown;
};

const resourceOf = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
/** The object as the informer caches it (reduce.ts), by its kind. */
export const shape = (o: KubeObject): Cached => {
  const r = resourceOf(o.kind as string);
  return reduced(structuredClone(o) as Cached, r.apiVersion, r.kind);
};

/** Every subject judged on CREATE and UPDATE: what the live and the scratch context must agree on. */
export function verdicts(
  ctx: ClusterContext,
  subjects: KubeObject[],
  name: (object: KubeObject) => string = (object) => `${object.metadata?.name}`,
) {
  return subjects.map((object) =>
    (['CREATE', 'UPDATE'] as const).map((operation) => {
      const ev = evaluate({ operation, object, oldObject: operation === 'UPDATE' ? object : undefined }, ctx);
      return {
        what: `${object.kind} ${name(object)} ${operation}`,
        allowed: ev.allowed,
        findings: ev.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`).sort(),
        patch: JSON.stringify(ev.patch ?? null),
      };
    }),
  );
}

/** `namespace/name` ('' for a cluster-scoped object). */
export const keyOf = (o: { metadata?: unknown }) => {
  const m = o.metadata as Record<string, unknown>;
  return `${(m.namespace as string) ?? ''}/${m.name as string}`;
};

/** Feed + ListWatch for one kind: reduced objects, resourceVersion dedupe, relist = delete vanished + upsert listed. */
export class FakeFeed {
  cache = new Map<string, Cached>();
  /** `cachedOf`: the form the informer keeps (reduce.ts's, by default). */
  constructor(
    readonly ctx: ClusterContext,
    private readonly cachedOf: (o: KubeObject) => Cached = shape,
  ) {}
  event(phase: 'ADDED' | 'MODIFIED' | 'DELETED', raw: KubeObject) {
    const obj = this.cachedOf(raw);
    const k = keyOf(obj);
    if (phase === 'DELETED') {
      if (this.cache.delete(k)) this.ctx.remove(obj);
      return;
    }
    const found = this.cache.get(k);
    if (found && found.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    this.cache.set(k, obj);
    this.ctx.upsert(obj);
  }
  relist(items: KubeObject[]) {
    const shaped = items.map(this.cachedOf);
    const keys = new Set(shaped.map(keyOf));
    for (const [k, old] of [...this.cache])
      if (!keys.has(k)) {
        this.cache.delete(k);
        this.ctx.remove(old);
      }
    for (const obj of shaped) {
      const found = this.cache.get(keyOf(obj));
      if (found && found.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.cache.set(keyOf(obj), obj);
      this.ctx.upsert(obj);
    }
  }
}

const KINDS = ['Node', 'PersistentVolume', 'StatefulSet', 'AIStore'];

/**
 * The webhook's informers on one live context, a FakeFeed a kind. While not `connected` (a dropped
 * watch) events are lost, until `relist` lists each kind anew.
 */
export class LiveFeeds {
  readonly live = new ClusterContext();
  private readonly feeds = new Map(KINDS.map((k) => [k, new FakeFeed(this.live)]));
  connected = true;
  deliver(phase: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject) {
    if (this.connected) this.feeds.get(obj.kind as string)!.event(phase, obj);
  }
  /** Reconnects; each kind's feed relists the `objects` of its kind. */
  relist(objects: KubeObject[]) {
    this.connected = true;
    for (const kind of KINDS) this.feeds.get(kind)!.relist(objects.filter((o) => o.kind === kind));
  }
}

// ---- In-place mutations (watch26, serve27): a fixed set of objects, changed a field at a time ----

export const PVS = ['p0', 'p1', 'p2', 'local-pv-a'];
export const NODES = ['node-1', 'node-2', 'node-3'];
const CLAIMS = [claimName(0), claimName(1), claimName(2), 'ais-ais-state-ais-target-0', 'other'];
const PIN_VALUES = ['node-1', 'node-2', 'h-1', 'node-9'];

export type Step =
  | { t: 'uid'; pv: number; phase: string; uid: boolean }
  | { t: 'claim'; pv: number; claim: number }
  | { t: 'class'; pv: number; cls: string }
  | { t: 'size'; pv: number; size: string }
  | { t: 'label'; pv: number; media: string | null }
  | { t: 'host'; pv: number; host: number }
  | { t: 'deleting'; pv: number }
  | { t: 'recreate'; pv: number }
  | { t: 'delete'; pv: number }
  | { t: 'node'; n: number; pool: string | null; taint: boolean }
  | { t: 'sts'; labels: 'full' | 'no-managed-by' | 'no-component' | 'gone'; replicas: number }
  | { t: 'cr'; name: string; size: number; mounts: number; pool: string | null; gone: boolean }
  | { t: 'nodeHost'; n: number; hostLabel: string | null; openebs: string | null; gone: boolean }
  | { t: 'pin'; pv: number; how: number; v: number }
  | { t: 'review' };

const i = (n: number) => fc.integer({ min: 0, max: n - 1 });
/** One arbitrary a step kind (but 'review'); a test picks its kinds, in this order. */
export const STEP_ARBITRARIES = {
  uid: fc.record({
    t: fc.constant('uid' as const),
    pv: i(PVS.length),
    phase: fc.constantFrom('Bound', 'Released', 'Available', 'Failed'),
    uid: fc.boolean(),
  }),
  claim: fc.record({ t: fc.constant('claim' as const), pv: i(PVS.length), claim: i(CLAIMS.length + 1) }),
  class: fc.record({
    t: fc.constant('class' as const),
    pv: i(PVS.length),
    cls: fc.constantFrom('ais-local-storage', 'other'),
  }),
  size: fc.record({
    t: fc.constant('size' as const),
    pv: i(PVS.length),
    size: fc.constantFrom('5Ti', '1Ti'),
  }),
  label: fc.record({
    t: fc.constant('label' as const),
    pv: i(PVS.length),
    media: fc.constantFrom('ssd', 'hdd', null),
  }),
  host: fc.record({ t: fc.constant('host' as const), pv: i(PVS.length), host: i(NODES.length) }),
  deleting: fc.record({ t: fc.constant('deleting' as const), pv: i(PVS.length) }),
  recreate: fc.record({ t: fc.constant('recreate' as const), pv: i(PVS.length) }),
  delete: fc.record({ t: fc.constant('delete' as const), pv: i(PVS.length) }),
  node: fc.record({
    t: fc.constant('node' as const),
    n: i(NODES.length),
    pool: fc.constantFrom('a', 'b', null),
    taint: fc.boolean(),
  }),
  sts: fc.record({
    t: fc.constant('sts' as const),
    labels: fc.constantFrom(
      'full' as const,
      'no-managed-by' as const,
      'no-component' as const,
      'gone' as const,
    ),
    replicas: fc.integer({ min: 0, max: 3 }),
  }),
  cr: fc.record({
    t: fc.constant('cr' as const),
    name: fc.constantFrom('ais', 'ais2'),
    size: fc.integer({ min: 1, max: 3 }),
    mounts: i(4),
    pool: fc.constantFrom('a', 'b', null),
    gone: fc.boolean(),
  }),
  nodeHost: fc.record({
    t: fc.constant('nodeHost' as const),
    n: i(NODES.length),
    hostLabel: fc.constantFrom('h-1', 'h-2', 'node-1', 'node-2', null),
    openebs: fc.constantFrom('node-1', 'node-9', null),
    gone: fc.boolean(),
  }),
  pin: fc.record({ t: fc.constant('pin' as const), pv: i(PVS.length), how: i(4), v: i(4) }),
} satisfies { [K in Exclude<Step['t'], 'review'>]: fc.Arbitrary<Extract<Step, { t: K }>> };
export type StepKind = keyof typeof STEP_ARBITRARIES;
/** watch26's kinds: a PV's fields, a Node's labels and taints, the StatefulSet's labels (serve27 adds to them). */
export const PV_NODE_STS_KINDS: readonly StepKind[] = [
  'uid',
  'claim',
  'class',
  'size',
  'label',
  'host',
  'deleting',
  'recreate',
  'delete',
  'node',
  'sts',
];

/** The named step kinds, in the order given, then 'review' twice (a review is twice as likely). */
export function arbSteps(kinds: readonly StepKind[]): fc.Arbitrary<Step> {
  return fc.oneof<fc.Arbitrary<Step>[]>(
    ...kinds.map((k) => STEP_ARBITRARIES[k] as fc.Arbitrary<Step>),
    fc.constant({ t: 'review' as const }),
    fc.constant({ t: 'review' as const }),
  );
}

const freshPV = (name: string, claim = 0): Obj => {
  if (name.startsWith('local-pv')) return discoveredDisk({ host: 'node-1', path: '/mnt/a', name }) as Obj;
  const p = pv(name, {
    claim: CLAIMS[claim] as string,
    host: 'node-1',
    path: `/mnt/${name}`,
    local: true,
  }) as Obj;
  p.status = { phase: 'Available' };
  return p;
};

const CR_MOUNTS: MountSet[] = [
  undefined,
  [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
  [{ path: '/mnt/p0', size: '1Ti', useHostPath: true }],
  [
    { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' },
    { path: '/mnt/x', size: '1Ti', useHostPath: true },
  ],
];

export type MountSet = MountSpec[] | undefined;

/**
 * The probes judged between steps and at the end: CRs with each mount set (sizes 1 and 3, disabled
 * or not), a CR with a volume selector, claims, pods and a StatefulSet, then `extra`, then two probe
 * PVs and every PV on the server.
 */
export function probes(
  server: Map<string, Obj>,
  mountSets: readonly MountSet[],
  extra: () => KubeObject[] = () => [],
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const mounts of mountSets)
    for (const size of [1, 3]) out.push(aistore({ size, mounts, disable: true }), aistore({ size, mounts }));
  const sel = aistore({ size: 2 }) as Obj;
  ((sel.spec.targetSpec as Record<string, unknown>).mounts as Record<string, unknown>[])[0]!.selector = {
    matchLabels: { media: 'ssd' },
  };
  out.push(sel);
  for (const o of [0, 1, 2]) {
    out.push(pvc(claimName(o)));
    out.push(targetPod({ ordinal: o }));
  }
  out.push(targetStatefulSet({ replicas: 3 }));
  out.push(...extra());
  out.push(pv('probe', { claim: claimName(1), host: 'node-1', path: '/mnt/p0', local: true }));
  out.push(pv('probe2', { claim: claimName(0), host: 'node-2', path: '/mnt/x', local: true }));
  for (const obj of server.values()) if (obj.kind === 'PersistentVolume') out.push(obj);
  return out;
}

const [selKey, selValue] = TARGET_COMPONENT_SELECTOR.split('=') as [string, string];
/** The StatefulSet watch's label selector; every other kind is watched whole. */
export const watched = (o: Obj) =>
  o.kind !== 'StatefulSet' ||
  (o.metadata.labels as Record<string, string> | undefined)?.[selKey] === selValue;

/**
 * Nodes, PVs, a target StatefulSet and a CR, then each step applied on the server and delivered to
 * the live context as a watch event; a 'review' step judges `probe(server)` on the live context.
 */
export function runInPlace(steps: Step[], probe: (server: Map<string, Obj>) => KubeObject[]) {
  const live = new ClusterContext();
  const cache = new Map<string, Cached>(); // the informers' caches
  const server = new Map<string, Obj>();
  let rv = 1;
  let uid = 1;
  const put = (obj: Obj) => {
    const k = `${obj.kind as string}/${obj.metadata.name as string}`;
    obj.metadata.resourceVersion = String(rv++);
    server.set(k, obj);
    const had = cache.get(k);
    if (!watched(obj)) {
      // The watch's label selector: the apiserver sends DELETED when the object stops matching.
      if (had) {
        cache.delete(k);
        live.remove(had);
      }
      return;
    }
    const s = shape(obj);
    cache.set(k, s);
    live.upsert(s);
  };
  const del = (k: string) => {
    server.delete(k);
    const had = cache.get(k);
    if (had) {
      cache.delete(k);
      live.remove(had);
    }
  };
  for (const n of NODES) put(node(n) as Obj);
  for (const name of PVS) put(freshPV(name));
  put(targetStatefulSet({ replicas: 2 }) as Obj);
  put(aistore({ size: 3 }) as Obj);
  for (const step of steps) {
    if (step.t === 'review') {
      verdicts(live, probe(server));
      continue;
    }
    if (step.t === 'node') {
      const n = node(NODES[step.n]!, step.pool ? { pool: step.pool } : {}) as Obj;
      if (step.taint) n.spec = { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] };
      put(n);
      continue;
    }
    if (step.t === 'cr') {
      const cr = aistore({
        name: step.name,
        size: step.size,
        mounts: CR_MOUNTS[step.mounts],
        nodeSelector: step.pool ? { pool: step.pool } : undefined,
      }) as Obj;
      if (step.gone) del(`AIStore/${step.name}`);
      else put(cr);
      continue;
    }
    if (step.t === 'nodeHost') {
      const name = NODES[step.n]!;
      if (step.gone) {
        del(`Node/${name}`);
        continue;
      }
      const n = node(name) as Obj;
      const labels = n.metadata.labels as Record<string, string>;
      if (step.hostLabel === null) delete labels['kubernetes.io/hostname'];
      else labels['kubernetes.io/hostname'] = step.hostLabel;
      if (step.openebs) labels['openebs.io/nodename'] = step.openebs;
      put(n);
      continue;
    }
    if (step.t === 'sts') {
      const s = targetStatefulSet({ replicas: step.replicas }) as Obj;
      const labels = s.metadata.labels as Record<string, string>;
      if (step.labels === 'gone') {
        del(`StatefulSet/${s.metadata.name as string}`);
        continue;
      }
      if (step.labels === 'no-managed-by') delete labels['app.kubernetes.io/managed-by'];
      if (step.labels === 'no-component') delete labels[selKey];
      put(s);
      continue;
    }
    const name = PVS[step.pv]!;
    const k = `PersistentVolume/${name}`;
    if (step.t === 'delete') {
      del(k);
      continue;
    }
    if (step.t === 'recreate') {
      del(k);
      put(freshPV(name, step.pv % CLAIMS.length));
      continue;
    }
    const cur = structuredClone(server.get(k) ?? freshPV(name));
    const spec = cur.spec;
    const ref = spec.claimRef as Record<string, unknown> | undefined;
    switch (step.t) {
      case 'uid':
        if (ref) {
          if (step.uid) ref.uid = `u${uid++}`;
          else delete ref.uid;
        }
        cur.status = { phase: step.phase };
        break;
      case 'claim':
        if (step.claim >= CLAIMS.length) delete spec.claimRef;
        else spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: 'ais', name: CLAIMS[step.claim] };
        break;
      case 'class':
        spec.storageClassName = step.cls;
        break;
      case 'size':
        spec.capacity = { storage: step.size };
        break;
      case 'label': {
        const labels = { ...(cur.metadata.labels as Record<string, string> | undefined) };
        if (step.media) labels.media = step.media;
        else delete labels.media;
        cur.metadata.labels = labels;
        break;
      }
      case 'host':
        spec.nodeAffinity = {
          required: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'kubernetes.io/hostname', operator: 'In', values: [NODES[step.host]] },
                ],
              },
            ],
          },
        };
        break;
      case 'pin': {
        const value = PIN_VALUES[step.v]!;
        const other = PIN_VALUES[(step.v + 1) % PIN_VALUES.length]!;
        const terms = [
          [{ matchExpressions: [{ key: 'openebs.io/nodename', operator: 'In', values: [value] }] }],
          [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [value] }] }],
          [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [value] }] },
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [other] }] },
          ],
          [
            {
              matchExpressions: [
                { key: 'kubernetes.io/hostname', operator: 'In', values: [value] },
                { key: 'openebs.io/nodename', operator: 'In', values: [other] },
              ],
            },
          ],
        ][step.how]!;
        spec.nodeAffinity = { required: { nodeSelectorTerms: terms } };
        break;
      }
      case 'deleting':
        cur.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
        break;
    }
    put(cur);
  }
  return { live, server };
}

/**
 * The in-place property: after `arbitrary`'s steps, the live context judges every probe as a context
 * built from the final (watched, reduced) objects does.
 */
export function assertInPlaceLiveMatchesScratch(opts: {
  steps: fc.Arbitrary<Step>;
  probes: (server: Map<string, Obj>) => KubeObject[];
  maxLength: number;
  numRuns: number;
}) {
  fc.assert(
    fc.property(fc.array(opts.steps, { minLength: 3, maxLength: opts.maxLength }), (steps) => {
      const { live, server } = runInPlace(steps, opts.probes);
      const fresh = new ClusterContext([...server.values()].filter(watched).map(shape));
      const subjects = opts.probes(server);
      expect(verdicts(live, subjects)).toEqual(verdicts(fresh, subjects));
    }),
    { numRuns: opts.numRuns },
  );
}
