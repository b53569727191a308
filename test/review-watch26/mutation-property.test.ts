// HELD (passes today): kept as coverage of the incremental cache; see binding-memo.test.ts for the failure it misses.
// review watch26: small in-place mutations of the objects the webhook watches (a PV's uid and phase,
// its claimRef, class, size, labels, node, deletion; a Node's labels and taints; a StatefulSet losing
// the operator's labels), delivered as watch events to a live context through reduce.ts, with reviews
// in between (which fill the memos); every probe must be judged as a context built from scratch from
// the final reduced objects judges it.
import { describe, it } from '@jest/globals';
import {
  arbSteps,
  assertInPlaceLiveMatchesScratch,
  probes,
  PV_NODE_STS_KINDS,
  type MountSet,
  type Obj,
} from '../support/watch-property.js';

const arbStep = arbSteps(PV_NODE_STS_KINDS);

const MOUNT_SETS: MountSet[] = [
  undefined,
  [{ path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' }],
  [{ path: '/data/aistore', size: '2Ti', storageClass: 'other' }],
];

describe('review watch26: in-place mutations, live vs scratch', () => {
  it('judges every probe as a context built from the final reduced objects', () => {
    assertInPlaceLiveMatchesScratch({
      steps: arbStep,
      probes: (server: Map<string, Obj>) => probes(server, MOUNT_SETS),
      maxLength: Number(process.env.W26_LEN ?? 30),
      numRuns: Number(process.env.W26_RUNS ?? 300),
    });
  });
});
