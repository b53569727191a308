// Review "oper30": a scale-out of a CR whose targets keep their state on hand-made PVs.
//
// With PVC state (spec.stateStorage.pvc, or the legacy spec.stateStorageClass) the operator adds a
// state claim template <ns>-<cr>-state to the target StatefulSet beside the data mounts' templates
// (operator target/volumes.go newTargetPVCs, cmn/res.go DefineStatePVC: 1Gi of the state class), so
// every new target N claims <ns>-<cr>-state-<cr>-target-N as well as its data claims. A class with no
// provisioner (the local static PVs the multi-target layout uses) serves that claim only from a PV made
// for it: without one the new target stays Pending ("pod has unbound immediate
// PersistentVolumeClaims" / "didn't find available persistent volumes to bind"), whatever its data PVs.
//
// The guard warns of a scale-out's missing data PVs (pv-target-binding checkCoverage) and `plan`
// warns that it makes no state PVs, but the CR's review said nothing of the state PVs: with
// the data PVs made for the new targets it admitted a 4 -> 6 scale-out silently, though the
// targets' state had been on hand-made PVs (targets 0..3 each have one) and targets 4 and 5 have none.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  claimName,
  discoveredDisk,
  madeForClaim,
  node,
  pv,
  targetStatefulSet,
} from '../support/builders.js';
import { boundPV, changed, judgeUpdate, messagesText, SIDES } from '../support/sides.js';

const STATE_CLASS = 'local-state';
const nodes = [node('node-1'), node('node-2'), node('node-3')];
const host = (i: number) => `node-${1 + Math.floor(i / 2)}`;
const dataPV = (i: number) =>
  pv(`pv-${i}`, { claim: claimName(i), host: host(i), path: `/ais/sd${'ab'[i % 2]}`, local: true });
const statePV = (i: number) =>
  pv(`state-${i}`, {
    claim: `ais-ais-state-ais-target-${i}`,
    host: host(i),
    path: `/ais/state-${i}`,
    local: true,
    storageClass: STATE_CLASS,
    capacity: '1Gi',
  });
const withPvcState = (o: KubeObject) =>
  changed(o, (c) => {
    c.spec.stateStorage = { pvc: { storageClass: STATE_CLASS } };
  });
const stored = withPvcState(aistore({ size: 4, disable: true }));
const sized = (size: number) => changed(stored, (c) => (c.spec.targetSpec.size = size));
/** The target StatefulSet of such a CR: its data template, then the state one (newTargetPVCs' order). */
const statefulSet = changed(
  targetStatefulSet({ replicas: 4, templates: ['ais-data-aistore', 'ais-ais-state'] }),
  (c) => {
    Object.assign(c.spec.volumeClaimTemplates[1].spec, {
      storageClassName: STATE_CLASS,
      resources: { requests: { storage: '1Gi' } },
    });
  },
);
const running = [
  ...nodes,
  statefulSet,
  ...[0, 1, 2, 3].map((i) => boundPV(dataPV(i), `d${i}`)),
  ...[0, 1, 2, 3].map((i) => boundPV(statePV(i), `s${i}`)),
];

describe.each(SIDES)('scale-out of a CR with hand-made state PVs (%s)', (_side, side) => {
  it('4 -> 6 with the new targets’ data PVs made but no state PV: warned, naming the state claims', () => {
    const ev = judgeUpdate(side, stored, sized(6), [...running, dataPV(4), dataPV(5)]);
    expect(ev.allowed).toBe(true);
    const text = messagesText(ev);
    expect(text).toMatch(/pv-target-binding warn: ais-target-4, ais-target-5 have no PV for the state claim/);
    expect(text).toMatch(/ais\/ais-ais-state-ais-target-4/);
  });

  it('control: with the state PVs made too, nothing is said', () => {
    const ev = judgeUpdate(side, stored, sized(6), [
      ...running,
      dataPV(4),
      dataPV(5),
      statePV(4),
      statePV(5),
    ]);
    expect(messagesText(ev)).not.toMatch(/state claim/);
  });

  it('control: state PVs made by a provisioner (bound to claims it was asked for) ask for none', () => {
    const provisioned = (i: number) => madeForClaim(statePV(i), `s${i}`);
    const world = [
      ...nodes,
      statefulSet,
      ...[0, 1, 2, 3].map((i) => boundPV(dataPV(i), `d${i}`)),
      ...[0, 1, 2, 3].map(provisioned),
      dataPV(4),
      dataPV(5),
    ];
    expect(messagesText(judgeUpdate(side, stored, sized(6), world))).not.toMatch(/state claim/);
  });

  it('control: free disks of the state class published by the local static provisioner ask for none', () => {
    const world = [
      ...running,
      dataPV(4),
      dataPV(5),
      discoveredDisk({ host: 'node-3', path: '/mnt/state-a', storageClass: STATE_CLASS }),
    ];
    expect(messagesText(judgeUpdate(side, stored, sized(6), world))).not.toMatch(/state claim/);
  });

  it('state moved to hostPath (the operator allows it) in the same update: the StatefulSet still claims state, warned', () => {
    const next = changed(sized(6), (c) => {
      c.spec.stateStorage = { hostPath: { prefix: '/etc/ais' } };
    });
    const text = messagesText(judgeUpdate(side, stored, next, [...running, dataPV(4), dataPV(5)]));
    expect(text).toMatch(
      /ais-target-4, ais-target-5 have no PV for the state claim .*1Gi of class local-state/,
    );
  });
});
