// The webhook's live context, fed event by event the way Feed + client-node ListWatch
// feed it (reduced objects, resourceVersion dedupe, relist = delete vanished + upsert listed, a
// label-selected watch that turns label changes into ADDED/DELETED), must judge every probe the way
// a context built from scratch from the final objects does. Probes are evaluated between events too,
// so stale memos would show.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { RESOURCES } from '../../src/server/cluster.js';
import {
  aistore,
  claimName,
  madeForClaim,
  node,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { LiveFeeds, shape, verdicts } from '../support/watch-property.js';

type Obj = KubeObject & { metadata: Record<string, unknown> };
const NS = ['ais', 'other'];
const HOSTS = ['n1', 'n2', 'n3'];

const arbNode = fc
  .record({
    name: fc.constantFrom(...HOSTS),
    pool: fc.constantFrom(undefined, 'a', 'b'),
    taint: fc.boolean(),
    cordon: fc.boolean(),
  })
  .map(({ name, pool, taint, cordon }) => {
    const n = node(name, pool ? { pool } : {}) as Obj;
    const spec: Record<string, unknown> = {};
    if (taint) spec.taints = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }];
    if (cordon) spec.unschedulable = true;
    if (Object.keys(spec).length) n.spec = spec;
    (n as Record<string, unknown>).status = { capacity: { cpu: '8' } };
    return n;
  });

const arbPV = fc
  .record({
    name: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
    ns: fc.constantFrom(...NS),
    cr: fc.constantFrom('ais', 'x'),
    ordinal: fc.integer({ min: 0, max: 2 }),
    host: fc.constantFrom<string | null>(...HOSTS, null),
    path: fc.constantFrom('/a', '/b'),
    uid: fc.constantFrom(undefined, 'u1', 'u2'),
    phase: fc.constantFrom('Bound', 'Released', 'Available', 'Failed'),
    noClaim: fc.boolean(),
    // None, a provisioner's for its claim, or a disk the local static provisioner published.
    provisioned: fc.constantFrom<string | undefined>(undefined, 'x', 'local-volume-provisioner-n1-0b6c'),
    /** Pre-bound to the target's state claim rather than a data claim. */
    state: fc.boolean(),
  })
  .map((o) => {
    const p = pv(o.name, {
      claim: o.state ? `${o.ns}-${o.cr}-state-${o.cr}-target-${o.ordinal}` : claimName(o.ordinal, o.cr),
      claimNamespace: o.ns,
      host: o.host,
      path: o.path,
      annotations: o.provisioned ? { 'pv.kubernetes.io/provisioned-by': o.provisioned } : undefined,
    }) as Obj & { spec: Record<string, unknown> };
    if (o.noClaim) delete p.spec.claimRef;
    else if (o.uid) (p.spec.claimRef as Record<string, unknown>).uid = o.uid;
    (p as Record<string, unknown>).status = { phase: o.phase };
    return p;
  });

const arbSts = fc
  .record({
    ns: fc.constantFrom(...NS),
    cr: fc.constantFrom('ais', 'x'),
    managed: fc.boolean(),
    owned: fc.boolean(),
    replicas: fc.integer({ min: 1, max: 4 }),
    pool: fc.constantFrom(undefined, 'a'),
  })
  .map((o) => {
    const s = targetStatefulSet({
      cr: o.cr,
      namespace: o.ns,
      replicas: o.replicas,
      nodeSelector: o.pool ? { pool: o.pool } : undefined,
    }) as Obj;
    if (!o.managed) delete (s.metadata.labels as Record<string, string>)['app.kubernetes.io/managed-by'];
    // Made before operator v3.3.0: no managed-by label, the CR its owner (recognise.ts).
    if (o.owned)
      s.metadata.ownerReferences = [{ apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: o.cr }];
    return s;
  });

/** The CR with its targets' state on a claim (spec.stateStorage.pvc), or as it is. */
const withState = (state: boolean) => (cr: KubeObject) =>
  state ? { ...cr, spec: { ...(cr.spec as object), stateStorage: { pvc: { storageClass: 'local' } } } } : cr;

const arbCR = fc
  .record({
    ns: fc.constantFrom(...NS),
    name: fc.constantFrom('ais', 'x'),
    size: fc.constantFrom(1, 2, 3, 4, -1),
    disable: fc.constantFrom(undefined, true, false),
    pool: fc.constantFrom(undefined, 'a'),
    state: fc.boolean(),
  })
  .map((o) =>
    withState(o.state)(
      aistore({
        name: o.name,
        namespace: o.ns,
        size: o.size,
        disable: o.disable,
        nodeSelector: o.pool ? { pool: o.pool } : undefined,
      }),
    ),
  );

