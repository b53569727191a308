// Review fresh20c: `plan --diff` keeping a target on the disks its existing PVs name (keptDisks /
// placeAround in src/plan/plan.ts). Each case is one a user hits by planning against the cluster's PVs
// (--diff-cluster) after a change; each ends in claims that stay Pending while plan says nothing, or
// a disk shared by two claims that plan keeps without a word.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { diffVolumes, parseDiskMap, planVolumes, type DiskNode } from '../../src/plan/index.js';
import { differenceCount } from '../../src/plan/diff.js';
import { aistore } from '../support/builders.js';

const disks = (n: number, size = '8Ti') =>
  Array.from({ length: n }, (_, i) => ({ path: `/mnt/sd${String.fromCharCode(97 + i)}`, size }));
const map = (nodes: Record<string, unknown[]>): DiskNode[] => parseDiskMap(nodes);
const threeByFour = () => map({ 'node-1': disks(4), 'node-2': disks(4), 'node-3': disks(4) });
const at = (plan: ReturnType<typeof planVolumes>) =>
  plan.placements.map((p) => `${p.ordinal}@${p.node}:${p.disks.map((d) => d.path).join('+')}`);

describe('plan --diff: kept disks', () => {
  // An autoscaled CR is planned one target per node (plan.ts: perNode 1; the operator's target pods
  // carry a required pod anti-affinity on kubernetes.io/hostname, cmn.CreateAISAffinity in
  // internal/resources/aistore/cmn/res.go, unless disablePodAntiAffinity; autoscale sizes the
  // StatefulSet to the matching nodes, GetTargetSize in api/aistore/v1beta1/aistore_types.go).
  // But the kept targets are never held to that: PVs for target-0 and target-1 both on node-1 (from
  // an earlier fixed-size plan of 2 targets per node) are both kept, and --diff finds nothing to do
  // (exit 0). The operator cannot run two targets on node-1: target-1's pod is refused node-1 by the
  // anti-affinity and every other node by its PV's node affinity, so it stays Pending for ever.
  // Right: one kept target per node; the other is planned on another node (a warning says why) and
  // --diff shows the conflict.
  it('an autoscaled CR never keeps two targets on one node', () => {
    const existing = planVolumes(
      aistore({ size: 2, disable: true }) as AIStoreCR,
      map({ 'node-1': disks(4) }),
    ).volumes.map((v) => structuredClone(v));
    const autoscaled = aistore({ size: -1, disable: false }) as AIStoreCR;
    const plan = planVolumes(autoscaled, threeByFour(), { targets: 2, existing });
    const nodes = plan.placements.map((p) => p.node);
    expect(new Set(nodes).size).toBe(nodes.length); // got ['node-1', 'node-1']
    expect(differenceCount(diffVolumes(plan.volumes, existing, plan.namespace, plan.crName))).toBeGreaterThan(
      0,
    );
  });

  // docs/plan.md: a target keeps its disks "as long as those disks still serve it: ... none holding
  // another claim's PV too". keptDisks only counts the disks this CR's kept targets took (`taken`), not
  // the PVs of other claims on the same disk (`held` holds them, but only the new targets avoid them).
  // A stray PV of another AIStore (namespace other) on node-1:/mnt/sda, beside ais-target-0's PV there:
  // plan keeps target-0 on that disk without a word and --diff exits 0; both claims bind, and two
  // targets (of two clusters) write one disk. Right: a warning naming the disk and the other claim.
  it("a kept disk that also backs another claim's PV is warned of", () => {
    const cr = aistore({ size: 1, disable: true }) as AIStoreCR;
    const existing = planVolumes(cr, threeByFour()).volumes.map((v) => structuredClone(v));
    const stray = structuredClone(existing[0]!);
    stray.metadata = { name: 'other-pv' };
    (stray.spec as { claimRef: { namespace: string; name: string } }).claimRef = {
      ...(stray.spec as { claimRef: { namespace: string; name: string } }).claimRef,
      namespace: 'other',
      name: 'other-data-aistore-other-target-0',
    };
    existing.push(stray);
    const plan = planVolumes(cr, threeByFour(), { existing });
    expect(at(plan)).toEqual(['0@node-1:/mnt/sda']);
    expect(plan.warnings.join('\n')).toMatch(/node-1:\/mnt\/sda.*(other|another claim)/);
  });

  // A target with two mounts whose PV for one mount is gone (a dead disk's PV deleted after the disk
  // was swapped, or a PV deleted by mistake) while its other claim is Bound to its PV on node-1:/mnt/sdb
  // with the target's data. keptDisks needs every mount's PV ("not every disk defined: return {}"), so
  // the target counts as new: it is planned anew, its /data/a moved to /mnt/sdc, with no warning at all,
  // and --diff lists the Bound PV ais.ais-data-a-ais-target-0 as conflicting (path /mnt/sdc vs
  // /mnt/sdb). A PV's source cannot change: following the diff means deleting the Bound PV, i.e. the
  // target's data on that disk. Right: the target stays on node-1 with /mnt/sdb for /data/a, and only
  // the missing /data/b PV is planned (on a free disk of node-1): --diff shows 1 missing, 0 conflicting.
  it("a target missing one mount's PV keeps the disk its other, Bound, PV holds", () => {
    const mounts = [
      { path: '/data/a', size: '1Ti' },
      { path: '/data/b', size: '1Ti' },
    ];
    const cr = aistore({ size: 2, disable: true, mounts }) as AIStoreCR;
    const nodes = () => map({ 'node-1': disks(4), 'node-2': disks(4) });
    const all = planVolumes(cr, nodes()).volumes.map((v) => structuredClone(v));
    const gone = all.find((v) => v.spec?.claimRef?.name === 'ais-data-b-ais-target-0')!;
    const kept = all.find((v) => v.spec?.claimRef?.name === 'ais-data-a-ais-target-0')!;
    const keptPath = (kept.spec as { local: { path: string } }).local.path;
    const existing = all.filter((v) => v !== gone);
    const plan = planVolumes(cr, nodes(), { existing });
    const target0 = plan.placements.find((p) => p.ordinal === 0)!;
    expect(`${target0.node}:${target0.disks[0]!.path}`).toBe(`node-1:${keptPath}`); // got node-1:/mnt/sdc
    const diff = diffVolumes(plan.volumes, existing, plan.namespace, plan.crName);
    expect(diff.conflicting).toEqual([]);
    expect(diff.missing.map((d) => d.claim)).toEqual(['ais/ais-data-b-ais-target-0']);
  });

  // keptDisks gives a reason ("stderr says why", docs/plan.md) only when the target's PVs are on disks
  // of the map's usable nodes. A target whose PVs are on a node the CR no longer lets targets use (a
  // nodeSelector pin added, here kubernetes.io/hostname: node-2) is looked up among the usable nodes
  // only, found nowhere, and treated as a new target: it is planned on node-2 with no warning, while
  // its Bound PV on node-1 holds its data. --diff shows the claim as conflicting (node), but nothing
  // says that this target is being moved off the disk its data is on, nor why. Right: a warning naming
  // ais-target-0 and its PVs' node, as for the other reasons a target is planned anew.
  it('a target whose PVs stand on a node the CR no longer uses is warned of when it is moved', () => {
    const cr = aistore({ size: 1, disable: true }) as AIStoreCR;
    const existing = planVolumes(cr, threeByFour()).volumes.map((v) => structuredClone(v));
    expect(at(planVolumes(cr, threeByFour()))).toEqual(['0@node-1:/mnt/sda']);
    const pinned = structuredClone(cr);
    (pinned.spec!.targetSpec as Record<string, unknown>).nodeSelector = {
      'kubernetes.io/hostname': 'node-2',
    };
    const plan = planVolumes(pinned, threeByFour(), { existing });
    expect(at(plan)).toEqual(['0@node-2:/mnt/sda']);
    expect(plan.warnings.join('\n')).toMatch(/ais-target-0.*node-1/); // got no warning at all
  });

  // Two PVs pre-bound to one claim (a stray made by hand or by an older plan, the case commit d712386
  // warns of in the webhook): existingDisks keeps one disk per claim in a Map, the last PV listed
  // winning. --diff-cluster lists PVs by name, so a stray named "stray" beats the PV the claim is
  // really Bound to (status.phase Bound, claimRef.uid set): plan keeps target-0 on the stray's disk
  // (node-2:/mnt/sdb), with no warning, and --diff calls the Bound PV holding target-0's data "extra"
  // (a second PV pre-bound to the claim) — the one a user then deletes. The same files given in the
  // other order give the other answer. Right: the PV the claim is Bound to is the target's, whatever
  // the order; the stray is the extra one.
  it('two PVs pre-bound to one claim: the Bound one is kept, whatever the order they are listed in', () => {
    const cr = aistore({ size: 2, disable: true }) as AIStoreCR;
    const nodes = () => map({ 'node-1': disks(2), 'node-2': disks(2) });
    const all = planVolumes(cr, nodes()).volumes.map((v) => structuredClone(v));
    const bound = all[0]!; // ais-target-0 on node-1:/mnt/sda
    (bound.spec as { claimRef: Record<string, string> }).claimRef.uid = 'uid-claim-0';
    (bound as { status?: unknown }).status = { phase: 'Bound' };
    const stray = structuredClone(all[0]!);
    stray.metadata = { name: 'stray' };
    delete (stray.spec as { claimRef: Record<string, string> }).claimRef.uid;
    (stray as { status?: unknown }).status = { phase: 'Available' };
    (stray.spec as { local: { path: string } }).local.path = '/mnt/sdb';
    stray.spec!.nodeAffinity = structuredClone(all[1]!.spec!.nodeAffinity); // node-2
    for (const existing of [
      [...all, stray], // as --diff-cluster lists them (by name)
      [stray, ...all],
    ]) {
      const plan = planVolumes(cr, nodes(), { existing });
      expect(at(plan)[0]).toBe('0@node-1:/mnt/sda'); // got 0@node-2:/mnt/sdb for the first order
      const diff = diffVolumes(plan.volumes, existing, plan.namespace, plan.crName);
      expect(diff.extra.map((d) => d.existing?.pv)).toEqual(['stray']);
    }
  });
});
