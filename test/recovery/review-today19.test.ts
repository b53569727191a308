// Outside review "today19" of 2778418, 11a09ca and c1061ce. Each case is judged as `check` reads the
// objects and as the webhook's cache holds them (reduce.ts).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node, pv } from '../support/builders.js';
import { asCached as cached, judgeCreate as judge, messages, SIDES } from '../support/sides.js';

import { targetCrCandidates } from '../../src/policy/aistore.js';

const nodes = [node('node-1'), node('node-2'), node('node-3')];

describe.each(SIDES)('review today19 (%s)', (_side, side) => {
  // MEDIUM (regression of c1061ce, claims.ts legacyDocCandidate). Namespace team1 runs CR ais; a
  // second cluster, CR team1-ais (mount /data/aistore), is being set up the way the guard asks:
  // its local PVs first, then the CR. PV team1-ais-0 is pre-bound to the claim the StatefulSet
  // team1-ais-target really makes, "team1-ais-data-aistore-team1-ais-target-0" (operator
  // Mount.GetPVCName + k8s getPersistentVolumeClaimName). crForClaimName finds no exact owner (the
  // CR is not there yet) and no shaped one among the known CRs, so legacyDocCandidate reads the
  // name as an old-doc claim (<namespace>-<path>-<pod>) of CR ais, template
  // "team1-ais-data-aistore-team1" starting with "team1-": the PV is denied as a misnamed claim of
  // CR ais, with the fix to point it at ais-data-aistore-ais-target-0 (another cluster's disk). On
  // c1061ce^ it was recognised as the not-yet-created CR team1-ais's and admitted with a warning.
  it('MEDIUM: a PV made first for a new CR <namespace>-<cr> is not taken as an old-doc claim of CR <cr>', () => {
    const ais = aistore({ name: 'ais', namespace: 'team1', size: 2, disable: true });
    const first = pv('team1-ais-0', {
      claim: 'team1-ais-data-aistore-team1-ais-target-0',
      claimNamespace: 'team1',
      host: 'node-1',
      path: '/mnt/sda',
    });
    const ev = judge(side, first, [...nodes, ais]);
    expect(ev.crName).not.toBe('ais');
    expect(messages(ev).join('\n')).not.toMatch(/ais-data-aistore-ais-target-0/);
    expect(ev.allowed).toBe(true);
  });

  // MEDIUM (regression of c1061ce, same cause), names needing no namespace prefix. Namespace
  // team1 runs CR ais; a second CR staging-ais with state on a PVC gets hand-made local PVs first,
  // its state PV pre-bound to "team1-staging-ais-state-staging-ais-target-0"
  // (<ns>-<cr>-state-<cr>-target-N, operator cmn/res.go getStatePVCName). legacyDocCandidate reads
  // it as an old-doc claim of CR ais (template "team1-staging-ais-state-staging" starts with
  // "team1-"): denied as a misnamed data claim of CR ais. Every state claim starts with the
  // namespace, so any new CR whose name ends in "-<an existing CR>" is hit. (In namespace ais with
  // CR ais the same PV was already denied before c1061ce, by claims.ts shapedCandidates.)
  it('MEDIUM: a state PV made first for a new CR <x>-<cr> is not taken as an old-doc claim of CR <cr>', () => {
    const ais = aistore({ name: 'ais', namespace: 'team1', size: 2, disable: true });
    const state = pv('staging-ais-state-0', {
      claim: 'team1-staging-ais-state-staging-ais-target-0',
      claimNamespace: 'team1',
      host: 'node-1',
      path: '/mnt/state',
    });
    const ev = judge(side, state, [...nodes, ais]);
    expect(ev.crName).not.toBe('ais');
    expect(ev.allowed).toBe(true);
  });

  // MEDIUM (c1061ce pv-target-binding ownerOf compares CR names, not namespaces). Prod and staging
  // are both CR "ais", in namespaces prod and staging: the layout neighbours.test.ts starts from.
  // Staging's PV lands on prod's live disk: rightly denied, but ownerOf(ctx, ref, "ais") drops the
  // owner because prod's CR has staging's name, so the fix is the one c1061ce removed for CRs of
  // different names: "delete PV prod-n1-sda if it is no longer meant for claim …", prod's live disk.
  // Deleted, pv-protection keeps it while bound, and the owner's target loses its disk when the
  // claim goes. The message does not name AIStore ais (prod) either.
  it('MEDIUM: a disk clash with a same-named CR of another namespace names it and never offers to delete its PV', () => {
    const prod = aistore({ name: 'ais', namespace: 'prod', size: 2, disable: true });
    const staging = aistore({ name: 'ais', namespace: 'staging', size: 2, disable: true });
    const prodDisk = pv('prod-n1-sda', {
      claim: 'ais-data-aistore-ais-target-0',
      claimNamespace: 'prod',
      path: '/mnt/sda',
    });
    const stagingPV = pv('stg-n1-sda', {
      claim: 'ais-data-aistore-ais-target-0',
      claimNamespace: 'staging',
      path: '/mnt/sda',
    });
    const ev = judge(side, stagingPV, [...nodes, prod, staging, prodDisk]);
    expect(ev.allowed).toBe(false);
    const clash = ev.findings.find((f) => /same disk node-1:\/mnt\/sda/.test(f.message));
    expect(clash?.fix).not.toMatch(/delete PV prod-n1-sda/);
    expect(clash?.message).toMatch(/of AIStore ais\b/);
  });

  // MEDIUM (same cause, heldDisk). Staging (staging/ais) was deleted and re-created: its Retain PV
  // stg-0 is Released, keeping the data of staging's ais-target-0, whose claim the live CR makes
  // again. A prod PV (prod/ais target-2) is made for that disk: the warning's fix is to point
  // staging's PV, and its data, at prod's claim; with a CR of another name (neighbours.test.ts) the
  // guard names the owner and says to free it for that CR instead.
  it("MEDIUM: a Released PV of a re-created same-named CR in another namespace is not handed to this CR's claim", () => {
    const prod = aistore({ name: 'ais', namespace: 'prod', size: 3, disable: true });
    const staging = aistore({ name: 'ais', namespace: 'staging', size: 2, disable: true });
    const released = (o: KubeObject): KubeObject => {
      const c = structuredClone(o) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
      c.spec.claimRef.uid = 'uid-of-a-deleted-claim';
      return { ...c, status: { phase: 'Released' } };
    };
    const held = released(
      pv('stg-0', { claim: 'ais-data-aistore-ais-target-0', claimNamespace: 'staging', path: '/mnt/sdc' }),
    );
    const prodPV = pv('prod-2', {
      claim: 'ais-data-aistore-ais-target-2',
      claimNamespace: 'prod',
      path: '/mnt/sdc',
    });
    const ev = judge(side, prodPV, [...nodes, prod, staging, held]);
    const warning = ev.findings.find((f) => /stg-0/.test(f.message));
    expect(warning?.fix).not.toMatch(/Point PV stg-0 at claim prod\/ais-data-aistore-ais-target-2/);
    expect(warning?.message).toMatch(/AIStore ais\b/);
  });
});