type Step =
  | { t: 'put'; obj: Obj }
  | { t: 'del'; kind: string; ns: string; name: string }
  | { t: 'drop' } // the watches drop: what follows is missed until the relist
  | { t: 'relist' }
  | { t: 'probe' }
  // A small change to an object already there: a PV's binding state, a Node's or StatefulSet's labels.
  | {
      t: 'touch';
      pick: number;
      phase: string;
      uid: string | undefined;
      pool: string | undefined;
      managed: boolean;
      /** A StatefulSet's component label: the watch selects only target ones. */
      target: boolean;
    };

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.oneof(arbNode, arbPV, arbSts, arbCR).map((obj) => ({ t: 'put' as const, obj: obj as Obj })),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(arbNode, arbPV, arbSts, arbCR).map((o) => ({
      t: 'del' as const,
      kind: o.kind as string,
      ns: (o.metadata?.namespace as string | undefined) ?? '',
      name: o.metadata?.name as string,
    })),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'drop' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'relist' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'probe' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('touch' as const),
      pick: fc.nat(),
      phase: fc.constantFrom('Bound', 'Released', 'Available', 'Failed'),
      uid: fc.constantFrom(undefined, 'u1', 'u2'),
      pool: fc.constantFrom(undefined, 'a', 'b'),
      managed: fc.boolean(),
      target: fc.boolean(),
    }),
  },
);

const resourceOf = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
const selected = (kind: string, obj: Obj) => {
  const sel = resourceOf(kind).labelSelector;
  if (!sel) return true;
  const [k, v] = sel.split('=');
  return (obj.metadata.labels as Record<string, string> | undefined)?.[k as string] === v;
};

const objKey = (kind: string, ns: string, name: string) => `${kind}|${ns}|${name}`;

function probes(server: Map<string, Obj>): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ns of NS)
    for (const cr of ['ais', 'x']) {
      out.push(aistore({ name: cr, namespace: ns, size: 3 }));
      out.push(aistore({ name: cr, namespace: ns, size: 2, disable: true }));
      out.push(aistore({ name: cr, namespace: ns, size: -1, disable: true, nodeSelector: { pool: 'a' } }));
      out.push(withState(true)(aistore({ name: cr, namespace: ns, size: 3, disable: true })));
      for (const ordinal of [0, 1, 2]) out.push(pvc(claimName(ordinal, cr), { namespace: ns }));
      out.push(targetPod({ cr, namespace: ns, ordinal: 1 }));
      out.push(targetStatefulSet({ cr, namespace: ns, replicas: 3 }));
      out.push(pv('probe', { claim: claimName(1, cr), claimNamespace: ns, host: 'n2', path: '/a' }));
    }
  for (const obj of server.values())
    if (obj.kind === 'PersistentVolume' || obj.kind === 'AIStore') out.push(obj);
  return out;
}

