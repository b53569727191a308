// Outside review plan47 of `ais-guard plan`: what it found, each held to the behaviour it should have.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import type { NodeSelectorRequirement, PersistentVolume } from '../../src/policy/k8s.js';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';
import { cli } from '../support/cli.js';

const HERE = new URL('./fixtures/', import.meta.url).pathname;
const CR = join(HERE, 'ais-6-targets.yaml');
const DISKS = join(HERE, 'disks-3x4.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-plan47-'));

describe('plan --diff: a PV read twice is one PV (names are unique in a cluster)', () => {
  it('the same file given twice, and a directory holding the YAML and the JSON of one plan: nothing to do, exit 0', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pvs.yaml'), (await cli(['plan', '--disks', DISKS, CR])).stdout);
    writeFileSync(join(dir, 'pvs.json'), (await cli(['plan', '--disks', DISKS, CR, '-o', 'json'])).stdout);
    for (const diff of [
      ['--diff', join(dir, 'pvs.yaml'), '--diff', join(dir, 'pvs.yaml')],
      ['--diff', dir],
    ]) {
      const r = await cli(['plan', '--disks', DISKS, CR, ...diff]);
      expect(r.stderr).toMatch(/plan vs existing PVs: 0 missing, 0 extra, 0 conflicting\n$/);
      expect(r.code).toBe(0);
    }
  });
});

describe('plan --diff: a local PV that names no hostname is on no node the plan can tell', () => {
  /** The plan, its first PV's node affinity one term per expression (terms are ORed), diffed with the plan. */
  const withAffinity = async (...expressions: NodeSelectorRequirement[]) => {
    const pvs = YAML.parseAllDocuments((await cli(['plan', '--disks', DISKS, CR])).stdout).map((d) =>
      d.toJS(),
    ) as PersistentVolume[];
    pvs[0]!.spec!.nodeAffinity = {
      required: { nodeSelectorTerms: expressions.map((e) => ({ matchExpressions: [e] })) },
    };
    const file = join(tmp(), 'pvs.yaml');
    writeFileSync(file, pvs.map((o) => YAML.stringify(o)).join('---\n'));
    const r = await cli(['plan', '--disks', DISKS, CR, '--diff', file, '-o', 'json']);
    return {
      r,
      diff: JSON.parse(r.stdout) as Record<string, { claim: string; fields?: string[]; note?: string }[]>,
    };
  };

  // The scheduler checks a bound PV's node affinity against the node's labels (volumebinding
  // binder.go checkBoundClaims -> CheckNodeAffinity): a misspelt key matches no node, a zone many.
  it.each([
    [
      'a misspelt hostname key (no node matches: Pending for good)',
      { key: 'kubernetes.io/host-name', operator: 'In', values: ['storage-node-01'] },
    ],
    [
      'a zone (any node of the zone, where that path is another disk)',
      { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] },
    ],
  ])('%s: conflicting on node, exit 1', async (_, expression) => {
    const { r, diff } = await withAffinity(expression);
    expect(diff.conflicting).toEqual([
      expect.objectContaining({
        claim: 'ais/ais-data-aistore-ais-target-0',
        fields: ['node'],
        note: expect.stringContaining('names no node by kubernetes.io/hostname'),
      }),
    ]);
    expect(r.code).toBe(1);
  });

  // Review fix47: terms naming another node, ORed with a zone, pinned no node the plan could compare.
  it('another hostname, ORed with a zone: conflicting on node', async () => {
    const { r, diff } = await withAffinity(
      { key: 'kubernetes.io/hostname', operator: 'In', values: ['storage-node-09'] },
      { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1'] },
    );
    expect(diff.conflicting).toEqual([
      expect.objectContaining({
        claim: 'ais/ais-data-aistore-ais-target-0',
        fields: ['node'],
        note: expect.stringContaining('names storage-node-09 by kubernetes.io/hostname, not storage-node-01'),
      }),
    ]);
    expect(r.code).toBe(1);
  });

  it('the planned hostname: nothing to do', async () => {
    const { r } = await withAffinity({
      key: 'kubernetes.io/hostname',
      operator: 'In',
      values: ['storage-node-01'],
    });
    expect(r.code).toBe(0);
  });
});