// LOW-MEDIUM, cost (regression of 2778418, aistore.ts targetCrCandidates). Every PV event indexes
// the PV under each "-"-suffix of its claim name's stem that the name starts with: for a claimRef
// name "a-a-a-…-a-target-0" that is every suffix, n of them, each sliced, prefixed and hashed:
// quadratic in the name. The apiserver does not bound a PV's claimRef.name (no name validation of
// spec.claimRef in ValidatePersistentVolumeSpec), and the guard's own bound (recognise.ts
// MAX_NAME_LENGTH = 253) is applied on review, not in the index: the webhook admits such a PV (no
// target's) and then its informer handler, on the event loop every review shares, spends ~1 s on a
// 32 KB name and ~15 min on a 1 MB one (measured: 8 KB 0.15 s, 32 KB 1 s). Before 2778418 a PV was
// indexed under its namespace once.
describe('review today19: index cost of a long claimRef name', () => {
  const longClaim = (dashes: number) => `${'a-'.repeat(dashes)}a-target-0`;
  it('targetCrCandidates of a name longer than any claim name (253) is no longer than its bound', () => {
    expect(targetCrCandidates('ais', longClaim(5_000)).length).toBeLessThanOrEqual(127);
  });
  // Counted, not timed: the cost was the suffixes indexed (one per dash), so none must be.
  it('a PV event with a 64 KB claimRef name is cached but indexed under no CR', () => {
    const ctx = new ClusterContext([node('node-1'), aistore({})]);
    ctx.upsert(cached(pv('big', { claim: longClaim(32_000) })));
    expect(ctx.pv('big')).toBeDefined();
    expect(ctx.targetPvNamespacesWithoutCR('a')).toEqual([]);
    expect(ctx.targetPvNamespacesWithoutCR('a-a')).toEqual([]);
  });
});

