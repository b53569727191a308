// Outside review "spare3" (of da8de2b): claims.ts claimOwners / crForClaimName (and
// shapedCandidates) now look CRs up by the names that can close the claim name (crsClosing) instead
// of walking every CR of the namespace. This compares them with the old walk (copied from
// da8de2b^:src/policy/claims.ts) over random CR name sets and claim names built from them.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  hasClaimShape,
  isStateClaim,
  mountOfTemplate,
  splitClaimName,
  stateTemplateName,
  targetCrCandidates,
  targetOrdinal,
  templateName,
  type Mount,
} from '../../src/policy/aistore.js';
import { claimOwners, crForClaimName } from '../../src/policy/claims.js';
import { ClusterContext } from '../../src/policy/context.js';
import { nameOf } from '../../src/policy/k8s.js';
import { aistore } from '../support/builders.js';

// ---- the old walk, verbatim but for the names -------------------------------------------------
interface ClaimOwner {
  crName: string;
  mount: Mount;
  ordinal: number;
}
function oldClaimOwners(ctx: ClusterContext, namespace: string, name: string): ClaimOwner[] {
  const owners: ClaimOwner[] = [];
  for (const cr of ctx.aistoresIn(namespace)) {
    const crName = nameOf(cr);
    const split = crName ? splitClaimName(crName, name) : undefined;
    const mount = split && mountOfTemplate(cr, split.template);
    if (split && mount) owners.push({ crName, mount, ordinal: split.ordinal });
  }
  return owners;
}
function oldCrForClaimName(ctx: ClusterContext, namespace: string, name: string): string | undefined {
  for (const cr of ctx.aistoresIn(namespace)) {
    const crName = nameOf(cr);
    if (crName && splitClaimName(crName, name)?.template === stateTemplateName(namespace, crName))
      return crName;
  }
  const exact = oldClaimOwners(ctx, namespace, name)[0];
  if (exact) return exact.crName;
  return oldShapedCandidates(ctx, namespace, name)[0];
}
function oldShapedCandidates(ctx: ClusterContext, namespace: string, name: string): string[] {
  return ctx
    .aistoresIn(namespace)
    .map(nameOf)
    .filter((c) => c && hasClaimShape(c, name))
    .sort((a, b) => b.length - a.length);
}
// -------------------------------------------------------------------------------------------------

const NS = 'ais';
const WORDS = ['ais', 'x', 'a', 'target', 'state', '0', '1', '01', 'data', 'ais-target', 'target-0'];
/** CR names with dashes, suffixes of each other (ais, x-ais, a-x-ais), 'target', 'state', digits. */
const arbCrName = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 })
  .map((ws) => ws.join('-'))
  .filter((n) => /^[a-z0-9]/.test(n));
const arbMount = fc
  .array(fc.constantFrom('data', 'ais', 'x', 'target', 'state', '0', 'a-x'), { minLength: 1, maxLength: 3 })
  .map((ws) => `/${ws.join('/')}`);
const arbCr = fc.record({
  name: arbCrName,
  mounts: fc.array(arbMount, { minLength: 1, maxLength: 3 }),
});
const arbOrdinal = fc.constantFrom('0', '1', '12', '01', '00', '', '-1', '1a');

type ClaimPlan =
  | { t: 'data'; cr: number; mount: number; ordinal: string; other: number }
  | { t: 'state'; cr: number; ordinal: string; other: number }
  | { t: 'free'; words: string[]; ordinal: string }
  | { t: 'shape'; cr: number; words: string[]; ordinal: string; other: number };

const arbPlan: fc.Arbitrary<ClaimPlan> = fc.oneof(
  fc.record({
    t: fc.constant('data' as const),
    cr: fc.nat(),
    mount: fc.nat(),
    ordinal: arbOrdinal,
    other: fc.nat(),
  }),
  fc.record({ t: fc.constant('state' as const), cr: fc.nat(), ordinal: arbOrdinal, other: fc.nat() }),
  fc.record({
    t: fc.constant('free' as const),
    words: fc.array(fc.constantFrom(...WORDS, 'state', '-'), { minLength: 1, maxLength: 6 }),
    ordinal: arbOrdinal,
  }),
  fc.record({
    t: fc.constant('shape' as const),
    cr: fc.nat(),
    words: fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 3 }),
    ordinal: arbOrdinal,
    other: fc.nat(),
  }),
);

function claimOf(plan: ClaimPlan, crs: { name: string; mounts: string[] }[]): string {
  const pick = (i: number) => crs[i % crs.length]!;
  switch (plan.t) {
    case 'data': {
      // <cr><mount-with-dashes>-<cr'>-target-N, cr' the same CR or another (misnamed).
      const cr = pick(plan.cr);
      const mount = cr.mounts[plan.mount % cr.mounts.length]!;
      const closing = plan.other % 3 === 0 ? pick(plan.other).name : cr.name;
      return `${cr.name}${mount.replaceAll('/', '-')}-${closing}-target-${plan.ordinal}`;
    }
    case 'state': {
      const cr = pick(plan.cr);
      const closing = plan.other % 3 === 0 ? pick(plan.other).name : cr.name;
      return `${NS}-${cr.name}-state-${closing}-target-${plan.ordinal}`;
    }
    case 'free':
      return `${plan.words.join('-')}-target-${plan.ordinal}`;
    case 'shape': {
      const cr = pick(plan.cr);
      const closing = plan.other % 2 === 0 ? pick(plan.other).name : cr.name;
      return [cr.name, ...plan.words, closing, 'target', plan.ordinal].join('-');
    }
  }
}

const setOf = (owners: ClaimOwner[]) => owners.map((o) => `${o.crName}|${o.mount.path}|${o.ordinal}`).sort();

