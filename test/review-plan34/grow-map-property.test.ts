// Review plan34: an admin adds nodes and disks to the disk map (anywhere in it, listed first too)
// and scales out, planning with --diff against the PVs of the earlier plan. Property: every existing
// target keeps its node and disks (moving one loses its data), nothing is warned of, only the new
// targets' claims are missing, and the missing PVs beside the old ones pass the guard (no deny).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluateSet, type KubeObject } from '../../src/policy/index.js';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { diffVolumes, parseDiskMap, PlanError, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

type RawMap = Record<string, { path: string; size: string; class?: string }[]>;

const diskArb = fc.record({
  size: fc.integer({ min: 1, max: 8 }),
  class: fc.option(fc.constantFrom('local-a', 'local-b'), { nil: undefined }),
});
const scenarioArb = fc.record({
  mounts: fc.uniqueArray(
    fc.record({
      path: fc.constantFrom('/data/a', '/data/b', '/data/c'),
      size: fc.integer({ min: 1, max: 6 }),
      storageClass: fc.constantFrom('local-a', 'local-b'),
    }),
    { minLength: 1, maxLength: 2, selector: (m) => m.path },
  ),
  nodes: fc.array(fc.array(diskArb, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  added: fc.array(
    fc.record({
      node: fc.integer({ min: 0, max: 5 }),
      at: fc.integer({ min: 0, max: 5 }),
      disk: diskArb,
      newNode: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  small: fc.integer({ min: 1, max: 4 }),
  more: fc.integer({ min: 0, max: 3 }),
});

const cr = (size: number, mounts: { path: string; size: number; storageClass: string }[]) =>
  aistore({
    disable: true,
    size,
    mounts: mounts.map((m) => ({ ...m, size: `${m.size}Ti` })),
  }) as AIStoreCR;

let diskNo = 0;
const disk = (d: { size: number; class?: string }) => ({
  path: `/mnt/d${diskNo++}`,
  size: `${d.size}Ti`,
  ...(d.class && { class: d.class }),
});

describe('review plan34: growing the disk map, then scaling out with --diff', () => {
  it('keeps every existing target where it is; the missing PVs pass the guard beside the old ones', () => {
    let checked = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        diskNo = 0;
        const names = s.nodes.map((_, i) => `node-${i}`);
        const first: RawMap = Object.fromEntries(s.nodes.map((ds, i) => [names[i]!, ds.map(disk)]));
        let old;
        try {
          old = planVolumes(cr(s.small, s.mounts), parseDiskMap(first));
        } catch (e) {
          if (e instanceof PlanError) return;
          throw e;
        }
        // The grown map: new disks anywhere in a node's list, new nodes anywhere in the map.
        const entries = Object.entries(structuredClone(first));
        for (const a of s.added) {
          if (a.newNode) entries.splice(a.at % (entries.length + 1), 0, [`new-${diskNo}`, [disk(a.disk)]]);
          else {
            const list = entries[a.node % entries.length]![1];
            list.splice(a.at % (list.length + 1), 0, disk(a.disk));
          }
        }
        const grown = Object.fromEntries(entries);
        const size = s.small + s.more;
        let plan;
        try {
          plan = planVolumes(cr(size, s.mounts), parseDiskMap(grown), { existing: old.volumes });
        } catch (e) {
          if (e instanceof PlanError) return;
          throw e;
        }
        checked++;
        expect(plan.warnings).toEqual([]);
        const where = (p: { ordinal: number; node: string; disks: { path: string }[] }) =>
          `${p.ordinal}@${p.node}:${p.disks.map((d) => d.path).join('+')}`;
        expect(plan.placements.slice(0, s.small).map(where)).toEqual(old.placements.map(where));
        const diff = diffVolumes(plan.volumes, old.volumes, plan.namespace, plan.crName, plan.mounts);
        expect(diff.conflicting).toEqual([]);
        expect(diff.extra).toEqual([]);
        expect(diff.missing).toHaveLength(s.more * s.mounts.length);
        const missing = new Set(diff.missing.map((d) => d.claim));
        const added = plan.volumes.filter((pv) =>
          missing.has(`${pv.spec?.claimRef?.namespace}/${pv.spec?.claimRef?.name}`),
        );
        const objects = [cr(size, s.mounts), ...old.volumes, ...added] as KubeObject[];
        const denies = evaluateSet(objects).flatMap((e) =>
          e.findings.filter((f) => f.severity === 'deny').map((f) => `${f.ruleId}: ${f.message}`),
        );
        expect(denies).toEqual([]);
      }),
      { numRuns: Number(process.env.REVIEW_RUNS ?? 150) },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('a mount added too: a target kept keeps its node; what --missing prints passes the guard beside the old PVs', () => {
    let checked = 0;
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 3 }), (s, extraSize) => {
        diskNo = 0;
        const kept = s.mounts.filter((m) => m.path !== '/data/c');
        const mounts = kept.length > 0 ? kept : [{ path: '/data/a', size: 1, storageClass: 'local-a' }];
        const names = s.nodes.map((_, i) => `node-${i}`);
        const first: RawMap = Object.fromEntries(s.nodes.map((ds, i) => [names[i]!, ds.map(disk)]));
        let old;
        try {
          old = planVolumes(cr(s.small, mounts), parseDiskMap(first));
        } catch (e) {
          if (e instanceof PlanError) return;
          throw e;
        }
        const entries = Object.entries(structuredClone(first));
        for (const a of s.added) {
          if (a.newNode) entries.splice(a.at % (entries.length + 1), 0, [`new-${diskNo}`, [disk(a.disk)]]);
          else {
            const list = entries[a.node % entries.length]![1];
            list.splice(a.at % (list.length + 1), 0, disk(a.disk));
          }
        }
        const grownMounts = [...mounts, { path: '/data/c', size: extraSize, storageClass: 'local-a' }];
        const after = cr(s.small + s.more, grownMounts);
        let plan;
        try {
          plan = planVolumes(after, parseDiskMap(Object.fromEntries(entries)), { existing: old.volumes });
        } catch (e) {
          if (e instanceof PlanError) return;
          throw e;
        }
        checked++;
        const oldAt = new Map(old.placements.map((p) => [p.ordinal, p]));
        for (const p of plan.placements) {
          const before = oldAt.get(p.ordinal);
          if (!before || plan.moved.includes(p.ordinal)) continue;
          expect(p.node).toBe(before.node);
          expect(p.disks.slice(0, mounts.length).map((d) => d.path)).toEqual(before.disks.map((d) => d.path));
        }
        expect(plan.warnings.length).toBe(plan.moved.length);
        const diff = diffVolumes(plan.volumes, old.volumes, plan.namespace, plan.crName, plan.mounts);
        const missing = new Set(diff.missing.map((d) => d.claim));
        const ordinalOf = (name = '') => Number(name.slice(name.lastIndexOf('-') + 1));
        const printed = plan.volumes.filter((pv) => {
          const ref = pv.spec!.claimRef!;
          return missing.has(`${ref.namespace}/${ref.name}`) && !plan.moved.includes(ordinalOf(ref.name));
        });
        const denies = evaluateSet([after, ...old.volumes, ...printed] as KubeObject[]).flatMap((e, i) =>
          i === 0
            ? []
            : e.findings.filter((f) => f.severity === 'deny').map((f) => `${f.ruleId}: ${f.message}`),
        );
        expect(denies).toEqual([]);
      }),
      { numRuns: Number(process.env.REVIEW_RUNS ?? 300) },
    );
    expect(checked).toBeGreaterThan(5);
  });
});
