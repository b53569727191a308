// `ais-guard plan` as a user runs it: the plan together with its CR passes `ais-guard check` clean,
// --diff classifies differences, the cluster flags read through the kubeconfig, errors exit 2.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import type { KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';

const HERE = new URL('./fixtures/', import.meta.url).pathname;
const CR = join(HERE, 'ais-6-targets.yaml');
const DISKS = join(HERE, 'disks-3x4.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-plan-'));

describe('plan', () => {
  it('the 3-node, 4-disk, 6-target example: its PVs with the CR pass check with no deny and no warning', async () => {
    const plan = await cli(['plan', '--disks', DISKS, CR]);
    expect(plan.code).toBe(0);
    const file = join(tmp(), 'pvs.yaml');
    writeFileSync(file, plan.stdout);
    const check = await cli(['check', CR, file]);
    // No finding; a note may say the node count is unknown (the input has no Node objects).
    expect(check.stdout.replace(/^.*: note: .*\n/gm, '')).toBe(
      '7 object(s) checked: 0 denied, 0 with warnings, 0 the guard would change\n',
    );
    expect(check.code).toBe(0);
    expect((await cli(['check', '--strict', CR, file])).code).toBe(0);
  });

  it("docs/plan.md shows the example's real output", async () => {
    const plan = await cli(['plan', '--disks', DISKS, CR]);
    const doc = readFileSync(new URL('../../docs/plan.md', import.meta.url), 'utf8');
    expect(doc).toContain(plan.stderr);
    expect(doc).toContain(plan.stdout);
  });

  it('-o json is a v1 List of the same PVs', async () => {
    const yaml = YAML.parseAllDocuments((await cli(['plan', '--disks', DISKS, CR])).stdout).map((d) =>
      d.toJS(),
    );
    const json = JSON.parse((await cli(['plan', '--disks', DISKS, CR, '-o', 'json'])).stdout) as {
      kind: string;
      items: unknown[];
    };
    expect(json.kind).toBe('List');
    expect(json.items).toEqual(yaml);
  });

  it("warns, on stderr, when the CR is not ready for the layout, in the guard's words", async () => {
    const r = await cli(['plan', '--disks', DISKS, CR.replace('ais-6-targets', 'not-ready')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: AIStore ais\/ais is not ready for this layout: \[anti-affinity-not-disabled\] multi-target layout \(PVs put the disks of ais-target-0, ais-target-3 on node storage-node-01\)/,
    );
    expect(r.stderr).toMatch(/warning: AIStore ais\/ais is not ready for this layout: \[target-host-port\] /);
  });

  it.each([
    [['plan', CR], /--disks MAP is required/],
    [['plan', '--disks', DISKS], /give one AIStore CR file/],
    [['plan', '--disks', DISKS, CR, '--from-cluster', 'ais/ais'], /not both/],
    [['plan', '--disks', DISKS, '--from-cluster', 'ais'], /NAMESPACE\/NAME/],
    [['plan', '--disks', DISKS, CR, '--targets', '0'], /--targets takes a whole number above 0/],
    [['plan', '--disks', DISKS, CR, '--targets', '0x2'], /--targets takes a whole number above 0/],
    [['plan', '--disks', DISKS, CR, '--targets', '2.0'], /--targets takes a whole number above 0/],
    [['plan', '--disks', DISKS, CR, '--targets', '7'], /--targets 7, but the CR asks for 6/],
    [['plan', '--disks', DISKS, fixture('04')], /holds no AIStore CR/],
    [['plan', '--disks', CR, CR], /not a valid node name|expected a list of disks/],
    [['plan', '--disks', DISKS, CR, '--missing'], /--missing needs the PVs that exist/],
  ])('exit 2: %j', async (argv, reason) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
  });

  // The operator adds a state claim template per target when spec.stateStorage.pvc is set
  // (target/volumes.go newTargetPVCs, cmn/res.go DefineStatePVC): the disk map names data disks only.
  it('a CR with state claims: the plan says it makes no PV for them, and how to get one', async () => {
    const withState = YAML.parse(readFileSync(CR, 'utf8')) as { spec: Record<string, unknown> };
    withState.spec.stateStorage = { pvc: { storageClass: 'ais-local-storage' } };
    const r = await cli(['plan', '--disks', DISKS, '-'], YAML.stringify(withState));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: each target also claims a state volume (ais-ais-state-ais-target-<N>, 1Gi, class ais-local-storage) that this plan makes no PV for',
    );
    expect((await cli(['plan', '--disks', DISKS, CR])).stderr).not.toContain('state volume');
    // The deprecated field with "": storageClassName "" is no class, never provisioned.
    delete withState.spec.stateStorage;
    withState.spec.stateStorageClass = '';
    const empty = await cli(['plan', '--disks', DISKS, '-'], YAML.stringify(withState));
    expect(empty.stderr).toContain(
      '1Gi, storageClassName "") that this plan makes no PV for: no provisioner serves ""',
    );
  });

  it('exit 2 with the reason when the disks cannot hold the targets', async () => {
    const r = await cli(
      ['plan', '--disks', DISKS, '-'],
      readFileSync(CR, 'utf8').replace('size: 6', 'size: 13'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ais-guard plan: not enough disks: 13 target\(s\) of AIStore ais\/ais need 1 disk\(s\) each/,
    );
  });
});

