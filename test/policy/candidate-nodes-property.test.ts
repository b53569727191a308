// ClusterContext.schedulableNodeCount walks only the nodes its label index hands it (context.ts
// candidateNodes: the nodeSelector's rarest bucket or the affinity terms' In/Exists buckets). This
// holds it to nodes.ts schedulableNodes over every Node, after random Node adds, label changes and
// deletes, for random nodeSelectors and required terms (In, Exists and the operators that do not
// narrow, empty terms and matchFields included), and the live index to one built from the same Nodes.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext } from '../../src/policy/context.js';
import { schedulableNodes, type Placement } from '../../src/policy/nodes.js';
import type { KubeObject } from '../../src/policy/types.js';

const NAMES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
const KEYS = ['pool', 'role', 'zone'];
const VALUES = ['', 'a', 'b'];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const nodeOf = (name: string, l: Record<string, string>): KubeObject => ({
  kind: 'Node',
  metadata: { name, labels: l },
});
const event = fc.oneof(
  fc.record({ op: fc.constant('upsert' as const), name: fc.constantFrom(...NAMES), labels }),
  fc.record({ op: fc.constant('remove' as const), name: fc.constantFrom(...NAMES) }),
);
const requirement = fc.record({
  key: fc.constantFrom(...KEYS),
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
  values: fc.subarray(VALUES),
});
const term = fc.oneof(
  { weight: 5, arbitrary: fc.record({ matchExpressions: fc.array(requirement, { maxLength: 3 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      matchFields: fc.constant([{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }]),
    }),
  },
);
const placement: fc.Arbitrary<Placement> = fc.record({
  nodeSelector: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  tolerations: fc.constant(undefined),
  requiredTerms: fc.option(fc.array(term, { maxLength: 3 }), { nil: undefined }),
});

describe('schedulableNodeCount from the label index', () => {
  it('is the count of schedulableNodes over every Node, after adds, label changes and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 20 }),
        fc.array(placement, { maxLength: 5 }),
        (events, asked) => {
          const ctx = new ClusterContext();
          for (const e of events)
            if (e.op === 'upsert') ctx.upsert(nodeOf(e.name, e.labels));
            else ctx.remove(nodeOf(e.name, {}));
          if (ctx.nodes.length === 0) return;
          const scratch = new ClusterContext(ctx.nodes);
          for (const p of asked) {
            const want = schedulableNodes(p, ctx.nodes).length;
            const [live, fresh] = [ctx.visited, scratch.visited];
            expect(ctx.schedulableNodeCount(p)).toBe(want);
            expect(scratch.schedulableNodeCount(p)).toBe(want);
            // No name left behind in a bucket: the live index walks what one built afresh does.
            expect(ctx.visited - live).toBe(scratch.visited - fresh);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// The counts are kept across Node events and moved by each (context.ts countNodes): asked between
// events, with taints, cordons and tolerations, they must be what a context built afresh counts.
const taint = fc.record({
  key: fc.constantFrom('dedicated', 'node.kubernetes.io/unreachable', 'gpu'),
  value: fc.constantFrom('', 'ais'),
  effect: fc.constantFrom('NoSchedule', 'NoExecute', 'PreferNoSchedule'),
});
const nodeEvent = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        name: fc.constantFrom(...NAMES),
        labels,
        taints: fc.array(taint, { maxLength: 2 }),
        unschedulable: fc.boolean(),
      })
      .map(({ name, labels: l, taints, unschedulable }) => ({
        op: 'upsert' as const,
        node: { ...nodeOf(name, l), spec: { taints, ...(unschedulable && { unschedulable }) } },
      })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name) => ({ op: 'remove' as const, name })) },
);
const tolerating: fc.Arbitrary<Placement> = fc.record({
  nodeSelector: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 1 }),
  tolerations: fc.option(
    fc.array(fc.record({ key: fc.constantFrom('dedicated', 'gpu'), operator: fc.constant('Exists') }), {
      maxLength: 2,
    }),
    { nil: undefined },
  ),
  requiredTerms: fc.option(fc.array(term, { maxLength: 2 }), { nil: undefined }),
});

describe('node counts kept across Node events', () => {
  it('are what a context built from the same Nodes counts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            nodeEvent,
            tolerating.map((asked) => ({ op: 'ask' as const, asked })),
          ),
          {
            minLength: 5,
            maxLength: 40,
          },
        ),
        (steps) => {
          const ctx = new ClusterContext();
          const asked: Placement[] = [];
          for (const step of steps) {
            if (step.op === 'upsert') ctx.upsert(step.node);
            else if (step.op === 'remove') ctx.remove(nodeOf(step.name, {}));
            else asked.push(step.asked);
            const scratch = new ClusterContext(ctx.nodes);
            for (const p of asked) {
              expect(ctx.schedulableNodeCount(p)).toBe(scratch.schedulableNodeCount(p));
              expect(ctx.autoScaleNodeCount(p)).toBe(scratch.autoScaleNodeCount(p));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('a Node known by name only, then labelled', () => {
  // Its labels were unknown (`check --nodes-file` with bare names), so it might have carried any;
  // once labelled it is judged by them, as a context that had it labelled from the start judges it
  // (context.ts upsertNode updates its entry in place).
  it('is judged by its labels', () => {
    const volume: KubeObject = {
      kind: 'PersistentVolume',
      metadata: { name: 'pv-in-pool-x' },
      spec: {
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['x'] }] }],
          },
        },
      },
    };
    const ctx = new ClusterContext([nodeOf('n0', {})]);
    expect(ctx.pvAdmitsNoNode(volume)).toBe(false);
    ctx.upsert(nodeOf('n0', { pool: 'a' }));
    expect(ctx.pvAdmitsNoNode(volume)).toBe(true);
    expect(new ClusterContext(ctx.nodes).pvAdmitsNoNode(volume)).toBe(true);
  });
});
