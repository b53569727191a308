import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  madeForClaim,
  node,
  oneNodeDisks,
  pv,
  released,
} from '../../../test/support/builders.js';
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
  {
    // kubectl replace, or a server-side apply / GitOps sync of the manifest the guard patched on CREATE
    name: 'UPDATE that drops the true the stored CR has: kept (the operator rejects the change)',
    object: aistore({ nodeSelector: pinned }),
    operation: 'UPDATE',
    oldObject: aistore({ disable: true, nodeSelector: pinned }),
    expect: { warn: [/true in the stored CR and missing from this update.*keeps true/], patched: true },
  },
  {
    name: 'UPDATE that says false in so many words: left to the operator to judge',
    object: aistore({ disable: false, nodeSelector: pinned }),
    operation: 'UPDATE',
    oldObject: aistore({ disable: true, nodeSelector: pinned }),
    expect: { patched: false },
  },
  {
    name: 'UPDATE of a CR that never had it: nothing to keep',
    object: aistore(),
    operation: 'UPDATE',
    oldObject: aistore(),
    expect: {},
  },
  { name: 'size 1 pinned is fine', object: aistore({ size: 1, nodeSelector: pinned }), expect: {} },
  // Review "today", F2: a CR re-created over the Released PVs of its earlier life (the operator's
  // cleanup deleted its claims), meant to be freed and reused: the layout they show must count now.
  {
    name: 'CR re-created: its Released PVs on nodes it may use still put two targets on one node',
    object: aistore(),
    context: [node('node-1'), node('node-2'), ...oneNodeDisks().map((v) => released(v))],
    expect: { warn: [/PVs put the disks of ais-target-0, ais-target-1 on node node-1/], patched: true },
  },
  {
    // A dynamic class's PV never binds again once Released: the new claims get new PVs wherever the
    // scheduler puts the targets (pv-claim-uid and recognise.ts read provisioned PVs so too).
    name: 'CR re-created over Released PVs a provisioner made: not its disks, no signal',
    object: aistore(),
    context: [
      node('node-1'),
      node('node-2'),
      ...oneNodeDisks().map((v, i) => released(madeForClaim(v, `uid-${i}`), `uid-${i}`)),
    ],
    expect: { patched: false },
  },
  {
    name: 'the same Released PVs on nodes the new CR cannot use (moved to another pool): no signal',
    object: aistore({ nodeSelector: { pool: 'v2' } }),
    context: [
      node('node-1', { pool: 'v1' }),
      node('node-2', { pool: 'v2' }),
      node('node-3', { pool: 'v2' }),
      ...oneNodeDisks().map((v) => released(v)),
    ],
    expect: { patched: false },
  },
  // Review "lifecycle2", L3: the PVs made first for a scale-out, two targets' disks on one node.
  ...((): Row[] => {
    const cluster = [
      node('n1'),
      node('n2'),
      node('n3'),
      pv('pv0', { claim: claimName(0), host: 'n1', path: '/ais/sda' }),
      pv('pv1', { claim: claimName(1), host: 'n1', path: '/ais/sdb' }),
    ];
    return [
      {
        name: 'CREATE of a size-1 CR beside PVs made for its later targets on one node: anti-affinity off now',
        object: aistore({ size: 1 }),
        context: cluster,
        expect: { warn: [/PVs put the disks of ais-target-0, ais-target-1 on node n1/], patched: true },
      },
      {
        name: 'UPDATE scaling it out with anti-affinity kept: warned that one stays Pending',
        object: aistore({ size: 2 }),
        operation: 'UPDATE',
        oldObject: aistore({ size: 1 }),
        context: cluster,
        expect: {
          warn: [/on node n1, but the targets keep a required hostname anti-affinity.*stays Pending/],
        },
      },
      {
        // The second target is Pending whatever the update changes; audit judges a live CR so too.
        name: 'UPDATE that leaves the size as it was: still said, the second target stays Pending',
        object: aistore({ size: 2 }),
        operation: 'UPDATE',
        oldObject: aistore({ size: 2 }),
        context: cluster,
        expect: {
          warn: [/on node n1, but the targets keep a required hostname anti-affinity.*stays Pending/],
        },
      },
      {
        name: 'UPDATE of the size-1 CR, still one target: nothing to say',
        object: aistore({ size: 1 }),
        operation: 'UPDATE',
        oldObject: aistore({ size: 1 }),
        context: cluster,
        expect: {},
      },
    ];
  })(),
];

describe('rule anti-affinity-not-disabled', () => {
  it.each(rows)('$name', (row) => {
    checkRow('anti-affinity-not-disabled', row);
  });

  it('keeps the stored true on UPDATE with an add of exactly that field', () => {
    const ev = checkRow('anti-affinity-not-disabled', rows.find((r) => r.name.includes('drops')) as Row);
    expect(ev.patch).toEqual([{ op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true }]);
  });

  it('sets the current field', () => {
    const ev = checkRow('anti-affinity-not-disabled', rows[1] as Row);
    expect(ev.patch).toEqual([{ op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true }]);
  });
});
