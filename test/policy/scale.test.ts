// A review costs what its own AIStore deployment costs, not what the cluster does: the same review
// against a cluster ten times larger touches the same number of cached objects. Counted with the
// context's `visited` counter (objects its queries touch), not timed.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, pvc, targetPod, targetStatefulSet } from '../support/builders.js';

const TARGETS = 6;

/** One AIStore deployment on `pool=ais` nodes, with a PV per target. */
function deployment(nodeSelector?: Record<string, string>): KubeObject[] {
  const objects: KubeObject[] = [aistore({ size: TARGETS, nodeSelector })];
  for (let i = 0; i < TARGETS; i++) {
    objects.push(node(`ais-${i}`, { pool: 'ais' }));
    objects.push(pv(`ais-pv-${i}`, { claim: claimName(i), host: `ais-${i}` }));
  }
  objects.push(targetStatefulSet({ replicas: TARGETS }));
  return objects;
}

/** The rest of the cluster: `nodes` other nodes, 20 PVs each, claimed from other namespaces. */
function cluster(nodes: number): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let n = 0; n < nodes; n++) {
    objects.push(node(`node-${n}`, { pool: 'general', zone: `z${n % 3}` }));
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

describe('per-review cost does not grow with the cluster', () => {
  for (const selector of [undefined, { pool: 'ais' }]) {
    const crs = selector ? 'a CR with a nodeSelector' : 'a CR without a nodeSelector';
    it.each(REVIEWS)(`%s of ${crs}: the same objects touched at 100 and 1,000 other nodes`, (_, object) => {
      const small = cost([...deployment(selector), ...cluster(100)], object);
      const large = cost([...deployment(selector), ...cluster(1000)], object);
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
    });
  }

  it('an AIStore CR with a nodeSelector costs the same on first sight: only the matching nodes are visited', () => {
    const object = aistore({ size: TARGETS, nodeSelector: { pool: 'ais' } });
    const first = (others: number) => {
      const ctx = new ClusterContext([...deployment({ pool: 'ais' }), ...cluster(others)]);
      evaluate({ operation: 'CREATE', object }, ctx);
      return ctx.visited;
    };
    expect(first(1000)).toBe(first(100));
  });

  it('a Node status update keeps the memo, a label change drops it', () => {
    const ctx = new ClusterContext([...deployment(), ...cluster(10)]);
    expect(ctx.nodesMatching({ pool: 'ais' })).toBe(TARGETS);
    const version = ctx.nodeVersion;
    ctx.upsert({ ...node('ais-0', { pool: 'ais' }), status: { conditions: [] } });
    expect(ctx.nodeVersion).toBe(version);
    ctx.upsert(node('ais-0', { pool: 'other' }));
    expect(ctx.nodeVersion).toBe(version + 1);
    expect(ctx.nodesMatching({ pool: 'ais' })).toBe(TARGETS - 1);
    ctx.remove(node('ais-1'));
    expect(ctx.nodesMatching({ pool: 'ais' })).toBe(TARGETS - 2);
    expect(ctx.nodesMatching({})).toBe(TARGETS - 1 + 10);
  });

  it('PV upsert and remove keep the claim, namespace and host indexes in step', () => {
    const ctx = new ClusterContext(deployment());
    ctx.upsert(pv('ais-pv-0', { claim: claimName(0), host: 'ais-5' })); // moved to another node
    expect(ctx.pvsOnHost('ais-0')).toHaveLength(0);
    expect(ctx.pvsOnHost('ais-5').map((p) => p.metadata?.name)).toEqual(['ais-pv-5', 'ais-pv-0']);
    ctx.remove(pv('ais-pv-0', { claim: claimName(0) }));
    expect(ctx.pvsForClaim('ais', claimName(0))).toHaveLength(0);
    expect(ctx.pvsForNamespace('ais')).toHaveLength(TARGETS - 1);
    expect(ctx.pvs).toHaveLength(TARGETS - 1);
    expect(ctx.volumeHosts()).not.toContain('ais-0');
  });
});
