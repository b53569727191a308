// A review costs what its own AIStore deployment costs, not what the cluster does: the same review
// against a cluster ten times larger touches the same number of cached objects. Counted with the
// context's `visited` counter (objects its queries touch), not timed.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, targetCount, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, pvc, targetPod, targetStatefulSet } from '../support/builders.js';

const TARGETS = 6;
/** The AIStore nodes' taint, and the toleration a CR needs to use them (the class 5 path). */
const TAINT = { key: 'dedicated', value: 'ais', effect: 'NoSchedule' };
const TOLERATION = { key: 'dedicated', operator: 'Equal', value: 'ais', effect: 'NoSchedule' };

interface Shape {
  nodeSelector?: Record<string, string>;
  /** AIStore nodes tainted, the CR tolerating it. */
  tainted?: boolean;
  /** targetSpec.size -1 with autoScale.sizeLimit: the operator's count from the nodes. */
  autoScaled?: boolean;
}

function cr(shape: Shape): KubeObject {
  const object = aistore({ size: TARGETS, nodeSelector: shape.nodeSelector });
  const targetSpec = (object.spec as { targetSpec: Record<string, unknown> }).targetSpec;
  if (shape.tainted) targetSpec.tolerations = [TOLERATION];
  if (shape.autoScaled) {
    targetSpec.size = -1;
    targetSpec.autoScale = { sizeLimit: TARGETS + 4 };
  }
  return object;
}

const tainted = (object: KubeObject): KubeObject => ({ ...object, spec: { taints: [TAINT] } });

/** One AIStore deployment on `pool=ais` nodes, with a PV per target. */
function deployment(shape: Shape = {}): KubeObject[] {
  const objects: KubeObject[] = [cr(shape)];
  for (let i = 0; i < TARGETS; i++) {
    const aisNode = node(`ais-${i}`, { pool: 'ais' });
    objects.push(shape.tainted ? tainted(aisNode) : aisNode);
    objects.push(pv(`ais-pv-${i}`, { claim: claimName(i), host: `ais-${i}` }));
  }
  objects.push(targetStatefulSet({ replicas: TARGETS }));
  return objects;
}

/**
 * The rest of the cluster: `nodes` other nodes, 20 PVs each, claimed from other namespaces; every
 * tenth node cordoned and every seventh tainted, so taint and cordon checks have work to skip.
 */
function cluster(nodes: number): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let n = 0; n < nodes; n++) {
    const other = node(`node-${n}`, { pool: 'general', zone: `z${n % 3}` });
    const spec: Record<string, unknown> = {};
    if (n % 10 === 0) spec.unschedulable = true;
    if (n % 7 === 0) spec.taints = [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }];
    objects.push({ ...other, spec });
    for (let d = 0; d < 20; d++) {
      objects.push(
        pv(`pv-${n}-${d}`, { claim: `data-${d}`, claimNamespace: `team-${n}`, host: `node-${n}` }),
      );
    }
  }
  return objects;
}

const REVIEWS: [string, KubeObject][] = [
  ['a target Pod', targetPod({ ordinal: 1 })],
  ['a target PVC', pvc(claimName(2))],
  ['a target PV', pv('ais-pv-new', { claim: claimName(3), host: 'ais-3' })],
  ['the target StatefulSet', targetStatefulSet({ replicas: TARGETS })],
];

/** Objects the review's context queries touched; the review is run once first, as the webhook
 * does many: memos keyed by node version (the count of matching nodes) are then warm. */
function cost(objects: KubeObject[], object: KubeObject): number {
  const ctx = new ClusterContext(objects);
  evaluate({ operation: 'CREATE', object }, ctx);
  ctx.visited = 0;
  evaluate({ operation: 'CREATE', object }, ctx);
  return ctx.visited;
}

const SHAPES: [string, Shape][] = [
  ['a CR without a nodeSelector', {}],
  ['a CR with a nodeSelector', { nodeSelector: { pool: 'ais' } }],
  ['a CR with a nodeSelector and tolerations', { nodeSelector: { pool: 'ais' }, tainted: true }],
  [
    'an autoscaled CR with a nodeSelector and tolerations',
    { nodeSelector: { pool: 'ais' }, tainted: true, autoScaled: true },
  ],
  ['an autoscaled CR without a nodeSelector', { autoScaled: true }],
];