describe('plan: what the apiserver or the PV controller would refuse is refused before any PV is printed', () => {
  const oneMount = (mount: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    aistore({
      size: 2,
      disable: true,
      mounts: [{ path: '/data', size: '1Ti', ...mount }],
      ...meta,
    }) as AIStoreCR;
  const map = (disks: unknown[]) => parseDiskMap({ n1: disks });

  it('nested disks on one node: refused in the map, as a scale-out around existing PVs already counts them held', () => {
    expect(() =>
      map([
        { path: '/mnt/a', size: '8Ti' },
        { path: '/mnt/a/sub/', size: '8Ti' },
      ]),
    ).toThrow(/path \/mnt\/a\/sub\/ ends in "\/"/);
    expect(() =>
      map([
        { path: '/mnt/a/sub', size: '8Ti' },
        { path: '/mnt/b', size: '8Ti' },
        { path: '/mnt//a', size: '8Ti' },
      ]),
    ).toThrow('n1: disk /mnt/a/sub lies inside disk /mnt//a: a PV on /mnt//a holds every directory below it');
    expect(() =>
      map([
        { path: '/', size: '8Ti' },
        { path: '/mnt/b', size: '8Ti' },
      ]),
    ).toThrow(/lies inside disk \/:/);
    // Siblings that share a prefix are separate disks.
    expect(
      map([
        { path: '/mnt/a', size: '8Ti' },
        { path: '/mnt/ab', size: '8Ti' },
      ])[0]!.disks,
    ).toHaveLength(2);
  });

  it('a disk short of the claim by a fraction of a byte is not planned for it (Quantity.Cmp, not floats)', () => {
    const plan = planVolumes(
      oneMount({}),
      map([
        { path: '/mnt/a', size: '1099511627775.9999999' },
        { path: '/mnt/b', size: '2Ti' },
        { path: '/mnt/c', size: '1099511627776' },
      ]),
    );
    expect(plan.volumes.map((v) => v.spec?.local?.path)).toEqual(['/mnt/b', '/mnt/c']);
  });

  it('a mount size past int64 bytes (the operator wraps it): refused, as a mount without a size is', () => {
    for (const size of ['10Ei', '1e90'])
      expect(() => planVolumes(oneMount({ size }), map([{ path: '/mnt/a', size: '1e91' }]))).toThrow(
        `mount /data: size "${size}" is past the 2^63-1 bytes`,
      );
  });

  it('a mount class that is no class name, and a disk class of 254 characters: refused', () => {
    expect(() =>
      planVolumes(oneMount({ storageClass: 'Fast_SSD' }), map([{ path: '/mnt/a', size: '8Ti' }])),
    ).toThrow(/mount \/data asks for storage class "Fast_SSD", which is no class name/);
    expect(() => map([{ path: '/mnt/a', size: '8Ti', class: 'a'.repeat(254) }])).toThrow(
      /class must be a storage class name \(a DNS-1123 subdomain of at most 253 characters\)/,
    );
  });

  // Outside review op53: a mount whose claim template is the state claim's (/ais/state of CR ais in
  // namespace ais: ais-ais-state) was planned, exit 0, though check denies it and docs/plan.md lists a
  // template clash among the errors: the operator's newTargetPVCs (target/volumes.go) appends both.
  it("a mount whose claim template is the state claim's: refused, only while the state is a claim", () => {
    const clash = (stateStorage: unknown) => {
      const cr = aistore({
        name: 'ais',
        size: 2,
        disable: true,
        mounts: [{ path: '/ais/state', size: '1Ti' }],
      });
      (cr.spec as Record<string, unknown>).stateStorage = stateStorage;
      return () =>
        planVolumes(
          cr as AIStoreCR,
          parseDiskMap({
            n1: [
              { path: '/mnt/a', size: '8Ti' },
              { path: '/mnt/b', size: '8Ti' },
            ],
          }),
        );
    };
    expect(clash({ pvc: { storageClass: 'state-sc' } })).toThrow(
      'mount /ais/state gives the claim template "ais-ais-state", the state claim\'s (spec.stateStorage.pvc)',
    );
    expect(clash({ hostPath: { prefix: '/etc/ais' } })).not.toThrow();
  });

  it("the CR's own namespace is held to a namespace name, as -n is", () => {
    expect(() =>
      planVolumes(oneMount({}, { namespace: 'Bad_NS' }), map([{ path: '/mnt/a', size: '8Ti' }])),
    ).toThrow(/the CR's namespace "Bad_NS" is not a DNS-1123 label/);
  });
});
