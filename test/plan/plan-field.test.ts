// What `ais-guard plan` prints against what the operator's StatefulSet claims and what the PV
// controller then binds: cases an outside review ("audit") found.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';
import { cli } from '../support/cli.js';

const HERE = new URL('./fixtures/', import.meta.url).pathname;
const CR = join(HERE, 'ais-6-targets.yaml');
const DISKS = join(HERE, 'disks-3x4.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-plan-'));
const cr = (o: Parameters<typeof aistore>[0] = {}) => aistore({ disable: true, ...o }) as AIStoreCR;

describe('plan: capacity as the operator rounds the mount size', () => {
  it('a disk of exactly the bytes the claim requests fits (7.3Ti requests 8026434882764 bytes)', () => {
    // Operator api/aistore/v1beta1/aistore_types.go Mount.GetPVCResources rounds the size DOWN to
    // whole bytes: the oracle's StatefulSet for size 7.3Ti requests storage "8026434882764"
    // (7.3 × 2^40 = 8026434882764.8). A PV of 8026434882764 binds (the PV controller compares
    // capacity >= request), and `ais-guard check` accepts it; plan compares with the unrounded
    // float (assign.ts unfit: disk.bytes < parseQuantity(size)) and refuses the disk.
    const map = parseDiskMap({ n1: [{ path: '/mnt/a', size: '8026434882764' }] });
    const plan = planVolumes(cr({ size: 1, mounts: [{ path: '/data/a', size: '7.3Ti' }] }), map);
    expect(plan.volumes).toHaveLength(1);
  });
});

describe('plan: a CR whose mounts give one claim template twice', () => {
  it('is an error (exit 2), not 12 PVs with 6 names printed twice', async () => {
    // /data-aistore and /data/aistore both become template "ais-data-aistore" (templateName). The
    // operator renders two volumeClaimTemplates of that name (oracle: ['ais-data-aistore',
    // 'ais-data-aistore']), which the apiserver refuses as duplicate pod volumes. plan exits 0 and
    // prints each PV name twice with different disks: `kubectl apply` then meets an immutable
    // spec.local on the second. plan already refuses a template that is not a DNS label (exit 2,
    // "fix the CR first"); a duplicate is no better.
    const text = readFileSync(CR, 'utf8').replace(
      '      - path: /data/aistore\n',
      '      - path: /data-aistore\n        size: 1Ti\n      - path: /data/aistore\n',
    );
    const r = await cli(['plan', '--disks', DISKS, '-'], text);
    const names = YAML.parseAllDocuments(r.stdout).map(
      (d) => (d.toJS() as { metadata: { name: string } } | null)?.metadata.name,
    );
    expect(new Set(names).size).toBe(names.length);
    expect(r.code).toBe(2);
  });
});

describe('plan --diff against PVs that exist', () => {
  it('a Released PV still holding an earlier claim uid is a difference (the new claim never binds it)', async () => {
    // After an AIStore is deleted and redeployed on Retain disks, its PVs are Released with
    // claimRef.uid of the deleted claims. The PV controller binds a PV only to the claim of that uid
    // (component-helpers storage/volume IsVolumeBoundToClaim; pv_controller syncVolume leaves it
    // Released), so every target claim stays Pending. The guard's own rule pv-claim-uid warns on
    // exactly these PVs; `plan --diff` compares node, path, class and capacity only and says
    // "0 missing, 0 extra, 0 conflicting", exit 0.
    const dir = tmp();
    const plan = await cli(['plan', '--disks', DISKS, CR]);
    const released = YAML.parseAllDocuments(plan.stdout).map((d, i) => {
      const pv = d.toJS() as { spec: { claimRef: Record<string, unknown> }; status?: unknown };
      pv.spec.claimRef.uid = `0000-old-${i}`;
      pv.status = { phase: 'Released' };
      return YAML.stringify(pv);
    });
    writeFileSync(join(dir, 'released.yaml'), released.join('---\n'));
    const r = await cli(['plan', '--disks', DISKS, CR, '--diff', join(dir, 'released.yaml')]);
    expect(r.stderr).not.toContain('0 missing, 0 extra, 0 conflicting');
    expect(r.code).toBe(1);
  });
});