describe('per-review cost does not grow with the cluster', () => {
  for (const [crs, shape] of SHAPES) {
    it.each([...REVIEWS, ['the AIStore CR', cr(shape)] as [string, KubeObject]])(
      `%s of ${crs}: the same objects touched at 100 and 1,000 other nodes`,
      (_, object) => {
        const small = cost([...deployment(shape), ...cluster(100)], object);
        const large = cost([...deployment(shape), ...cluster(1000)], object);
        expect(small).toBeGreaterThan(0);
        expect(large).toBe(small);
      },
    );
  }

  it.each(SHAPES.filter(([, shape]) => shape.nodeSelector))(
    '%s costs the same on first sight: only the matching nodes are visited',
    (_, shape) => {
      const first = (others: number) => {
        const ctx = new ClusterContext([...deployment(shape), ...cluster(others)]);
        evaluate({ operation: 'CREATE', object: cr(shape) }, ctx);
        return ctx.visited;
      };
      expect(first(1000)).toBe(first(100));
    },
  );

  it('the indexed counts are the whole-cluster answers: schedulable nodes and the autoscaled target count', () => {
    const ctx = new ClusterContext([...deployment({ tainted: true }), ...cluster(30)]);
    const placement = (tolerations: unknown, nodeSelector: Record<string, string> = { pool: 'ais' }) => ({
      nodeSelector,
      tolerations,
    });
    expect(ctx.schedulableNodeCount(placement([TOLERATION]))).toBe(TARGETS);
    expect(ctx.schedulableNodeCount(placement(undefined))).toBe(0);
    // node-0..29 minus the gpu-tainted (0, 7, 14, 21, 28); the cordoned (0, 10, 20) count: a cordon is
    // lifted again. The ais nodes are tainted.
    expect(ctx.schedulableNodeCount(placement(undefined, {}))).toBe(30 - 5);
    const autoScaled = (shape: Shape) =>
      targetCount(cr({ ...shape, autoScaled: true }) as Parameters<typeof targetCount>[0], ctx);
    expect(autoScaled({ nodeSelector: { pool: 'ais' }, tainted: true })).toBe(TARGETS);
    expect(autoScaled({ nodeSelector: { pool: 'ais' } })).toBe(0);
    // The operator counts cordoned nodes (labels and taints only): 30 - 5 gpu-tainted, capped at sizeLimit.
    expect(autoScaled({})).toBe(TARGETS + 4);
  });

  it('a Node status update keeps the memo, a label change drops it', () => {
    const ctx = new ClusterContext([...deployment(), ...cluster(10)]);
    const matching = (nodeSelector: Record<string, string>) =>
      ctx.schedulableNodeCount({ nodeSelector, tolerations: undefined });
    // node-0 is cordoned and tainted, node-7 tainted.
    expect(matching({ pool: 'ais' })).toBe(TARGETS);
    const version = ctx.nodeVersion;
    const probes = ctx.version; // memo() of PV-derived answers must survive node heartbeats too
    const heartbeat = { ...node('ais-0', { pool: 'ais' }), status: { conditions: [] } };
    ctx.upsert(heartbeat);
    expect(ctx.nodeVersion).toBe(version);
    expect(ctx.version).toBe(probes);
    // The fresher object is the one the context hands out (one copy, the informer's).
    expect(ctx.nodesLabelled({ pool: 'ais' }).filter((n) => n === heartbeat)).toHaveLength(1);
    expect(ctx.nodes.filter((n) => n.metadata?.name === 'ais-0')).toEqual([heartbeat]);
    ctx.upsert(node('ais-0', { pool: 'other' }));
    expect(ctx.nodeVersion).toBe(version + 1);
    expect(matching({ pool: 'ais' })).toBe(TARGETS - 1);
    ctx.remove(node('ais-1'));
    expect(matching({ pool: 'ais' })).toBe(TARGETS - 2);
    expect(matching({})).toBe(TARGETS - 1 + 10 - 2);
  });

  it('PVC upsert and remove keep claimInUse in step', () => {
    const ctx = new ClusterContext(deployment());
    expect(ctx.claimInUse('ais', 'other')).toBe(false);
    ctx.upsert(pvc('other'));
    expect(ctx.claimInUse('ais', 'other')).toBe(true);
    ctx.remove(pvc('other'));
    expect(ctx.claimInUse('ais', 'other')).toBe(false);
    expect(ctx.claimInUse('ais', claimName(0))).toBe(true); // a PV is pre-bound to it
  });

  it('a memo lasts one version: a PV event drops what was derived before it', () => {
    const ctx = new ClusterContext(deployment());
    const before = ctx.memo('probe', () => ctx.pvsForTargetsOf('ais', 'ais').length);
    expect(before).toBe(TARGETS);
    ctx.remove(pv('ais-pv-0', { claim: claimName(0) }));
    expect(ctx.memo('probe', () => ctx.pvsForTargetsOf('ais', 'ais').length)).toBe(TARGETS - 1);
  });

  it('a PV event that changes only the binding state keeps the memo; any other change drops it', () => {
    const ctx = new ClusterContext(deployment());
    const versioned = (resourceVersion: string, o = pv('ais-pv-0', { claim: claimName(0) })) => ({
      ...o,
      metadata: { ...o.metadata, resourceVersion },
    });
    ctx.upsert(versioned('1'));
    const version = ctx.version;
    const fresher = versioned('2'); // the cache drops status: a phase change arrives as this
    ctx.upsert(fresher);
    expect(ctx.version).toBe(version);
    // The fresher object replaces the old one everywhere: the informer holds it, so one copy, not two.
    expect(ctx.pvsForClaim('ais', claimName(0))).toEqual([fresher]);
    expect(ctx.pvsForClaim('ais', claimName(0))[0]).toBe(fresher);
    expect(ctx.pvsForTargetsOf('ais', 'ais').filter((p: unknown) => p === fresher)).toHaveLength(1);
    expect(ctx.pvs.filter((p) => p.metadata?.name === 'ais-pv-0')).toEqual([fresher]);
    ctx.upsert(versioned('3', pv('ais-pv-0', { claim: claimName(1) })));
    expect(ctx.version).toBe(version + 1);
    expect(ctx.pvsForClaim('ais', claimName(0))).toHaveLength(0);
    // Binding state (phase, and the claimRef uid the cache keeps off Bound) is read from the object
    // by rules, never by an index or a memo: the object is swapped, the memo kept.
    const released = versioned('4', pv('ais-pv-0', { claim: claimName(1) }));
    (released as { spec?: { claimRef: Record<string, unknown> } }).spec!.claimRef.uid =
      'uid-of-a-deleted-claim';
    ctx.upsert({ ...released, status: { phase: 'Released' } });
    expect(ctx.version).toBe(version + 1);
    const found = ctx.pvsForClaim('ais', claimName(1)).find((p) => p.metadata?.name === 'ais-pv-0');
    expect(found?.status).toEqual({ phase: 'Released' });
    ctx.upsert(versioned('5', { ...pv('ais-pv-0', { claim: claimName(1), capacity: '1Ti' }) }));
    expect(ctx.version).toBe(version + 2);
  });

  it('PV upsert and remove keep the claim, target-CR and host indexes in step', () => {
    const ctx = new ClusterContext(deployment());
    ctx.upsert(pv('ais-pv-0', { claim: claimName(0), host: 'ais-5' })); // moved to another node
    expect(ctx.pvsOnHost('ais-0')).toHaveLength(0);
    expect(ctx.pvsOnHost('ais-5').map((p) => p.metadata?.name)).toEqual(['ais-pv-5', 'ais-pv-0']);
    ctx.remove(pv('ais-pv-0', { claim: claimName(0) }));
    expect(ctx.pvsForClaim('ais', claimName(0))).toHaveLength(0);
    expect(ctx.pvsForTargetsOf('ais', 'ais')).toHaveLength(TARGETS - 1);
    expect(ctx.pvs).toHaveLength(TARGETS - 1);
    expect(ctx.hostsOfVolumes()).not.toContain('ais-0');
  });
});
