// Review plan31: PVs made by the old AIStore doc's naming, claimRef <namespace><path>-<cr>-target-<N>,
// for a CR whose name is not its namespace's (CR ais in namespace prod: prod-data-ais-target-0). The
// operator's claim is <cr><path>-<cr>-target-<N> (Mount.GetPVCName + BuildPVC in
// operator/api/aistore/v1beta1/aistore_types.go; newTargetPVCs in internal/resources/aistore/target/
// volumes.go), so no target ever binds them. `check` denies them (pv-target-binding says so), but
// plan --diff (diff.ts isTargetVolume) ignored them: not extra, not conflicting, and the plan put the
// targets on other disks. The admin read "2 missing" and applied PVs on empty disks, leaving the
// targets' data on disks whose PVs no claim will ever bind.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import type { PersistentVolume } from '../../src/policy/index.js';
import { diffVolumes, parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = (name = 'ais') =>
  aistore({
    name,
    namespace: 'prod',
    disable: true,
    size: 2,
    mounts: [{ path: '/data', size: '1Ti', storageClass: 'local' }],
  }) as AIStoreCR;
const map = () =>
  parseDiskMap({
    n1: [
      { path: '/mnt/a', size: '2Ti' },
      { path: '/mnt/b', size: '2Ti' },
    ],
    n2: [
      { path: '/mnt/a', size: '2Ti' },
      { path: '/mnt/b', size: '2Ti' },
    ],
  });
/** The PVs as planned, each claimRef renamed as `rename` says. */
const renamed = (pvs: PersistentVolume[], rename: (claim: string) => string) =>
  pvs.map((pv) => {
    const copy = structuredClone(pv) as PersistentVolume & { spec: { claimRef: { name: string } } };
    copy.spec.claimRef.name = rename(copy.spec.claimRef.name);
    copy.metadata = { name: `legacy-${copy.spec.claimRef.name}` };
    return copy;
  });

describe('review plan31: --diff and PVs named by the old doc', () => {
  it('lists them as extra, saying which claim they were meant for and how to fix them', () => {
    const legacy = renamed(planVolumes(cr(), map()).volumes, (c) => c.replace(/^ais-/, 'prod-'));
    expect(legacy.map((pv) => pv.spec?.claimRef?.name)).toEqual([
      'prod-data-ais-target-0',
      'prod-data-ais-target-1',
    ]);
    const plan = planVolumes(cr(), map(), { existing: structuredClone(legacy) });
    const diff = diffVolumes(plan.volumes, legacy, 'prod', 'ais', plan.mounts);
    expect(diff.extra.map((d) => d.claim)).toEqual([
      'prod/prod-data-ais-target-0',
      'prod/prod-data-ais-target-1',
    ]);
    expect(diff.extra[0]!.note).toContain('ais-data-ais-target-0');
    expect(diff.extra[0]!.note).toContain('claimRef');
  });

  it('another CR of the namespace whose name ends the same is not taken for one', () => {
    // CR prod-ais's claims (prod-ais-data-prod-ais-target-0) end in -ais-target-0 and start with prod-.
    const other = planVolumes(cr('prod-ais'), map()).volumes;
    const plan = planVolumes(cr(), map(), { existing: structuredClone(other) });
    expect(diffVolumes(plan.volumes, other, 'prod', 'ais', plan.mounts).extra).toEqual([]);
  });
});

describe('review plan31: a shortage caused by PVs of the old doc names them', () => {
  // When those PVs hold every disk that fits, plan --diff stopped at "not enough disks ... 4 disk(s)
  // held by existing PVs", exit 2, with no diff and no word that these are the targets' own disks
  // under names no target claims.
  it('says the held disks carry the old doc claim names, and which claim to set', () => {
    const legacy = renamed(planVolumes(cr(), map()).volumes, (c) => c.replace(/^ais-/, 'prod-'));
    const small = () =>
      parseDiskMap({ n1: [{ path: '/mnt/a', size: '2Ti' }], n2: [{ path: '/mnt/a', size: '2Ti' }] });
    let message = '';
    try {
      planVolumes(cr(), small(), { existing: structuredClone(legacy) });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('prod/prod-data-ais-target-0');
    expect(message).toContain('ais-data-ais-target-0');
    expect(message).toContain('old AIStore doc');
    expect(message).not.toContain('\n');
  });
});
