import { describe, expect, it } from '@jest/globals';
import { ClusterContext } from '../context.js';
import { evaluate } from '../evaluate.js';
import { aistore, HOST_ANTI_AFFINITY, node, targetStatefulSet } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const pinned = { 'kubernetes.io/hostname': 'node-1' };
const nodes = [node('a'), node('b')];

const rows: Row[] = [
  {
    name: 'CR CREATE: anti-affinity is turned off instead',
    object: aistore({ size: 3 }),
    context: nodes,
    expect: {},
  },
  {
    name: 'CR UPDATE: warns',
    object: aistore({ size: 3 }),
    operation: 'UPDATE',
    oldObject: aistore({ size: 2 }),
    context: nodes,
    expect: {
      warn: [
        /3 targets with required anti-affinity but only 2 node\(s\) they can be scheduled on: 1 target\(s\) stay Pending/,
      ],
    },
  },
  {
    name: 'CR UPDATE pinned to one host',
    object: aistore({ size: 2, nodeSelector: pinned }),
    operation: 'UPDATE',
    oldObject: aistore({ size: 2, nodeSelector: pinned }),
    expect: { warn: [/only 1 node\(s\) they can be scheduled on/] },
  },
  {
    // The operator refuses disablePodAntiAffinity true -> false on a live CR (review "fresh"): the
    // targets keep anti-affinity off, none waits; operator-fixed-fields names the refusal.
    name: 'CR UPDATE turning anti-affinity back on: nothing stays Pending',
    object: aistore({ size: 3 }),
    operation: 'UPDATE',
    oldObject: aistore({ size: 3, disable: true }),
    context: nodes,
    expect: {},
  },
  {
    name: 'enough nodes',
    object: aistore({ size: 2 }),
    operation: 'UPDATE',
    oldObject: aistore(),
    context: nodes,
    expect: {},
  },
  {
    name: 'nodes unknown: says it was not checked',
    object: aistore({ size: 9 }),
    operation: 'UPDATE',
    oldObject: aistore(),
    expect: { warn: [/^node count unknown: whether 9 targets .* was not checked\.$/] },
  },
  {
    name: 'StatefulSet with anti-affinity and too few nodes',
    object: targetStatefulSet({ replicas: 3, affinity: HOST_ANTI_AFFINITY() }),
    context: nodes,
    expect: { warn: [/3 targets/] },
  },
  {
    name: 'StatefulSet without anti-affinity is multi-target',
    object: targetStatefulSet({ replicas: 3 }),
    context: nodes,
    expect: {},
  },
];

describe('rule targets-exceed-nodes', () => {
  it.each(rows)('$name', (row) => {
    checkRow('targets-exceed-nodes', row);
  });

  // The operator refuses a change of disablePodAntiAffinity on a live CR (aistore_webhook.go
  // validateTargetUpdate): the scale-out's fix names only what it allows.
  it("a live CR's scale-out: the fix is more nodes or fewer targets, not anti-affinity off", () => {
    const fixOf = (ev: ReturnType<typeof evaluate>) =>
      ev.findings.find((f) => f.ruleId === 'targets-exceed-nodes')?.fix;
    const ctx = new ClusterContext(nodes);
    const update = evaluate(
      { operation: 'UPDATE', object: aistore({ size: 3 }), oldObject: aistore({ size: 2 }) },
      ctx,
    );
    expect(fixOf(update)).toBe(
      'Add nodes or lower the target size: anti-affinity is fixed at creation (a new CR changes it).',
    );
    const created = evaluate({ operation: 'CREATE', object: aistore({ size: 3, disable: false }) }, ctx);
    expect(fixOf(created)).toMatch(/disablePodAntiAffinity: true/);
  });
});
