// Review "oper29": PVs pre-bound to a target's claim by name, in a namespace where no AIStore CR is.
//
// The operator's target StatefulSet lives in the CR's namespace (target/statefulset.go NewTargetSS:
// Namespace ais.Namespace), so the StatefulSet controller makes every target claim
// <template>-<cr>-target-<N> there (Mount.BuildPVC, api/aistore/v1beta1/aistore_types.go). A PV
// binds only the claim its claimRef names by namespace and name together (component-helpers
// storage/volume/pv_helpers.go IsVolumeBoundToClaim; FindMatchingVolume passes over a PV pre-bound
// to another claim). PV manifests written with claimRef.namespace: default (or the namespace of
// another environment) for CR ais in namespace ais therefore bind nothing: they stay Available,
// and the targets' claims stay Pending (a class without a provisioner) or get other disks.
//
// The guard said nothing, on either side: a PV whose claimRef namespace has no AIStore CR is taken
// as made before its CR (claims.ts withoutCR returns no problem), and the CR, finding no PV of its
// own namespace, takes its claims as left to a provisioner (pv-target-binding checkCoverage returns
// early), though the context holds the PVs one namespace away, named for exactly its claims.
// Expected: a warning on both (the PVs may be meant for an AIStore of that name yet to be made in
// that namespace), naming the CR's namespace as the fix.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv } from '../support/builders.js';
import { boundPV, judgeCreate, messagesText, SIDES } from '../support/sides.js';

const nodes = [node('node-1'), node('node-2')];
const inDefault = (ordinal: number) =>
  pv(`pv-${ordinal}`, {
    claim: claimName(ordinal),
    claimNamespace: 'default',
    host: 'node-1',
    path: `/ais/sd${'ab'[ordinal] ?? 'z'}`,
    local: true,
  });
const cr = aistore({ size: 2, disable: true }); // namespace ais
const text = messagesText;

describe.each(SIDES)('claimRef in a namespace with no AIStore (%s)', (_side, side) => {
  it('a PV pre-bound to ais-target-0’s claim in namespace default, CR ais in namespace ais: warned, with the namespace to set', () => {
    const ev = judgeCreate(side, inDefault(0), [...nodes, cr]);
    expect(ev.allowed).toBe(true);
    expect(text(ev)).toMatch(/pv-target-binding warn: .*namespace default.*AIStore ais.*namespace ais/);
    expect(text(ev)).toMatch(/fix: .*spec\.claimRef\.namespace.*\bais\b/);
  });

  it('the CR created after its PVs, all pre-bound to its claims in namespace default: warned on the CR', () => {
    const ev = judgeCreate(side, cr, [...nodes, inDefault(0), inDefault(1)]);
    expect(ev.allowed).toBe(true);
    expect(text(ev)).toMatch(/pv-target-binding warn: .*pv-0, pv-1.*namespace default/);
  });

  it('control: an AIStore of that name in the PV’s namespace makes it its own; nothing said of the other', () => {
    const staging = aistore({ name: 'ais', namespace: 'default', size: 2, disable: true });
    const onPV = judgeCreate(side, inDefault(0), [...nodes, cr, staging]);
    expect(text(onPV)).not.toMatch(/namespace ais/);
    const onCR = judgeCreate(side, cr, [...nodes, staging, inDefault(0), inDefault(1)]);
    expect(text(onCR)).not.toMatch(/namespace default/);
  });

  it('control: a PV Bound to its claim in namespace default (a claim made there) is that claim’s: nothing said', () => {
    const ev = judgeCreate(side, boundPV(inDefault(0), 'uid-of-a-claim-in-default'), [...nodes, cr]);
    expect(text(ev)).not.toMatch(/namespace ais/);
  });

  it('control: a CR manifest with no namespace (for kubectl apply -n) says nothing of the PVs’ namespace', () => {
    const unplaced = structuredClone(cr) as KubeObject & { metadata: { namespace?: string } };
    delete unplaced.metadata.namespace;
    const own = (o: number): KubeObject =>
      pv(`own-${o}`, { claim: claimName(o), host: 'node-1', path: `/ais/own${o}`, local: true });
    const ev = judgeCreate(side, unplaced, [...nodes, own(0), own(1)]);
    expect(text(ev)).not.toMatch(/claimRef\.namespace/);
  });

  it('control: PVs in the CR’s own namespace are its disks, nothing about namespaces', () => {
    const own = (o: number): KubeObject =>
      pv(`own-${o}`, { claim: claimName(o), host: 'node-1', path: `/ais/own${o}`, local: true });
    const ev = judgeCreate(side, cr, [...nodes, own(0), own(1)]);
    expect(text(ev)).not.toMatch(/namespace/);
  });
});