describe('plan: the nodes the CR allows its targets', () => {
  it('puts no target on a node the CR forbids when the allowed node has room (plan, then check: no deny)', async () => {
    // targetSpec.affinity is copied into the target pods as is (operator target/statefulset.go
    // createTargetAffinity: "Don't add additional rules to the affinity set in the target spec"),
    // so hostname In [storage-node-01] keeps every target there. usableNodes (src/plan/plan.ts)
    // reads only nodeSelector, so plan deals target-1 to storage-node-02 and exits 0; its own
    // readiness warning and `ais-guard check` then DENY that PV (pv-target-binding): ais-target-1
    // would stay Pending ("node(s) didn't match PersistentVolume's node affinity"). storage-node-01
    // has four disks: both targets fit there.
    const crText = readFileSync(CR, 'utf8')
      .replace('size: 6\n', 'size: 2\n')
      .replace(
        '    disablePodAntiAffinity: true\n',
        '    disablePodAntiAffinity: true\n' +
          '    affinity:\n      nodeAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n' +
          '          nodeSelectorTerms:\n            - matchExpressions:\n' +
          '                - {key: kubernetes.io/hostname, operator: In, values: [storage-node-01]}\n',
      );
    const dir = tmp();
    writeFileSync(join(dir, 'cr.yaml'), crText);
    const plan = await cli(['plan', '--disks', DISKS, join(dir, 'cr.yaml')]);
    expect(plan.code).toBe(0);
    writeFileSync(join(dir, 'pvs.yaml'), plan.stdout);
    expect(plan.stderr).not.toContain('[pv-target-binding]');
    const check = await cli(['check', join(dir, 'cr.yaml'), join(dir, 'pvs.yaml')]);
    expect(check.stdout).not.toContain('DENY');
    expect(check.code).toBe(0);
  });
});

describe('plan --diff on a scale-out', () => {
  it('scaling out onto a new node keeps the existing targets on their disks and never plans a PV onto a used disk', async () => {
    // 6 targets planned on 3 nodes and applied (Bound, with data). The operator scales a StatefulSet
    // by adding ordinals 6, 7: targets 0-5 keep their claims and PVs. Add storage-node-04 to the map
    // and size 8: plan re-deals every ordinal round-robin over 4 nodes, so --diff reports targets
    // 3, 4, 5 as conflicting (their PVs are Bound and PV sources are immutable) and plans target-6
    // onto storage-node-03:/mnt/sdb, the disk target-5's PV already holds (the diff's own note says
    // so, yet lists it as "missing", i.e. to create; check then DENIES it under pv-target-binding).
    const dir = tmp();
    const existing = await cli(['plan', '--disks', DISKS, CR]);
    writeFileSync(join(dir, 'existing.yaml'), existing.stdout);
    writeFileSync(
      join(dir, 'disks-4.yaml'),
      readFileSync(DISKS, 'utf8') +
        'storage-node-04:\n' +
        ['sda', 'sdb', 'sdc', 'sdd'].map((d) => `  - { path: /mnt/${d}, size: 8Ti }\n`).join(''),
    );
    writeFileSync(join(dir, 'cr8.yaml'), readFileSync(CR, 'utf8').replace('size: 6\n', 'size: 8\n'));
    const r = await cli([
      'plan',
      '--disks',
      join(dir, 'disks-4.yaml'),
      join(dir, 'cr8.yaml'),
      '--diff',
      join(dir, 'existing.yaml'),
      '-o',
      'json',
    ]);
    const diff = JSON.parse(r.stdout) as Record<string, { claim: string; note?: string }[]>;
    expect(diff.conflicting).toEqual([]);
    expect(diff.missing!.filter((m) => m.note?.includes('already holds'))).toEqual([]);
    expect(diff.missing!.map((m) => m.claim)).toEqual([
      'ais/ais-data-aistore-ais-target-6',
      'ais/ais-data-aistore-ais-target-7',
    ]);
  });
});

