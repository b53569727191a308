// review ctx24 (held, not failing): the live context (reduced objects, event by event, drops and
// relists) judges like one built from scratch from the final objects, reduced or whole, with shapes
// the earlier property tests do not generate: Node hostname labels that differ from the Node name
// and change, Nodes deleted (hostMissing), PVs pinned to two nodes or losing their node affinity, PVs
// being deleted, claimRefs moving between namespaces, CRs and state claims, discovered disks,
// useHostPath and autoscaled CRs, and the fields the apiserver adds that reduce.ts drops (Node status
// and annotations, PV finalizers and bound-by-controller, StatefulSet status). A context seeded with
// a dropped pvsByHost delete fails it at once. The order of CR events is kept the same in both (see
// review-ctx24-event-order.test.ts for what differs when it is not).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext, type KubeObject } from '../../src/policy/index.js';
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
import { keyOf, LiveFeeds, shape, verdicts } from '../support/watch-property.js';

type Obj = KubeObject & {
  metadata: Record<string, unknown>;
  spec?: Record<string, unknown>;
  status?: unknown;
};
const NS = ['ais', 'b'];
const NODES = ['n1', 'n2', 'n3'];

const arbNode = fc
  .record({
    name: fc.constantFrom(...NODES),
    hostname: fc.constantFrom<string | null>(null, 'h1', 'n1', 'n2'),
    pool: fc.constantFrom(undefined, 'a'),
    taint: fc.boolean(),
    cordon: fc.boolean(),
  })
  .map(({ name, hostname, pool, taint, cordon }) => {
    const n = node(name, pool ? { pool } : {}) as Obj;
    if (hostname) (n.metadata.labels as Record<string, string>)['kubernetes.io/hostname'] = hostname;
    const spec: Record<string, unknown> = {};
    if (taint) spec.taints = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }];
    if (cordon) spec.unschedulable = true;
    if (Object.keys(spec).length) n.spec = spec;
    return n;
  });

const CLAIMS = (ns: string) => [
  claimName(0),
  claimName(1),
  claimName(2),
  claimName(0, 'x'),
  `${ns}-ais-state-ais-target-0`,
  `${ns}-ais-state-ais-target-1`,
  'scratch',
];

const arbPV = fc
  .record({
    name: fc.constantFrom('p1', 'p2', 'p3', 'local-pv-1'),
    ns: fc.constantFrom(...NS),
    claim: fc.integer({ min: 0, max: 7 }),
    hosts: fc.constantFrom<string[] | null>(['n1'], ['n2'], ['h1'], ['n1', 'n2'], null),
    path: fc.constantFrom('/a', '/a/b', '/mnt'),
    phase: fc.constantFrom('Bound', 'Released', 'Available'),
    uid: fc.constantFrom(undefined, 'u1'),
    deleting: fc.boolean(),
    discovered: fc.boolean(),
  })
  .map((o) => {
    const claims = CLAIMS(o.ns);
    let p: Obj;
    if (o.discovered) {
      p = discoveredDisk({ host: o.hosts?.[0] ?? 'n1', path: o.path, name: o.name }) as Obj;
    } else p = pv(o.name, { claim: 'x', host: o.hosts, path: o.path, local: true }) as Obj;
    if (o.claim < claims.length)
      p.spec!.claimRef = {
        kind: 'PersistentVolumeClaim',
        namespace: o.ns,
        name: claims[o.claim],
        ...(o.uid && { uid: o.uid }),
      };
    else delete p.spec!.claimRef;
    if (o.deleting) p.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    p.status = { phase: o.phase };
    return p;
  });

