// The planner's core: placement rules, the errors it gives, and — for any map it can plan — a PV set
// that the guard itself finds nothing to say about.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { ClusterContext, evaluate } from '../../src/policy/index.js';
import { parseDiskMap, PlanError, planVolumes, readiness, type DiskNode } from '../../src/plan/index.js';
import { aistore, type MountSpec } from '../support/builders.js';

const disks = (n: number, size = '8Ti') =>
  Array.from({ length: n }, (_, i) => ({ path: `/mnt/sd${String.fromCharCode(97 + i)}`, size }));
const map = (nodes: Record<string, unknown[]>): DiskNode[] => parseDiskMap(nodes);
const threeByFour = () => map({ 'node-1': disks(4), 'node-2': disks(4), 'node-3': disks(4) });
const cr = (o: Parameters<typeof aistore>[0] = {}) => aistore({ disable: true, ...o }) as AIStoreCR;
const hostOf = (pv: { spec?: unknown }) =>
  (
    pv.spec as {
      nodeAffinity: { required: { nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[] } };
    }
  ).nodeAffinity.required.nodeSelectorTerms[0]!.matchExpressions[0]!.values[0];

describe('placement', () => {
  it('3 nodes × 4 disks, 6 targets: round-robin, two per node, first disks first', () => {
    const plan = planVolumes(cr({ size: 6 }), threeByFour());
    expect(plan.placements.map((p) => `${p.ordinal}@${p.node}:${p.disks[0]!.path}`)).toEqual([
      '0@node-1:/mnt/sda',
      '1@node-2:/mnt/sda',
      '2@node-3:/mnt/sda',
      '3@node-1:/mnt/sdb',
      '4@node-2:/mnt/sdb',
      '5@node-3:/mnt/sdb',
    ]);
    expect(plan.volumes[3]).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'ais.ais-data-aistore-ais-target-3' },
      spec: {
        capacity: { storage: '8Ti' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'ais-local-storage',
        local: { path: '/mnt/sdb' },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace: 'ais',
          name: 'ais-data-aistore-ais-target-3',
        },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] },
            ],
          },
        },
      },
    });
  });

  it('fills the nodes with room once a small node is full', () => {
    const plan = planVolumes(cr({ size: 5 }), map({ a: disks(1), b: disks(4) }));
    expect(plan.placements.map((p) => p.node)).toEqual(['a', 'b', 'b', 'b', 'b']);
  });

  it('gives every target one disk per mount, all on its node, and finds the matching a greedy pick misses', () => {
    // /mnt/fast can back either mount, /mnt/slow only /data/a: taking /mnt/fast for /data/a first
    // (map order) would leave /data/b without a disk.
    const mounts: MountSpec[] = [
      { path: '/data/a', size: '1Ti' },
      { path: '/data/b', size: '1Ti', storageClass: 'nvme' },
    ];
    const nodes = map({
      n1: [
        { path: '/mnt/fast', size: '2Ti', class: 'nvme' },
        { path: '/mnt/slow', size: '2Ti', class: 'hdd' },
      ],
    });
    const plan = planVolumes(cr({ size: 1, mounts }), nodes);
    expect(plan.placements[0]!.disks.map((d) => d.path)).toEqual(['/mnt/slow', '/mnt/fast']);
    // The disk's class wins where the mount gives none, and must equal it where it does.
    expect(plan.volumes.map((v) => v.spec?.storageClassName)).toEqual(['hdd', 'nvme']);
  });

  it('honours a nodeSelector that pins one host', () => {
    const plan = planVolumes(
      cr({ size: 3, nodeSelector: { 'kubernetes.io/hostname': 'node-2' } }),
      threeByFour(),
    );
    expect(new Set(plan.volumes.map(hostOf))).toEqual(new Set(['node-2']));
  });

  it('copies the mount selector labels onto the PVs, and leaves the class out when nothing gives one', () => {
    const raw = cr({ size: 1, mounts: [{ path: '/data', size: '1Ti' }] });
    (raw.spec!.targetSpec!.mounts as Record<string, unknown>[])[0]!.selector = {
      matchLabels: { disk: 'ssd' },
    };
    const [pv] = planVolumes(raw, map({ n: disks(1) })).volumes;
    expect(pv!.metadata?.labels).toEqual({ disk: 'ssd' });
    expect(pv!.spec?.storageClassName).toBeUndefined();
  });

  it('plans an autoscaled CR with --targets, one target per node', () => {
    const plan = planVolumes(cr({ size: -1 }), threeByFour(), { targets: 3 });
    expect(plan.volumes).toHaveLength(3);
  });
});