// LOW (c1061ce pv-target-binding checkHostPathDirs, `check` only). Prod's CR keeps its targets on
// pool=prod nodes (nodeSelector) and writes node:/mnt/sda/prod/ais/target there; staging's PV is on
// node-1, a staging node. The webhook, which knows Node node-1, admits it (placementExcludes). `check`
// run without Node objects (no --nodes-file: its normal pre-commit mode, where a node's labels are
// unknown) denies it: an unknown placement counts as "may run there", the opposite of the same
// rule's excluded-node check (unknown = not excluded, no finding). A deny `check` and the webhook
// disagree on, from what check cannot know; and a CR manifest with no namespace (check without -n)
// is taken as writing <path>//<cr>/target = <path>/<cr>/target, a directory the operator never
// makes (target/volumes.go appendHostPathDataVolumes joins the CR's real namespace).
describe('review today19: useHostPath directories judged from what check cannot know', () => {
  const staging = aistore({ name: 'ais', namespace: 'staging', size: 2, disable: true });
  it('LOW: nodes unknown, a PV on a node the hostPath CR may well exclude is not denied', () => {
    const prod = aistore({
      name: 'ais',
      namespace: 'prod',
      size: 1,
      nodeSelector: { pool: 'prod' },
      mounts: [{ path: '/mnt/sda', useHostPath: true }],
    });
    const vol = pv('stg', {
      claim: 'ais-data-aistore-ais-target-0',
      claimNamespace: 'staging',
      host: 'node-1',
      path: '/mnt/sda',
    });
    const webhook = evaluate(
      { operation: 'CREATE', object: vol },
      new ClusterContext([node('node-1', { pool: 'staging' }), prod, staging].map(cached)),
    );
    expect(webhook.allowed).toBe(true);
    const check = evaluate({ operation: 'CREATE', object: vol }, new ClusterContext([prod, staging, vol]));
    expect(check.allowed).toBe(webhook.allowed);
  });
  it('LOW: a hostPath CR with no namespace is not taken as writing <path>/<cr>/target', () => {
    const cr = aistore({ name: 'ais', size: 1, mounts: [{ path: '/mnt/sda', useHostPath: true }] });
    delete (cr.metadata as Record<string, unknown>).namespace;
    const vol = pv('stg', {
      claim: 'ais-data-aistore-ais-target-0',
      claimNamespace: 'staging',
      host: 'node-1',
      path: '/mnt/sda/ais',
    });
    const ev = evaluate(
      { operation: 'CREATE', object: vol },
      new ClusterContext([cr, staging, vol, node('node-1')]),
    );
    expect(messages(ev).join('\n')).not.toMatch(/\/mnt\/sda\/ais\/target/);
  });
});
