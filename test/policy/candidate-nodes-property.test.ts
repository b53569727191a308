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
