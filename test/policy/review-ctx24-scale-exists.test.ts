// review ctx24: a deployment placed by a required node affinity with `Exists` (or any term without an
// `In` requirement) makes every review of it walk every Node of the cluster after any Node event.
//
// DEFECT: ClusterContext.candidateNodes (src/policy/context.ts) narrows the nodes to count from the
// label index only by a nodeSelector or by `In` requirements (nodes.ts requiredLabelPairs); a term
// like `node-role.kubernetes.io/ais Exists` (how role labels with an empty value, `…/ais=`, are
// matched) has no `In`, so nodesLabelled({}) returns every Node and schedulableNodes runs over all of
// them. detectLayout (layout.ts) asks schedulableNodeCount on every review of the deployment (its
// target Pods and claims included), and the memo lasts one node version: any Node label, taint or
// cordon change anywhere (a node of another pool going NotReady, the cluster autoscaler adding,
// tainting or removing a node) drops it. test/policy/scale-adversarial.test.ts S18-2 holds this for
// an `In` affinity only; docs/performance.md "At scale" promises the count "starts from the smallest label bucket"
// for a selector or an `In` affinity, and context.ts that a query's work is proportional to what it
// returns (the objects of one AIStore deployment), never to the cluster.
// IMPACT: in the README's 5,000-node cluster, the first review after each such Node event of a
// 6-node AIStore placed by `Exists` touches ~5,000 Nodes instead of ~30 (counted below with
// ctx.visited), on the webhook's synchronous review path. Timed once on this 2-core machine (not
// asserted): a target claim review right after a Node label change took ~13 ms at 5,000 Nodes
// (median of 60) against ~0.07 ms warm, i.e. more than the README's p99 under churn, once per change.
// The same walk for a deployment whose nodeSelector is the ubiquitous `kubernetes.io/os: linux`
// (every node carries it) and whose pool is picked by an `In` affinity: candidateNodes takes the
// nodeSelector's bucket whenever there is a nodeSelector and never intersects it with the
// affinity's (smaller) `In` buckets, so the whole cluster is walked although the index could give
// the 6 pool nodes.
// EXPECTED: the same count with 500 and 5,000 unrelated Nodes, as for an `In` affinity alone (e.g.
// index Nodes by label key too and start an `Exists` term from its key's bucket; start from the
// smallest of the nodeSelector's and the affinity's buckets).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject, type Operation } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, pvc, targetPod, targetStatefulSet } from '../support/builders.js';

const TARGETS = 6;
const ROLE = 'node-role.kubernetes.io/ais';
const EXISTS = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: ROLE, operator: 'Exists' }] }],
    },
  },
};
const cr = aistore({ size: TARGETS, affinity: EXISTS });
const sts = targetStatefulSet({ replicas: TARGETS, affinity: EXISTS });

function cluster(otherNodes: number): KubeObject[] {
  const objects: KubeObject[] = [cr, sts];
  for (let i = 0; i < TARGETS; i++) {
    objects.push(node(`ais-${i}`, { [ROLE]: '' }));
    objects.push(pv(`ais-pv-${i}`, { claim: claimName(i), host: `ais-${i}`, path: `/ais/d${i}` }));
  }
  for (let i = 0; i < otherNodes; i++) objects.push(node(`g-${i}`, { pool: 'general' }));
  return objects;
}

/** The review once (memos warm), then a node of another pool joins, then the review counted. */
function cost(otherNodes: number, operation: Operation, object: KubeObject, oldObject?: KubeObject): number {
  const ctx = new ClusterContext(cluster(otherNodes));
  evaluate({ operation, object, oldObject }, ctx);
  ctx.upsert(node('g-new', { pool: 'general' }));
  ctx.visited = 0;
  evaluate({ operation, object, oldObject }, ctx);
  return ctx.visited;
}

// Four cells in every row: jest.each takes a test function with more parameters than the row has
// cells for one that waits for `done`.
const REVIEWS: [string, Operation, KubeObject, KubeObject | undefined][] = [
  ['target claim CREATE', 'CREATE', pvc(claimName(3)), undefined],
  ['target Pod CREATE', 'CREATE', targetPod({ ordinal: 3, affinity: EXISTS }), undefined],
  ['AIStore CR UPDATE', 'UPDATE', cr, cr],
  ['target StatefulSet UPDATE', 'UPDATE', sts, sts],
];

describe('review ctx24: an `Exists`-placed deployment, after an unrelated Node event', () => {
  it.each(REVIEWS)('%s touches as many objects with 5,000 other nodes as with 500', (_, op, obj, old) => {
    expect(cost(5000, op, obj, old)).toBe(cost(500, op, obj, old));
  });
});

describe('review ctx24: nodeSelector kubernetes.io/os=linux plus an `In` affinity, after an unrelated Node event', () => {
  const LINUX = { 'kubernetes.io/os': 'linux' };
  const IN = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['ais'] }] }],
      },
    },
  };
  const linuxCR = aistore({ size: TARGETS, affinity: IN, nodeSelector: LINUX });
  function linuxCost(otherNodes: number, object: KubeObject): number {
    const objects: KubeObject[] = [
      linuxCR,
      targetStatefulSet({ replicas: TARGETS, affinity: IN, nodeSelector: LINUX }),
    ];
    for (let i = 0; i < TARGETS; i++) {
      objects.push(node(`ais-${i}`, { pool: 'ais', ...LINUX }));
      objects.push(pv(`ais-pv-${i}`, { claim: claimName(i), host: `ais-${i}`, path: `/ais/d${i}` }));
    }
    for (let i = 0; i < otherNodes; i++) objects.push(node(`g-${i}`, { pool: 'general', ...LINUX }));
    const ctx = new ClusterContext(objects);
    evaluate({ operation: 'CREATE', object }, ctx);
    ctx.upsert(node('g-new', { pool: 'general', ...LINUX }));
    ctx.visited = 0;
    evaluate({ operation: 'CREATE', object }, ctx);
    return ctx.visited;
  }
  it('a target claim CREATE touches as many objects with 5,000 other nodes as with 500', () => {
    expect(linuxCost(5000, pvc(claimName(3)))).toBe(linuxCost(500, pvc(claimName(3))));
  });
});