function contextOf(crs: { name: string; mounts: string[] }[], order: number[]): ClusterContext {
  const objects = crs.map((c) =>
    aistore({
      name: c.name,
      namespace: NS,
      mounts: c.mounts.map((path) => ({ path, size: '1Ti' })),
    } as never),
  );
  // A CR of another namespace of each name: never a candidate.
  const elsewhere = crs.map((c) => aistore({ name: c.name, namespace: 'other' }));
  const ordered = order.map((i) => objects[i % objects.length]!);
  return new ClusterContext([...elsewhere, ...ordered, ...objects]);
}

describe('crsClosing (da8de2b) against the old walk of the namespace', () => {
  it('claimOwners: the same owners (as a set); crForClaimName: the same CR, but for a shared claim', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbCr, { minLength: 1, maxLength: 5, selector: (c) => c.name }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(arbPlan, { minLength: 1, maxLength: 8 }),
        (crs, order, plans) => {
          const ctx = contextOf(crs, order);
          for (const plan of plans) {
            const name = claimOf(plan, crs);
            const before = oldClaimOwners(ctx, NS, name);
            const after = claimOwners(ctx, NS, name);
            expect(setOf(after)).toEqual(setOf(before));
            const was = oldCrForClaimName(ctx, NS, name);
            const is = crForClaimName(ctx, NS, name);
            if (was === undefined && is !== undefined) {
              // Since review "neighbours": the old doc's <namespace>-<path>-<cr>-target-<N> names a
              // CR whose name does not start the claim (legacyDocCandidate).
              expect(splitClaimName(is, name)?.template.startsWith(`${NS}-`)).toBe(true);
            } else if (was !== is) {
              // Only a claim that is two CRs' at once (a conflict, denied either way) may differ: the
              // old walk took the first CR in the order events came in, the new one the longest name.
              const owning = new Set(before.map((o) => o.crName));
              expect(owning.size).toBeGreaterThan(1);
              expect(is).toBe([...owning].sort((a, b) => b.length - a.length)[0]);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a claim two CRs share: the old answer depended on the order the CRs came in, the new does not', () => {
    // ais with mount /ais/data/ais and ais-ais with mount /data both make ais-ais-data-ais-ais-target-0.
    const a = aistore({
      name: 'ais',
      namespace: NS,
      mounts: [{ path: '/ais/data/ais', size: '1Ti' }],
    } as never);
    const b = aistore({ name: 'ais-ais', namespace: NS, mounts: [{ path: '/data', size: '1Ti' }] } as never);
    const claim = 'ais-ais-data-ais-ais-target-0';
    const ab = new ClusterContext([a, b]);
    const ba = new ClusterContext([b, a]);
    // The old walk met the CRs in the order they came in (aistoresIn sorts them by name now).
    const arrived = (...crs: unknown[]) => ({ aistoresIn: () => crs }) as unknown as ClusterContext;
    expect(oldCrForClaimName(arrived(a, b), NS, claim)).toBe('ais');
    expect(oldCrForClaimName(arrived(b, a), NS, claim)).toBe('ais-ais');
    expect(crForClaimName(ab, NS, claim)).toBe('ais-ais');
    expect(crForClaimName(ba, NS, claim)).toBe('ais-ais');
    expect(setOf(claimOwners(ab, NS, claim))).toEqual(setOf(claimOwners(ba, NS, claim)));
    expect(claimOwners(ab, NS, claim).map((o) => o.crName)).toEqual(
      claimOwners(ba, NS, claim).map((o) => o.crName),
    );
  });
});

// Outside review "scale18": the context finds a CR's target PVs through an index keyed by the CRs a
// claim name may belong to (targetCrCandidates) instead of walking the namespace's PVs. Every CR for
// which target-volumes.ts targetVolumeOf takes the claim (a data claim starting with the CR's name, its
// state claim, or a claim named like its pod; an ordinal at the end) must be among the candidates.
describe('targetCrCandidates: a superset of the CRs targetVolumeOf takes a claim for', () => {
  const arbClaim = fc.oneof(
    fc
      .tuple(arbCrName, arbMount, arbOrdinal)
      .map(([cr, mount, n]) => `${templateName(cr, mount)}-${cr}-target-${n}`),
    fc.tuple(arbCrName, arbOrdinal).map(([cr, n]) => `${stateTemplateName(NS, cr)}-${cr}-target-${n}`),
    fc.tuple(arbCrName, arbOrdinal).map(([cr, n]) => `${cr}-target-${n}`),
    fc
      .array(fc.constantFrom(...WORDS, 'state', '-'), { minLength: 1, maxLength: 7 })
      .map((ws) => ws.join('-')),
  );
  it('holds for random CR names and claims', () => {
    fc.assert(
      fc.property(arbCrName, arbClaim, (crName, claim) => {
        const taken =
          (claim.startsWith(`${crName}-`) || isStateClaim(NS, crName, claim)) &&
          targetOrdinal(crName, claim) !== undefined;
        if (taken) expect(targetCrCandidates(NS, claim)).toContain(crName);
      }),
      { numRuns: 5000 },
    );
  });

  it('names the one CR of a plain claim, and none of a claim of no target shape', () => {
    expect(targetCrCandidates(NS, 'ais-2-data-aistore-ais-2-target-0')).toEqual([
      'ais-2-data-aistore-ais-2', // a claim named like the pod of a CR of that name
      'ais-2',
    ]);
    expect(targetCrCandidates(NS, 'ais-ais-state-ais-target-3')).toEqual(['ais-ais-state-ais', 'ais']);
    expect(targetCrCandidates(NS, 'postgres-data-0')).toEqual([]);
  });
});