function runSteps(steps: Step[]) {
  const feeds = new LiveFeeds();
  const { live } = feeds;
  const server = new Map<string, Obj>();
  let rv = 1;
  const deliver = (phase: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj) => feeds.deliver(phase, obj);
  /** What a relist sees: the watches are label-selected. */
  const listed = () => [...server.values()].filter((o) => selected(o.kind as string, o));
  /** The apiserver stores the object; a label-selected watch sees one leaving its selection DELETED, one entering it ADDED. */
  const put = (obj: Obj) => {
    const kind = obj.kind as string;
    const k = objKey(kind, (obj.metadata.namespace as string | undefined) ?? '', obj.metadata.name as string);
    const before = server.get(k);
    obj.metadata.resourceVersion = String(rv++);
    server.set(k, obj);
    const was = before !== undefined && selected(kind, before);
    if (selected(kind, obj)) deliver(was ? 'MODIFIED' : 'ADDED', obj);
    else if (was) deliver('DELETED', obj);
  };
  for (const step of steps) {
    if (step.t === 'put') put(structuredClone(step.obj));
    else if (step.t === 'del') {
      const k = objKey(step.kind, step.ns, step.name);
      const before = server.get(k);
      if (!before) continue;
      server.delete(k);
      const gone = {
        ...structuredClone(before),
        metadata: { ...before.metadata, resourceVersion: String(rv++) },
      };
      if (selected(step.kind, before)) deliver('DELETED', gone);
    } else if (step.t === 'touch') {
      const all = [...server.values()];
      if (all.length === 0) continue;
      const obj = structuredClone(all[step.pick % all.length] as Obj) as Obj & {
        spec?: { claimRef?: Record<string, unknown> };
        status?: unknown;
      };
      const labels = (obj.metadata.labels ?? {}) as Record<string, string>;
      if (obj.kind === 'PersistentVolume') {
        obj.status = { phase: step.phase };
        if (obj.spec?.claimRef) {
          if (step.uid) obj.spec.claimRef.uid = step.uid;
          else delete obj.spec.claimRef.uid;
        }
      } else if (obj.kind === 'Node') {
        if (step.pool) labels.pool = step.pool;
        else delete labels.pool;
      } else if (obj.kind === 'StatefulSet') {
        if (step.managed) labels['app.kubernetes.io/managed-by'] = 'ais-operator';
        else delete labels['app.kubernetes.io/managed-by'];
        labels['app.kubernetes.io/component'] = step.target ? 'target' : 'proxy';
      } else (obj as Record<string, unknown>).status = { state: step.phase };
      obj.metadata.labels = labels;
      put(obj);
    } else if (step.t === 'drop') feeds.connected = false;
    else if (step.t === 'relist') feeds.relist(listed());
    else verdicts(live, probes(server)); // fills the memos, as reviews between events do
  }
  // Reconnect at the end: the live context is then meant to hold the final set.
  if (!feeds.connected) feeds.relist(listed());
  return { live, server };
}

describe('live context after any event sequence', () => {
  it('judges like a context built from scratch from the same reduced objects', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 5, maxLength: 40, size: 'max' }), (steps) => {
        const { live, server } = runSteps(steps);
        const listed = [...server.values()].filter((o) => selected(o.kind as string, o)).map(shape);
        const fresh = new ClusterContext(listed);
        const subjects = probes(server);
        expect(verdicts(live, subjects)).toEqual(verdicts(fresh, subjects));
      }),
      { numRuns: 100 },
    );
  });

  it('judges like a context built from the full (unreduced) objects, as check/audit do', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 5, maxLength: 40, size: 'max' }), (steps) => {
        const { live, server } = runSteps(steps);
        // A Bound PV's claimRef.uid is dropped on purpose (reduce.ts, pv-claim-uid.ts): not compared.
        const full = new ClusterContext(
          [...server.values()].map((o) => {
            const c = structuredClone(o) as Obj & {
              spec?: { claimRef?: { uid?: string } };
              status?: { phase?: string };
            };
            if (c.kind === 'PersistentVolume' && c.status?.phase === 'Bound') delete c.spec?.claimRef?.uid;
            return c;
          }),
        );
        const subjects = probes(server);
        expect(verdicts(live, subjects)).toEqual(verdicts(full, subjects));
      }),
      { numRuns: 100 },
    );
  });
});

// The webhook judges from reduced objects, `check` from whole ones; a Bound PV keeps no claimRef.uid
// in the cache. Whether a provisioner made a PV for its claim (k8s.ts isMadeForItsClaim: a mount that
// needs no PV by hand) is read from what the cache keeps: found by an outside review ("today14c")
// when it was read from the uid.
describe('reduced like whole: a scale-out of a CR whose PVs a provisioner made', () => {
  const pinned = { 'kubernetes.io/hostname': 'n1' };
  const made = [0, 1].map((i) => ({
    ...madeForClaim(pv('x', { claim: claimName(i), host: 'n1', path: `/opt/pvc-${i}` }), `uid-${i}`),
    status: { phase: 'Bound' },
  }));
  const before = aistore({ size: 2, disable: true, nodeSelector: pinned });
  const after = aistore({ size: 3, disable: true, nodeSelector: pinned });
  const findings = (objects: KubeObject[]) =>
    evaluate({ operation: 'UPDATE', object: after, oldObject: before }, new ClusterContext(objects))
      .findings.filter((f) => f.ruleId === 'pv-target-binding')
      .map((f) => f.message);

  it('both say nothing is missing', () => {
    const whole: KubeObject[] = [node('n1'), before, ...made];
    const cached = whole.map(shape);
    expect(findings(cached)).toEqual([]);
    expect(findings(whole)).toEqual([]);
  });
});