const arbCR = fc
  .record({
    ns: fc.constantFrom(...NS),
    name: fc.constantFrom('ais', 'x'),
    size: fc.constantFrom(1, 2, 3, -1),
    disable: fc.boolean(),
    sel: fc.constantFrom<Record<string, string> | undefined>(
      undefined,
      { pool: 'a' },
      { 'kubernetes.io/hostname': 'h1' },
    ),
    hostPath: fc.boolean(),
    state: fc.boolean(),
  })
  .map((o) => {
    const cr = aistore({
      name: o.name,
      namespace: o.ns,
      size: o.size,
      disable: o.disable,
      nodeSelector: o.sel,
      mounts: o.hostPath
        ? [
            { path: '/mnt', size: '1Ti', useHostPath: true },
            { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' },
          ]
        : undefined,
    }) as Obj;
    if (o.state) cr.spec = { ...cr.spec, stateStorage: { pvc: { storageClass: 'local' } } };
    return cr;
  });

const arbSts = fc
  .record({
    ns: fc.constantFrom(...NS),
    cr: fc.constantFrom('ais', 'x'),
    replicas: fc.integer({ min: 0, max: 3 }),
    state: fc.boolean(),
  })
  .map(
    (o) =>
      targetStatefulSet({
        cr: o.cr,
        namespace: o.ns,
        replicas: o.replicas,
        templates: [`${o.cr}-data-aistore`, ...(o.state ? [`${o.ns}-${o.cr}-state`] : [])],
      }) as Obj,
  );

type Step =
  | { t: 'put'; obj: Obj }
  | { t: 'del'; kind: string; ns: string; name: string }
  | { t: 'drop' }
  | { t: 'relist' }
  | { t: 'probe' };

const arbObj = fc.oneof(arbNode, arbPV, arbPV, arbCR, arbSts);
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: arbObj.map((obj) => ({ t: 'put' as const, obj })) },
  {
    weight: 2,
    arbitrary: arbObj.map((o) => ({
      t: 'del' as const,
      kind: o.kind as string,
      ns: (o.metadata.namespace as string | undefined) ?? '',
      name: o.metadata.name as string,
    })),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'drop' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'relist' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'probe' as const }) },
);

function probes(server: Map<string, Obj>): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ns of NS)
    for (const cr of ['ais', 'x']) {
      out.push(aistore({ name: cr, namespace: ns, size: 3 }));
      out.push(aistore({ name: cr, namespace: ns, size: -1, disable: true }));
      out.push(
        aistore({
          name: cr,
          namespace: ns,
          size: 2,
          disable: true,
          nodeSelector: { 'kubernetes.io/hostname': 'h1' },
        }),
      );
      for (const ordinal of [0, 1]) out.push(pvc(claimName(ordinal, cr), { namespace: ns }));
      out.push(pvc(`${ns}-${cr}-state-${cr}-target-0`, { namespace: ns }));
      out.push(targetPod({ cr, namespace: ns, ordinal: 0, claims: [claimName(0, cr)] }));
      out.push(targetPod({ cr, namespace: ns, ordinal: 1, claims: [claimName(1, cr)] }));
      out.push(targetStatefulSet({ cr, namespace: ns, replicas: 3 }));
      for (const host of ['n1', 'h1', 'n3'])
        out.push(
          pv(`probe-${host}`, { claim: claimName(1, cr), claimNamespace: ns, host, path: '/a', local: true }),
        );
    }
  out.push(discoveredDisk({ host: 'n1', path: '/a', name: 'local-pv-probe' }));
  for (const obj of server.values())
    if (obj.kind === 'PersistentVolume' || obj.kind === 'AIStore') out.push(obj);
  return out;
}