describe('existing PVs (--diff, --diff-cluster): which targets keep their disks', () => {
  const at = (plan: ReturnType<typeof planVolumes>) =>
    plan.placements.map((p) => `${p.ordinal}@${p.node}:${p.disks.map((d) => d.path).join('+')}`);
  // The PVs a first plan made, as they stand in the cluster (Bound to their claims).
  const made = (c: AIStoreCR, nodes: DiskNode[]) =>
    planVolumes(c, nodes).volumes.map((v) => structuredClone(v));
  const onDisk = (pv: { spec?: unknown }, path: string) =>
    ((pv.spec as { local: { path: string } }).local.path = path);

  it('a scale-out keeps every target on its disks and plans only the new ones, with nothing to warn of', () => {
    const existing = made(cr({ size: 3 }), threeByFour());
    const plan = planVolumes(cr({ size: 4 }), threeByFour(), { existing });
    expect(at(plan)).toEqual([
      '0@node-1:/mnt/sda',
      '1@node-2:/mnt/sda',
      '2@node-3:/mnt/sda',
      '3@node-1:/mnt/sdb',
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('a mount grown past its disk: the target is planned on a disk that fits, and the reader is told why', () => {
    const nodes = map({ 'node-1': [...disks(2, '4Ti'), ...disks(4, '16Ti').slice(2)] });
    const existing = made(cr({ size: 1, mounts: [{ path: '/data', size: '4Ti' }] }), nodes);
    // The claim now asks 8Ti: a binder never binds it to the 4Ti PV on /mnt/sda.
    const plan = planVolumes(cr({ size: 1, mounts: [{ path: '/data', size: '8Ti' }] }), nodes, { existing });
    expect(at(plan)).toEqual(['0@node-1:/mnt/sdc']);
    expect(plan.warnings).toEqual([
      "ais-target-0 is planned on other disks: disk node-1:/mnt/sda no longer fits: 4Ti is smaller than mount /data's 8Ti; its existing PVs do not serve it",
    ]);
  });

  it('a mount given another class: the disk of the old class is not kept', () => {
    const nodes = map({
      n: [
        { path: '/mnt/h', size: '8Ti', class: 'hdd' },
        { path: '/mnt/s', size: '8Ti', class: 'ssd' },
      ],
    });
    const existing = made(
      cr({ size: 1, mounts: [{ path: '/data', size: '8Ti', storageClass: 'hdd' }] }),
      nodes,
    );
    const plan = planVolumes(
      cr({ size: 1, mounts: [{ path: '/data', size: '8Ti', storageClass: 'ssd' }] }),
      nodes,
      {
        existing,
      },
    );
    expect(at(plan)).toEqual(['0@n:/mnt/s']);
    expect(plan.warnings[0]).toMatch(/disk n:\/mnt\/h no longer fits: class hdd, mount \/data wants ssd/);
  });

  it('two targets whose PVs name one disk: the first keeps it, the second is placed on a free disk', () => {
    const existing = made(cr({ size: 2 }), threeByFour());
    // Hand-edited: target 1's PV now names node-1:/mnt/sda too (one disk, two targets' data).
    const second = existing[1]!;
    onDisk(second, '/mnt/sda');
    (second.spec as { nodeAffinity: unknown }).nodeAffinity = existing[0]!.spec!.nodeAffinity;
    const plan = planVolumes(cr({ size: 2 }), threeByFour(), { existing });
    expect(at(plan)).toEqual(['0@node-1:/mnt/sda', '1@node-2:/mnt/sda']);
    expect(plan.warnings).toEqual([
      'ais-target-1 is planned on other disks: disk node-1:/mnt/sda also backs ais-target-0; its existing PVs do not serve it',
    ]);
  });

  it("one target's two mounts on one disk: placed anew", () => {
    const mounts: MountSpec[] = [
      { path: '/data/a', size: '1Ti' },
      { path: '/data/b', size: '1Ti' },
    ];
    const existing = made(cr({ size: 1, mounts }), map({ n: disks(4) }));
    const shared = (existing[0]!.spec as { local: { path: string } }).local.path;
    onDisk(existing[1]!, shared);
    const plan = planVolumes(cr({ size: 1, mounts }), map({ n: disks(4) }), { existing });
    const placed = plan.placements[0]!.disks.map((d) => d.path);
    expect(new Set(placed).size).toBe(2);
    expect(placed).not.toContain(shared);
    expect(plan.warnings).toEqual([
      `ais-target-0 is planned on other disks: disk n:${shared} also backs another mount of the same target; its existing PVs do not serve it`,
    ]);
  });
});

describe('autoscaled CRs', () => {
  it('--targets below the nodes of the map that can hold one is planned, with a warning naming the count', () => {
    const plan = planVolumes(cr({ size: -1 }), threeByFour(), { targets: 2 });
    expect(plan.volumes).toHaveLength(2);
    expect(plan.warnings).toEqual([
      'the CR autoscales its targets, one per node its nodeSelector matches: 3 node(s) of the disk map can hold one, and --targets 2 plans PVs for 2; if more of those nodes match, their targets get no PV and stay Pending: give --targets 3, or leave those nodes out of the map',
    ]);
    expect(planVolumes(cr({ size: -1 }), threeByFour(), { targets: 3 }).warnings).toEqual([]);
  });

  it('autoScale.sizeLimit caps what the operator runs: --targets at the limit has nothing to warn of', () => {
    const limited = cr({ size: -1 });
    (limited.spec!.targetSpec as Record<string, unknown>).autoScale = { sizeLimit: 2 };
    expect(planVolumes(limited, threeByFour(), { targets: 2 }).warnings).toEqual([]);
  });
});

describe('errors (exit 2 with a reason)', () => {
  it.each([
    ['not enough disks', cr({ size: 13 }), /^not enough disks: 13 target\(s\).*the map holds 12 target\(s\)/],
    [
      'disks smaller than the mount',
      cr({ size: 2, mounts: [{ path: '/data/aistore', size: '9Ti', storageClass: 'x' }] }),
      /^disks smaller than the mount size: .*node-1:\/mnt\/sda \(8Ti is smaller than mount \/data\/aistore's 9Ti\)/,
    ],
    ['autoscale without --targets', cr({ size: -1 }), /autoscales its targets.*give --targets N/],
    ['no PVC-backed mount', cr({ mounts: [{ path: '/ais', useHostPath: true }] }), /no PVC-backed mount/],
    [
      'a pinned host not in the map',
      cr({ nodeSelector: { 'kubernetes.io/hostname': 'node-9' } }),
      /pins every target to node-9, which the disk map does not list/,
    ],
    [
      'a mount without a size (its claims would request no storage)',
      cr({ mounts: [{ path: '/data', storageClass: 'x' }] }),
      /mount \/data has no size: its claims would request no storage/,
    ],
    [
      'a mount under one byte',
      cr({ mounts: [{ path: '/data', size: '0.5' }] }),
      /size "0.5" is under one byte/,
    ],
    [
      'an invalid claim template',
      cr({ mounts: [{ path: '/Data', size: '1Ti' }] }),
      /claim template "ais-Data", which is not a DNS-1123 label/,
    ],
  ])('%s', (_name, resource, reason) => {
    expect(() => planVolumes(resource, threeByFour())).toThrow(PlanError);
    expect(() => planVolumes(resource, threeByFour())).toThrow(reason);
  });

  // -1 in spec.size wins over targetSpec.size (operator GetTargetSize, IsTargetAutoScaling): the
  // count is the matching nodes', which the disk map does not say.
  const autoscaledOverSize = (autoScale?: Record<string, unknown>) => {
    const resource = structuredClone(cr({ size: 4 })) as AIStoreCR & {
      spec: { targetSpec: Record<string, unknown> };
    };
    resource.spec.size = -1;
    if (autoScale) resource.spec.targetSpec.autoScale = autoScale;
    return resource;
  };

  it('spec.size -1 beside targetSpec.size autoscales: --targets is needed, and taken', () => {
    expect(() => planVolumes(autoscaledOverSize(), threeByFour())).toThrow(/autoscales its targets/);
    expect(planVolumes(autoscaledOverSize(), threeByFour(), { targets: 2 }).volumes).toHaveLength(2);
  });

  it('autoscaled: one target per node, so --targets past the nodes that can hold one is refused', () => {
    const pinned = structuredClone(cr({ size: -1, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }));
    expect(() => planVolumes(pinned, threeByFour(), { targets: 2 })).toThrow(
      /autoscales its targets, one per node its nodeSelector matches: --targets 2 is more than the 1 node\(s\)/,
    );
    const spread = planVolumes(cr({ size: -1 }), threeByFour(), { targets: 3 });
    expect(new Set(spread.placements.map((p) => p.node)).size).toBe(3);
  });

  it('--targets past autoScale.sizeLimit is refused', () => {
    expect(() => planVolumes(autoscaledOverSize({ sizeLimit: 3 }), threeByFour(), { targets: 5 })).toThrow(
      /--targets 5, but spec.targetSpec.autoScale.sizeLimit caps the CR at 3/,
    );
  });

  it('--targets must agree with the CR', () => {
    expect(() => planVolumes(cr({ size: 6 }), threeByFour(), { targets: 4 })).toThrow(
      /--targets 4, but the CR asks for 6/,
    );
  });

  it('a CR without a namespace needs one given', () => {
    const resource = cr();
    delete resource.metadata!.namespace;
    expect(() => planVolumes(resource, threeByFour())).toThrow(/give --namespace/);
    expect(
      planVolumes(resource, threeByFour(), { namespace: 'x' }).volumes[0]!.spec?.claimRef?.namespace,
    ).toBe('x');
  });

  it.each([
    [[], /expected a mapping/],
    [{ n: 'sda' }, /n: expected a list of disks/],
    [{ n: [{ path: '/a', size: '1Ti', szie: 1 }] }, /unknown key\(s\) szie/],
    [{ n: [{ path: 'a', size: '1Ti' }] }, /absolute mount point/],
    [{ n: [{ path: '/a', size: 'big' }] }, /positive Kubernetes quantity/],
    [{ n: [{ path: '/a' }] }, /positive Kubernetes quantity/],
    [{ n: [{ path: '/a', size: '1Ti', class: 'Fast!' }] }, /storage class name/],
    [{ N_1: [] }, /not a valid node name/],
    [{ n: disks(2).map(() => ({ path: '/a', size: '1Ti' })) }, /disk \/a is listed twice/],
  ])('the disk map %j', (doc, reason) => {
    expect(() => parseDiskMap(doc)).toThrow(reason);
  });
});

describe('readiness', () => {
  it('a ready CR gets no note; anti-affinity on or a hostPort is named, with the rule', () => {
    expect(readiness(cr({ size: 6 }), planVolumes(cr({ size: 6 }), threeByFour()).volumes)).toEqual([]);
    const notReady = aistore({ size: 6, hostPort: 51081 });
    const notes = readiness(notReady, planVolumes(notReady as AIStoreCR, threeByFour()).volumes);
    // With the host port, the planned PVs (two targets a node) are refused too: the targets ask for
    // one port on each node (pv-target-binding, review "day2").
    // One note for them, naming the others: the same rule and fix, one cause.
    expect(notes.map((n) => [`${n.object} ${n.finding.ruleId}`, n.alike])).toEqual([
      ['AIStore ais/ais anti-affinity-not-disabled', []],
      ['AIStore ais/ais target-host-port', []],
      [
        'PersistentVolume ais.ais-data-aistore-ais-target-0 pv-target-binding',
        [1, 2, 3, 4, 5].map((n) => `PersistentVolume ais.ais-data-aistore-ais-target-${n}`),
      ],
    ]);
  });
});

// Any map the planner accepts: the invariants of the layout hold, and the CR with its PVs is clean.
describe('for any plannable map', () => {
  const diskArb = fc.record({
    size: fc.constantFrom('1Ti', '4Ti', '8Ti'),
    class: fc.option(fc.constantFrom('fast', 'slow'), { nil: undefined }),
  });
  const nodesArb = fc.array(fc.array(diskArb, { maxLength: 5 }), { minLength: 1, maxLength: 4 });
  const mountsArb = fc.array(
    fc.record({
      // A mount without a size is a PlanError (the table above): every generated one has one.
      size: fc.constantFrom('512Gi', '1Ti', '2Ti'),
      storageClass: fc.option(fc.constantFrom('fast', 'slow'), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3 },
  );

  it('places targets by the rules and passes the guard', () => {
    let planned = 0;
    fc.assert(
      fc.property(nodesArb, mountsArb, fc.integer({ min: 1, max: 6 }), (nodeDisks, mountSpecs, size) => {
        const doc = Object.fromEntries(
          nodeDisks.map((list, n) => [
            `node-${n}`,
            list.map((d, i) => ({ path: `/mnt/d${i}`, size: d.size, ...(d.class && { class: d.class }) })),
          ]),
        );
        const mounts = mountSpecs.map((m, i) => ({ path: `/data/m${i}`, ...m }));
        const resource = cr({ size, mounts });
        let plan;
        try {
          plan = planVolumes(resource, parseDiskMap(doc));
        } catch (err) {
          if (err instanceof PlanError) return; // infeasible maps are the error tests' business
          throw err;
        }
        planned++;
        const disksUsed = plan.placements.flatMap((p) => p.disks.map((d) => `${d.node}:${d.path}`));
        expect(new Set(disksUsed).size).toBe(disksUsed.length); // no disk shared
        for (const p of plan.placements) {
          expect(p.disks).toHaveLength(mounts.length);
          expect(new Set(p.disks.map((d) => d.node))).toEqual(new Set([p.node])); // one node per target
        }
        // Balanced: a node with two targets fewer than another is one that cannot take more.
        const count = (node: string) => plan.placements.filter((p) => p.node === node).length;
        for (const a of plan.nodes)
          for (const b of plan.nodes)
            if (count(a.name) + 1 < count(b.name))
              expect(() => planVolumes(cr({ size: count(a.name) + 1, mounts }), [a])).toThrow(PlanError);
        // The guard's verdict on the CR and its PVs, judged together as `check` does: nothing to say.
        const ctx = new ClusterContext([resource, ...plan.volumes]);
        for (const object of [resource, ...plan.volumes])
          expect(evaluate({ operation: 'CREATE', object }, ctx).findings).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(planned).toBeGreaterThan(50); // the generator must reach plannable maps, not only errors
  });
});