describe('plan --diff', () => {
  it('nothing to do when the PVs are the plan: exit 0', async () => {
    const file = join(tmp(), 'pvs.yaml');
    writeFileSync(file, (await cli(['plan', '--disks', DISKS, CR])).stdout);
    const r = await cli(['plan', '--disks', DISKS, CR, '--diff', file]);
    expect(r.code).toBe(0);
    expect(YAML.parse(r.stdout)).toEqual({ missing: [], extra: [], conflicting: [] });
    expect(r.stderr).toMatch(/plan vs existing PVs: 0 missing, 0 extra, 0 conflicting\n$/);
  });

  it('missing, extra and conflicting, each with what differs: exit 1', async () => {
    const planned = YAML.parseAllDocuments((await cli(['plan', '--disks', DISKS, CR])).stdout).map((d) =>
      d.toJS(),
    ) as KubeObject[];
    const existing = structuredClone(planned.slice(0, 5)); // target-5's PV is missing
    // target-1's PV on a disk the map does not list: the plan cannot keep it there. (One on a listed
    // disk would be kept: plan-field.test.ts, the scale-out.)
    (existing[1]!.spec as { local: { path: string } }).local.path = '/mnt/gone';
    const extra = structuredClone(planned[0]!) as KubeObject & { spec: { claimRef: { name: string } } };
    extra.metadata = { name: 'old-target-9' };
    extra.spec.claimRef.name = 'ais-data-aistore-ais-target-9';
    const file = join(tmp(), 'pvs.yaml');
    writeFileSync(file, [...existing, extra].map((o) => YAML.stringify(o)).join('---\n'));
    const r = await cli(['plan', '--disks', DISKS, CR, '--diff', file, '-o', 'json']);
    expect(r.code).toBe(1);
    const diff = JSON.parse(r.stdout) as Record<
      string,
      { claim: string; fields?: string[]; note?: string }[]
    >;
    expect(diff.missing!.map((d) => d.claim)).toEqual(['ais/ais-data-aistore-ais-target-5']);
    expect(diff.conflicting).toEqual([
      expect.objectContaining({
        claim: 'ais/ais-data-aistore-ais-target-1',
        fields: expect.arrayContaining(['path']),
      }),
    ]);
    // A PV for target-9, which a 6-target CR never claims, is extra.
    expect(diff.extra!.map((d) => d.claim)).toEqual(['ais/ais-data-aistore-ais-target-9']);
    expect(r.stderr).toMatch(/1 missing, 1 extra, 1 conflicting/);
  });
});

