import { describe, expect, it } from '@jest/globals';
import { aistore, node, oneNodeDisks } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const pinned = { 'kubernetes.io/hostname': 'node-1' };

const rows: Row[] = [
  {
    name: 'PVs put two targets on one node',
    object: aistore(),
    context: oneNodeDisks(),
    expect: {
      warn: [
        /PVs put the disks of ais-target-0, ais-target-1 on node node-1.*set spec.targetSpec.disablePodAntiAffinity: true/,
      ],
      patched: true,
    },
  },
  {
    name: 'nodeSelector pins one host, size 2',
    object: aistore({ nodeSelector: pinned }),
    expect: { warn: [/nodeSelector pins every target to node-1/], patched: true },
  },
  {
    name: 'more targets than nodes',
    object: aistore({ size: 4 }),
    context: [node('a'), node('b')],
    expect: { warn: [/4 targets but only 2 node\(s\) they can be scheduled on/], patched: true },
  },
  {
    name: '--nodes count when no Node objects',
    object: aistore({ size: 4 }),
    nodeCount: 3,
    expect: { warn: [/4 targets but only 3/], patched: true },
  },
  { name: 'already disabled', object: aistore({ disable: true, nodeSelector: pinned }), expect: {} },
  {
    name: 'explicitly false is never overridden: a warning says what it costs (defect class 5)',
    object: aistore({ disable: false, nodeSelector: pinned }),
    expect: { warn: [/nodeSelector pins.*explicitly false/], patched: false },
  },
  {
    name: 'no evidence of multi-target',
    object: aistore(),
    context: [node('a'), node('b'), node('c')],
    expect: {},
  },
  {
    name: 'UPDATE is not mutated (the operator rejects targetSpec changes)',
    object: aistore({ nodeSelector: pinned }),
    operation: 'UPDATE',
    oldObject: aistore({ nodeSelector: pinned }),
    expect: { patched: false },
  },
  { name: 'size 1 pinned is fine', object: aistore({ size: 1, nodeSelector: pinned }), expect: {} },
];

describe('rule anti-affinity-not-disabled', () => {
  it.each(rows)('$name', (row) => {
    checkRow('anti-affinity-not-disabled', row);
  });

  it('sets the current field', () => {
    const ev = checkRow('anti-affinity-not-disabled', rows[1] as Row);
    expect(ev.patch).toEqual([{ op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true }]);
  });
});