describe('plan around existing PVs', () => {
  it("a disk another claim's PV holds gets no planned PV; with nothing held, the plain round-robin", () => {
    const map = parseDiskMap({
      n1: [
        { path: '/mnt/a', size: '8Ti' },
        { path: '/mnt/b', size: '8Ti' },
      ],
      n2: [{ path: '/mnt/a', size: '8Ti' }],
    });
    const other = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'postgres-0' },
      spec: {
        local: { path: '/mnt//a' },
        claimRef: { namespace: 'db', name: 'data-postgres-0' },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
            ],
          },
        },
      },
    };
    const ais = cr({ size: 2, mounts: [{ path: '/data', size: '1Ti' }] });
    const where = (existing?: object[]) =>
      planVolumes(ais, map, { existing: existing as never }).placements.map(
        (p) => `${p.node}:${p.disks[0]!.path}`,
      );
    expect(where()).toEqual(['n1:/mnt/a', 'n2:/mnt/a']);
    expect(where([other])).toEqual(['n1:/mnt/b', 'n2:/mnt/a']);
  });
});

describe('plan --diff with the state PVs the plan told the user to create', () => {
  it('does not call the state PVs "extra" (exit 1 for good, and a hint to delete them)', async () => {
    // With spec.stateStorage.pvc the plan warns "create those PVs on each target's node" for the
    // state claims <ns>-<cr>-state-<cr>-target-<N> (operator cmn/res.go DefineStatePVC). Done so
    // (and `ais-guard check` on CR + all PVs is clean), `plan --diff` lists every state PV under
    // "extra" (diff.ts isTargetVolume matches any claim with -<cr>-target-<N>), exit 1: in CI it can
    // never pass, and "extra" reads as "delete these".
    const dir = tmp();
    const crText = readFileSync(CR, 'utf8').replace(
      '    hostPath:\n      prefix: /etc/ais\n',
      '    pvc:\n      storageClass: ais-state\n',
    );
    writeFileSync(join(dir, 'cr.yaml'), crText);
    const plan = await cli(['plan', '--disks', DISKS, join(dir, 'cr.yaml')]);
    expect(plan.stderr).toContain('create those PVs');
    const nodes = ['storage-node-01', 'storage-node-02', 'storage-node-03'];
    const state = nodes.flatMap((_, n) =>
      [n, n + 3].map((t) =>
        YAML.stringify({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: `ais.ais-ais-state-ais-target-${t}` },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: 'ais-state',
            // One directory per target: two state PVs on one path are one disk for two claims.
            local: { path: `/var/lib/ais-state/ais-target-${t}` },
            claimRef: { namespace: 'ais', name: `ais-ais-state-ais-target-${t}` },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodes[n]] }],
                  },
                ],
              },
            },
          },
        }),
      ),
    );
    writeFileSync(join(dir, 'pvs.yaml'), [plan.stdout, ...state].join('---\n'));
    const check = await cli(['check', join(dir, 'cr.yaml'), join(dir, 'pvs.yaml')]);
    expect(check.code).toBe(0);
    const r = await cli([
      'plan',
      '--disks',
      DISKS,
      join(dir, 'cr.yaml'),
      '--diff',
      join(dir, 'pvs.yaml'),
      '-o',
      'json',
    ]);
    const diff = JSON.parse(r.stdout) as Record<string, { claim: string }[]>;
    expect(diff.extra).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('the disk map: one disk written two ways', () => {
  it.each(['/mnt//a', '/mnt/./a'])(
    '"/mnt/a" and "%s" are one disk: refused as listed twice, not given to two targets',
    (twin) => {
      // diskmap.ts rejects a trailing slash and compares paths as raw strings ("listed twice"), but
      // /mnt//a and /mnt/./a are /mnt/a (POSIX; the guard's own diff.ts and pv-target-binding
      // normalise so). plan gives target-0 /mnt/a and target-1 the same disk again, prints both PVs and
      // exits 0; its readiness warning and `ais-guard check` DENY the pair (pv-target-binding "use the
      // same disk n1:/mnt/a for two claims"): two AIS targets on one disk.
      const nodes = {
        n1: [
          { path: '/mnt/a', size: '8Ti' },
          { path: twin, size: '8Ti' },
        ],
      };
      let planned: string[] | undefined;
      try {
        planned = planVolumes(
          cr({ size: 2, mounts: [{ path: '/data', size: '1Ti' }] }),
          parseDiskMap(nodes),
        ).volumes.map((v) => (v.spec as { local: { path: string } }).local.path);
      } catch {
        planned = undefined; // refused: what should happen
      }
      expect(planned).toBeUndefined();
    },
  );
});
