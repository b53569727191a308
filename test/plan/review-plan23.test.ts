// Review plan23: `ais-guard plan` attacked as a production AIStore operator user would hit it. Each
// case is a FAILING test of a defect: the plan's PVs or verdicts against what the operator (v3.4.0)
// and the Kubernetes PV controller / apiserver really do.
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { diffVolumes, parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { PlanError } from '../../src/plan/error.js';
import { aistore } from '../support/builders.js';
import { cli } from '../support/cli.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const cr = (o: Parameters<typeof aistore>[0] = {}) => aistore({ disable: true, ...o }) as AIStoreCR;
const at = (plan: ReturnType<typeof planVolumes>) =>
  plan.placements.map((p) => `${p.ordinal}@${p.node}:${p.disks.map((d) => d.path).join('+')}`);

describe('review plan23: two mounts of different sizes on disks of two sizes', () => {
  // Node n1 has two 8Ti and two 4Ti disks, listed a(8) b(4) c(8) d(4); the CR has /m1 of 6Ti and
  // /m2 of 2Ti. The node holds two targets: (a, b) and (c, d).
  //
  // Defect: planned for ONE target, plan gives target-0 /m1 on c and /m2 on a: both 8Ti disks (Kuhn's
  // augmenting path for the /m2 slot takes a, the first listed, and pushes /m1 to c), though b (4Ti,
  // listed before c) fits /m2. docs/plan.md says "Within a node, the disks listed first are used
  // first". The user applies those PVs and the operator binds them (target-0's claims
  // ais-m1-ais-target-0 and ais-m2-ais-target-0, Mount.BuildPVC / newTargetPVCs in
  // internal/resources/aistore/target/volumes.go). Scaling out to 2 targets the documented way
  // (`plan --diff` against those PVs, which keeps target-0 on its disks) then fails with exit 2,
  // "disks smaller than the mount size ... the map holds 0 target(s)", because only the two 4Ti disks
  // are left; and a plain `plan` for size 2 moves target-0 to (a, b), so `kubectl apply` of it is
  // refused for target-0's PVs (a PV's source is immutable) and creates target-1's /m1 PV on c, the
  // disk target-0's data is on. The disks could hold both targets all along.
  // Expected: the one-target plan leaves room for the second (a and b, the disks listed first), and
  // the scale-out with --diff plans target-1 on c and d.
  const map = () =>
    parseDiskMap({
      n1: [
        { path: '/mnt/a', size: '8Ti' },
        { path: '/mnt/b', size: '4Ti' },
        { path: '/mnt/c', size: '8Ti' },
        { path: '/mnt/d', size: '4Ti' },
      ],
    });
  const mounts = [
    { path: '/m1', size: '6Ti' },
    { path: '/m2', size: '2Ti' },
  ];

  it('one target uses the disks listed first, and a scale-out with --diff then fits', () => {
    const one = planVolumes(cr({ size: 1, mounts }), map());
    expect(at(one)).toEqual(['0@n1:/mnt/a+/mnt/b']); // got ['0@n1:/mnt/c+/mnt/a']
    let two: ReturnType<typeof planVolumes> | undefined;
    try {
      two = planVolumes(cr({ size: 2, mounts }), map(), { existing: structuredClone(one.volumes) });
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
    }
    expect(two && at(two)).toEqual(['0@n1:/mnt/a+/mnt/b', '1@n1:/mnt/c+/mnt/d']); // got a PlanError
  });
});

describe('review plan23: plan --diff in a namespace with two AIStore CRs', () => {
  // Two AIStore clusters in namespace ais: "ais" and "x-ais" (the operator names each one's claims
  // <cr><mount-path-with-dashes>-<cr>-target-<N>: Mount.GetPVCName in
  // api/aistore/v1beta1/aistore_types.go, used by BuildPVC). A claim of CR "ais" always starts with
  // "ais-" (the template is the CR name followed by the mount path); x-ais's claims
  // "x-ais-data-aistore-x-ais-target-N" never do.
  // Defect: `plan --diff` (or --diff-cluster) for CR "ais" lists x-ais's PVs as "extra" (diff.ts
  // isTargetVolume only looks for "-ais-target-<N>" inside the claim name, and "-x-ais-target-0"
  // contains it), so the run exits 1 and tells the user the other cluster's live, Bound PVs are
  // extra PVs of this one: an invitation to delete another cluster's data volumes. docs/plan.md:
  // "extra: a PV pre-bound to a target data claim of this CR".
  // Expected: 0 differences against exactly the plan's own PVs plus another CR's.
  it("another CR's PVs, whose name ends like this CR's, are not extra", () => {
    const disks = parseDiskMap({
      n1: ['a', 'b', 'c', 'd'].map((d) => ({ path: `/mnt/sd${d}`, size: '8Ti' })),
    });
    const mine = planVolumes(cr({ size: 2 }), disks);
    const other = planVolumes(
      cr({ size: 2, name: 'x-ais' }),
      parseDiskMap({ n1: ['c', 'd'].map((d) => ({ path: `/mnt/sd${d}`, size: '8Ti' })) }),
    );
    const existing = [...mine.volumes, ...other.volumes].map((v) => structuredClone(v));
    const diff = diffVolumes(mine.volumes, existing, 'ais', 'ais');
    expect(diff.extra.map((d) => d.claim)).toEqual([]); // got ais/x-ais-data-aistore-x-ais-target-0, -1
  });
});

describe("review plan23: a disk path with '..'", () => {
  // The disk map accepts any path starting with '/', so `/mnt/../sda` is planned as local.path
  // "/mnt/../sda". The apiserver refuses such a PV: Kubernetes
  // pkg/apis/core/validation/validation.go validateLocalVolumeSource -> validatePathNoBacksteps
  // ("must not contain '..'"). `kubectl apply` of the plan then fails for that PV (the others are
  // created), and its target's claim stays Pending; plan said nothing and exited 0. plan already
  // refuses other unusable paths (relative, trailing '/') at the map (diskmap.ts parseDisk).
  // Expected: the map is refused with the reason (exit 2), as for a relative path.
  it('is refused in the disk map, not planned into a PV the apiserver rejects', () => {
    let planned: string[] = [];
    let error: unknown;
    try {
      const plan = planVolumes(cr({ size: 1 }), parseDiskMap({ n1: [{ path: '/mnt/../sda', size: '8Ti' }] }));
      planned = plan.volumes.map((v) => YAML.stringify(v.spec?.local));
    } catch (err) {
      error = err;
    }
    expect(planned).toEqual([]); // got ['path: /mnt/../sda\n']
    expect(error).toBeInstanceOf(PlanError);
  });
});

describe('review plan23: plan --diff against PVs the target claims can never bind', () => {
  // The operator's target claims are ReadWriteOnce with no volumeMode (Filesystem): Mount.BuildPVC in
  // api/aistore/v1beta1/aistore_types.go. A PV pre-bound by claimRef is still matched by access mode
  // and volume mode: the PV controller's index (pv_controller findBestMatchForClaim ->
  // persistentVolumeOrderedIndex.findByClaim, allPossibleMatchingAccessModes) only offers PVs whose
  // access modes include ReadWriteOnce, and FindMatchingVolume (pkg/controller/volume/persistentvolume/util)
  // skips a PV on CheckVolumeModeMismatches before it looks at the claimRef. So an existing PV on the
  // right node and disk with `volumeMode: Block`, or `accessModes: [ReadOnlyMany]`, leaves the target's
  // claim Pending for ever (`ais-guard check` denies the Block one: pv-target-binding).
  // Defect: `plan --diff` compares node, path, class, capacity and the claim uid only
  // (diff.ts differing), says "0 missing, 0 extra, 0 conflicting" and exits 0: "nothing to do".
  // Expected: those PVs are conflicting (exit 1), as a PV on another path is.
  const HERE = new URL('./fixtures/', import.meta.url).pathname;
  const CR = `${HERE}ais-6-targets.yaml`;
  const DISKS = `${HERE}disks-3x4.yaml`;
  const diffAgainst = async (edit: (spec: Record<string, unknown>) => void) => {
    const plan = await cli(['plan', '--disks', DISKS, CR]);
    const docs = YAML.parseAllDocuments(plan.stdout).map((d) => {
      const pv = d.toJS() as { spec: Record<string, unknown> };
      edit(pv.spec);
      return YAML.stringify(pv);
    });
    const file = `${mkdtempSync(`${tmpdir()}/ais-guard-review-plan23-`)}/pvs.yaml`;
    writeFileSync(file, docs.join('---\n'));
    return cli(['plan', '--disks', DISKS, CR, '--diff', file]);
  };

  it('volumeMode: Block is a difference, not "nothing to do"', async () => {
    const r = await diffAgainst((spec) => (spec.volumeMode = 'Block'));
    expect(r.stderr).not.toContain('0 missing, 0 extra, 0 conflicting');
    expect(r.code).toBe(1); // got 0
  });

  it('accessModes without ReadWriteOnce is a difference, not "nothing to do"', async () => {
    const r = await diffAgainst((spec) => (spec.accessModes = ['ReadOnlyMany']));
    expect(r.stderr).not.toContain('0 missing, 0 extra, 0 conflicting');
    expect(r.code).toBe(1); // got 0
  });
});

describe('review plan23: -n with a name no namespace can have', () => {
  // A CR manifest without metadata.namespace takes its namespace from -n. plan checks the map's
  // node names and classes as the apiserver would (diskmap.ts SUBDOMAIN) but not -n: `-n Ais_Prod`
  // plans PVs named "Ais_Prod.ais-data-aistore-ais-target-0" with claimRef.namespace "Ais_Prod",
  // exit 0. The apiserver refuses every one (a PV name is a DNS-1123 subdomain: no capitals, no '_';
  // ValidatePersistentVolumeName in pkg/apis/core/validation), and no claim can be in such a namespace
  // (a namespace name is a DNS-1123 label). Expected: a usage error (exit 2) naming -n.
  it('is refused, not planned into PVs the apiserver rejects', async () => {
    const HERE = new URL('./fixtures/', import.meta.url).pathname;
    const text = readFileSync(`${HERE}ais-6-targets.yaml`, 'utf8').replace('  namespace: ais\n', '');
    const r = await cli(['plan', '--disks', `${HERE}disks-3x4.yaml`, '-n', 'Ais_Prod', '-'], text);
    expect(r.stdout).not.toContain('name: Ais_Prod.');
    expect(r.code).toBe(2); // got 0
  });
});
