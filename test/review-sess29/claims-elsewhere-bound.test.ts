// Review sess29: the CR-side warning of PVs pre-bound to its targets' claim names in another
// namespace (pv-target-binding warnClaimsElsewhere, 97c3c70) told of PVs Bound there.
//
// The operator keeps a CR's claims when the CR is deleted (cluster_cleanup.go cleanupPVC deletes
// them only with spec.cleanupMetadata). A cluster ais deleted from namespace ais-old keeps its
// target claims there, Bound to their hand-made PVs, holding the old data. A new CR ais in
// namespace ais (its mounts dynamically provisioned: no PV of its own) was told that those PVs "stay
// Available" and to set their claimRef.namespace to ais: false (they are Bound), and the patch on a
// Bound PV leaves it held by the old claim's uid (Released), binding nothing.
// Expected: a PV bound to a claim (its claimRef uid and phase Bound, as check reads it, or a Bound
// claim in the context holding it, as audit reads it) is no PV "left Available": nothing said.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, pvc } from '../support/builders.js';
import { audit } from '../../src/cli/audit.js';
import { asCached, boundPV, changed, judgeCreate, messagesText } from '../support/sides.js';

const nodes = [node('node-1'), node('node-2')];
const kept = (ordinal: number) =>
  pv(`old-pv-${ordinal}`, {
    claim: claimName(ordinal),
    claimNamespace: 'ais-old',
    host: `node-${ordinal + 1}`,
    path: '/ais/sda',
    local: true,
  });
const cr = aistore({ size: 2, disable: true }); // namespace ais, no PV of its own
/** The claims the deleted CR left in ais-old, Bound to those PVs (as audit lists them, whole). */
const keptClaims = [0, 1].map((o) =>
  changed(pvc(claimName(o), { namespace: 'ais-old', volumeName: `old-pv-${o}` }), (c) => {
    c.status = { phase: 'Bound' };
  }),
);
const text = messagesText;

describe('CR created beside Bound PVs of a deleted CR of its name in another namespace', () => {
  it('check (whole PVs: uid, phase Bound): nothing said of their namespace', () => {
    const world = [...nodes, boundPV(kept(0), 'u0'), boundPV(kept(1), 'u1')];
    const ev = judgeCreate((o) => o, cr, world);
    expect(text(ev)).not.toMatch(/claimRef\.namespace|stay Available/);
  });

  it('audit (PVs reduced, claims whole and Bound): nothing said of their namespace', () => {
    const world = [
      ...nodes,
      asCached(boundPV(kept(0), 'u0')),
      asCached(boundPV(kept(1), 'u1')),
      ...keptClaims,
    ];
    const ev = judgeCreate((o) => o, cr, world);
    expect(text(ev)).not.toMatch(/claimRef\.namespace|stay Available/);
  });

  it('control: the same PVs pre-bound by name only (Available): warned', () => {
    const ev = judgeCreate((o) => o, cr, [...nodes, kept(0), kept(1)]);
    expect(text(ev)).toMatch(/pv-target-binding warn: .*old-pv-0, old-pv-1.*namespace ais-old/);
  });
});

describe('audit of a Bound PV of a deleted CR, its kept claim Bound, a CR of its name elsewhere', () => {
  it('the PV (reduced as audit lists it) is not told it stays Available', () => {
    const world = [
      ...nodes,
      cr,
      asCached(boundPV(kept(0), 'u0')),
      asCached(boundPV(kept(1), 'u1')),
      ...keptClaims,
    ];
    const said = audit(world)
      .filter((a) => a.object.kind === 'PersistentVolume')
      .flatMap((a) => a.results.map((r) => r.message));
    expect(said.join('\n')).not.toMatch(/stays Available|claimRef\.namespace/);
  });
});

describe('webhook: the cache keeps no uid or phase of a Bound PV (server/reduce.ts)', () => {
  it('the CR-side warning does not say flatly that they stay Available, nor patch Bound ones', () => {
    const world = [...nodes, boundPV(kept(0), 'u0'), boundPV(kept(1), 'u1')];
    const said = text(judgeCreate(asCached, cr, world));
    expect(said).toMatch(/unless they are Bound to claims of those names/);
    expect(said).toMatch(/fix: .*each Available one/);
  });
});