/** What the apiserver adds that the cache drops (reduce.ts): no rule may read it. */
function noise(obj: Obj) {
  obj.metadata.uid = `uid-${obj.kind as string}-${obj.metadata.name as string}`;
  obj.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  obj.metadata.generation = 3;
  obj.metadata.managedFields = [{ manager: 'kubectl', operation: 'Update' }];
  obj.metadata.annotations = { ...(obj.metadata.annotations as object), 'x/noise': 'y' };
  if (obj.kind === 'PersistentVolume') {
    (obj.metadata.annotations as Record<string, string>)['pv.kubernetes.io/bound-by-controller'] = 'yes';
    obj.metadata.finalizers = ['kubernetes.io/pv-protection'];
    const ref = obj.spec?.claimRef as Record<string, unknown> | undefined;
    if (ref) Object.assign(ref, { apiVersion: 'v1', resourceVersion: '77' });
    obj.spec!.mountOptions = ['noatime'];
    if (obj.spec?.local) (obj.spec.local as Record<string, unknown>).fsType = 'xfs';
    obj.status = { ...(obj.status as object), message: 'm', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' };
  }
  if (obj.kind === 'Node') {
    obj.spec = { ...obj.spec, podCIDR: '10.0.0.0/24', providerID: 'aws:///x' };
    obj.status = {
      conditions: [{ type: 'Ready', status: 'False' }],
      addresses: [{ type: 'Hostname', address: 'zz' }],
      allocatable: { cpu: '1', pods: '0' },
      nodeInfo: { kubeletVersion: 'v1.30.0' },
    };
  }
  if (obj.kind === 'StatefulSet')
    obj.status = {
      replicas: 1,
      readyReplicas: 0,
      currentRevision: 'a',
      updateRevision: 'b',
      availableReplicas: 0,
    };
  if (obj.kind === 'AIStore') obj.status = { state: 'Ready', conditions: [] };
}

function run(steps: Step[]) {
  const feeds = new LiveFeeds();
  const { live } = feeds;
  const server = new Map<string, Obj>();
  let rv = 1;
  const deliver = (phase: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj) => feeds.deliver(phase, obj);
  const relist = () => feeds.relist([...server.values()]);
  for (const step of steps) {
    if (step.t === 'put') {
      const obj = structuredClone(step.obj);
      const k = `${obj.kind as string}|${keyOf(obj)}`;
      const before = server.get(k);
      obj.metadata.resourceVersion = String(rv++);
      noise(obj);
      server.set(k, obj);
      deliver(before ? 'MODIFIED' : 'ADDED', obj);
    } else if (step.t === 'del') {
      const k = `${step.kind}|${step.ns}/${step.name}`;
      const before = server.get(k);
      if (!before) continue;
      server.delete(k);
      deliver('DELETED', {
        ...structuredClone(before),
        metadata: { ...before.metadata, resourceVersion: String(rv++) },
      });
    } else if (step.t === 'drop') feeds.connected = false;
    else if (step.t === 'relist') relist();
    else verdicts(live, probes(server), keyOf);
  }
  if (!feeds.connected) relist();
  return { live, server };
}

describe('review ctx24: live context vs scratch, wider shapes', () => {
  it('judges every probe as a context built from the final reduced objects', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 5, maxLength: 40 }), (steps) => {
        const { live, server } = run(steps);
        const fresh = new ClusterContext([...server.values()].map(shape));
        const subjects = probes(server);
        expect(verdicts(live, subjects, keyOf)).toEqual(verdicts(fresh, subjects, keyOf));
      }),
      { numRuns: 150 },
    );
  });
});

describe('review ctx24: live (reduced) vs whole objects, wider shapes', () => {
  it('judges every probe as check/audit would from the whole objects (a Bound PV without its uid)', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 5, maxLength: 40 }), (steps) => {
        const { live, server } = run(steps);
        const whole = new ClusterContext(
          [...server.values()].map((o) => {
            const c = structuredClone(o);
            const ref = c.spec?.claimRef as Record<string, unknown> | undefined;
            if (c.kind === 'PersistentVolume' && (c.status as { phase?: string })?.phase === 'Bound')
              delete ref?.uid;
            return c;
          }),
        );
        const subjects = probes(server);
        expect(verdicts(live, subjects, keyOf)).toEqual(verdicts(whole, subjects, keyOf));
      }),
      { numRuns: 100 },
    );
  });
});
