import { describe, it } from '@jest/globals';
import { aistore, HOST_ANTI_AFFINITY, targetPod, targetStatefulSet } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const rows: Row[] = [
  {
    name: 'CR: hostNetwork in multi-target',
    object: aistore({ disable: true, hostNetwork: true }),
    expect: { deny: [/spec.targetSpec.hostNetwork is true .*every container port becomes a host port/] },
  },
  { name: 'CR: hostNetwork false', object: aistore({ disable: true, hostNetwork: false }), expect: {} },
  { name: 'CR: hostNetwork, one target per node', object: aistore({ hostNetwork: true }), expect: {} },
  {
    // Every container port a host port keeps the targets one per node by itself: its scale-out
    // passes (evaluate.ts fixedAtCreation), so nothing to say on CREATE.
    name: 'CR: hostNetwork, size 1 with anti-affinity off',
    object: aistore({ disable: true, size: 1, hostNetwork: true }),
    expect: {},
  },
  {
    name: 'CR: hostNetwork, size 1 with anti-affinity on',
    object: aistore({ size: 1, hostNetwork: true }),
    expect: {},
  },
  {
    name: 'StatefulSet: hostNetwork without anti-affinity, pinned to one host',
    object: targetStatefulSet({ hostNetwork: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    expect: { deny: [/pod template's hostNetwork is true/] },
  },
  {
    name: 'StatefulSet: hostNetwork with anti-affinity',
    object: targetStatefulSet({ hostNetwork: true, affinity: HOST_ANTI_AFFINITY() }),
    expect: {},
  },
  {
    name: 'Pod: hostNetwork in multi-target',
    object: targetPod({ hostNetwork: true }),
    context: [aistore({ disable: true })],
    expect: { deny: [/target pod's hostNetwork is true/] },
  },
];

describe('rule target-host-network', () => {
  it.each(rows)('$name', (row) => {
    checkRow('target-host-network', row);
  });
});
