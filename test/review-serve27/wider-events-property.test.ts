// HELD (passes today, 1,500 runs of 40 steps): kept as coverage of the incremental cache.
// review serve27: the watch26 in-place mutation harness, widened to AIStore CR events (mounts with
// useHostPath, size, nodeSelector, a second CR, delete), Nodes whose hostname label differs from their
// name or that carry a node-local driver's topology key, removed and re-added Nodes, and PVs pinned by
// such keys or by several terms: the live context must judge as one built from the final objects.
import { describe, it } from '@jest/globals';
import { aistore, targetPod } from '../support/builders.js';
import {
  arbSteps,
  assertInPlaceLiveMatchesScratch,
  probes,
  PV_NODE_STS_KINDS,
  type MountSet,
  type Obj,
} from '../support/watch-property.js';

// watch26's step kinds, then CR events, Node hostname events and PV pins.
const arbStep = arbSteps([...PV_NODE_STS_KINDS, 'cr', 'nodeHost', 'pin']);

const MOUNT_SETS: MountSet[] = [
  undefined,
  [{ path: '/mnt/p1', size: '1Ti', useHostPath: true }],
  [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
  [{ path: '/data/aistore', size: '2Ti', storageClass: 'other' }],
];
const serve27Probes = (server: Map<string, Obj>) =>
  probes(server, MOUNT_SETS, () => [
    aistore({ name: 'ais2', size: 2 }),
    aistore({ size: 2, nodeSelector: { pool: 'a' } }),
    targetPod({ ordinal: 1, cr: 'ais2' }),
  ]);

describe('review serve27: CR, Node hostname and PV pin events, live vs scratch', () => {
  it('judges every probe as a context built from the final reduced objects', () => {
    assertInPlaceLiveMatchesScratch({
      steps: arbStep,
      probes: serve27Probes,
      maxLength: Number(process.env.S27_LEN ?? 30),
      numRuns: Number(process.env.S27_RUNS ?? 150),
    });
  });
});