describe('plan --diff and capacity', () => {
  // A claim binds a PV of at least its request (the PV controller's check; the guard's
  // pv-target-binding allows it too): a larger PV on the planned disk is no difference to mend.
  const withCapacity = async (capacity: (planned: string) => string) => {
    const planned = YAML.parseAllDocuments((await cli(['plan', '--disks', DISKS, CR])).stdout).map((d) =>
      d.toJS(),
    ) as (KubeObject & { spec: { capacity: { storage: string } } })[];
    const existing = structuredClone(planned);
    existing[2]!.spec.capacity.storage = capacity(planned[2]!.spec.capacity.storage);
    const file = join(tmp(), 'pvs.yaml');
    writeFileSync(file, existing.map((o) => YAML.stringify(o)).join('---\n'));
    return cli(['plan', '--disks', DISKS, CR, '--diff', file, '-o', 'json']);
  };

  it('an existing PV larger than planned on the planned disk: nothing to do, exit 0', async () => {
    const r = await withCapacity(() => '1000Ti');
    expect(r.stderr).toMatch(/0 missing, 0 extra, 0 conflicting/);
    expect(r.code).toBe(0);
  });

  it('an existing PV smaller than planned: conflicting on capacity, exit 1', async () => {
    const r = await withCapacity(() => '1Ki');
    expect(r.code).toBe(1);
    const diff = JSON.parse(r.stdout) as Record<string, { claim: string; fields?: string[] }[]>;
    expect(diff.conflicting!.map((d) => `${d.claim} ${d.fields!.join(',')}`)).toEqual([
      'ais/ais-data-aistore-ais-target-2 capacity',
    ]);
  });
});

describe('plan --diff with PVs that no longer serve their targets', () => {
  it('two targets on one disk: the second is a conflict to mend, said on stderr, not "nothing to do"', async () => {
    const planned = YAML.parseAllDocuments((await cli(['plan', '--disks', DISKS, CR])).stdout).map((d) =>
      d.toJS(),
    ) as (KubeObject & { spec: { local: { path: string }; nodeAffinity: unknown } })[];
    const existing = structuredClone(planned);
    // Hand-edited: target-3's PV names target-0's disk (node and path), so both claims bind one disk.
    existing[3]!.spec.local.path = existing[0]!.spec.local.path;
    existing[3]!.spec.nodeAffinity = existing[0]!.spec.nodeAffinity;
    const file = join(tmp(), 'pvs.yaml');
    writeFileSync(file, existing.map((o) => YAML.stringify(o)).join('---\n'));
    const r = await cli(['plan', '--disks', DISKS, CR, '--diff', file, '-o', 'json']);
    expect(r.code).toBe(1);
    const diff = JSON.parse(r.stdout) as Record<string, { claim: string; note?: string }[]>;
    expect(diff.conflicting!.map((d) => d.claim)).toEqual(['ais/ais-data-aistore-ais-target-3']);
    expect(r.stderr).toContain(
      'warning: ais-target-3 is planned on other disks: disk storage-node-01:/mnt/sda also backs ais-target-0; its existing PVs do not serve it',
    );
  });
});

describe('plan with the cluster', () => {
  let cluster: FakeCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it("--from-cluster reads the CR, --diff-cluster the PVs (the shared fixture's two hostPath PVs)", async () => {
    const cr = YAML.parse(readFileSync(CR, 'utf8')) as KubeObject;
    const pvs = YAML.parseAllDocuments(readFileSync(fixture('04'), 'utf8')).map((d) =>
      d.toJS(),
    ) as KubeObject[];
    cluster = await FakeCluster.start([cr, ...pvs]);
    const kubeconfig = join(tmp(), 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeConfigYaml());
    const fromFile = await cli(['plan', '--disks', DISKS, CR]);
    const fromCluster = await cli([
      'plan',
      '--disks',
      DISKS,
      '--from-cluster',
      'ais/ais',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(fromCluster.stdout).toBe(fromFile.stdout);
    const r = await cli([
      'plan',
      '--disks',
      DISKS,
      CR,
      '--diff-cluster',
      '--kubeconfig',
      kubeconfig,
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    const diff = JSON.parse(r.stdout) as Record<string, { claim: string; fields?: string[] }[]>;
    expect(diff.conflicting!.map((d) => `${d.claim} ${d.fields!.join(',')}`)).toEqual([
      // Their capacity is not the disk map's but holds the mount's request: no capacity conflict.
      'ais/ais-data-aistore-ais-target-0 path',
      'ais/ais-data-aistore-ais-target-1 node,path',
    ]);
    expect(diff.missing).toHaveLength(4);
    const missing = await cli([
      'plan',
      '--disks',
      DISKS,
      '--from-cluster',
      'ais/nope',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no AIStore ais\/nope in the cluster/);
  });
});
