// Odd but valid input that an outside review (a helper session attacking the CLI) found mishandled:
// each test states the right behaviour, and each failed before its fix.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { KUBE_YAML } from '../../src/k8s/yaml.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-hostile-'));

describe('--fix and YAML anchors', () => {
  // targetSpec carries an anchor that proxySpec reuses. The guard's patch adds
  // /spec/targetSpec/disablePodAntiAffinity only; the edit lands in the anchored node, so the
  // proxySpec alias gains it too. fix.ts's read-back check does not notice: structuredClone keeps
  // the alias's shared reference, so the "expected" object changes in both places as well.
  const SHARED = [
    'apiVersion: ais.nvidia.com/v1beta1',
    'kind: AIStore',
    'metadata:',
    '  name: ais',
    '  namespace: ais',
    'spec:',
    '  size: 2',
    '  stateStorage: {hostPath: {prefix: /etc/ais}}',
    '  targetSpec: &common',
    '    nodeSelector:',
    '      kubernetes.io/hostname: storage-node-01',
    '  proxySpec: *common',
    '',
  ].join('\n');

  it('a patch of targetSpec must not change proxySpec through a shared anchor', async () => {
    const dir = tmp();
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, SHARED);
    const r = await cli(['check', '--fix', '--write', file]);
    const after = parseDocument(readFileSync(file, 'utf8'), KUBE_YAML).toJS() as {
      spec: { proxySpec: Record<string, unknown>; targetSpec: Record<string, unknown> };
    };
    // Either refused (exit 2, file untouched) or fixed without touching proxySpec.
    if (r.code === 2) expect(readFileSync(file, 'utf8')).toBe(SHARED);
    else {
      expect(after.spec.targetSpec.disablePodAntiAffinity).toBe(true);
      // ProxySpec is a DaemonSpec: it has no disablePodAntiAffinity (operator
      // api/aistore/v1beta1/aistore_types.go, TargetSpec vs DaemonSpec); strict field validation rejects it.
      expect(after.spec.proxySpec).not.toHaveProperty('disablePodAntiAffinity');
    }
  });
});

describe('plan --disks with odd YAML', () => {
  const CR = join(process.cwd(), 'examples', 'ais-prod.yaml');

  it.each([
    [
      'an alias to an anchor set later',
      'storage-node-01: *disks\nstorage-node-02: &disks\n  - {path: /ais/sda, size: 5Ti}\n',
    ],
    [
      'a misspelt alias',
      'storage-node-01: &disks\n  - {path: /ais/sda, size: 5Ti}\nstorage-node-02: *disk\n',
    ],
  ])('%s: a one-line usage error, exit 2, no exception', async (_what, map) => {
    const dir = tmp();
    const disks = join(dir, 'disks.yaml');
    writeFileSync(disks, map);
    // In-process, main() rethrows what is not a UsageError; from the shell that is a stack trace.
    const r = await cli(['plan', '--disks', disks, CR]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('disks.yaml');
  });
});

describe('merge keys read as kubectl reads them', () => {
  // go-yaml v2 (go.yaml.in/yaml/v2 decode.go, (*decoder).mapping and (*decoder).merge), which
  // sigs.k8s.io/yaml.YAMLToJSON and so kubectl use, applies a "<<" in document order into the same
  // map: a merge after an explicit key overwrites it, where YAML 1.1 keeps the explicit key. kubectl
  // sends hostNetwork: true here; the guard read false and passed it.
  const merged = (lines: string) =>
    readFileSync(fixture('01'), 'utf8').replace('  targetSpec:\n', `  targetSpec:\n${lines}`);

  it('hostNetwork: false followed by <<: {hostNetwork: true}: refused in one line with its place', async () => {
    const r = await cli(['check', '-'], merged('    hostNetwork: false\n    <<: {hostNetwork: true}\n'));
    expect(r.code).toBe(2);
    const line = merged('').split('\n').indexOf('  targetSpec:') + 3;
    expect(r.stdout).toContain(`-:${line}: error: "<<" merges in "hostNetwork" after the mapping set it`);
  });

  it('the merge first, then the key: both readers agree (the key wins), judged as usual', async () => {
    const r = await cli(['check', '-'], merged('    <<: {hostNetwork: true}\n    hostNetwork: false\n'));
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).not.toContain('target-host-network');
  });

  it('two "<<" setting the same key: go-yaml v2 keeps the later, YAML 1.1 the first: refused', async () => {
    const r = await cli(
      ['check', '-'],
      merged('    <<: {hostNetwork: false}\n    <<: {hostNetwork: true}\n'),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('"<<" merges in "hostNetwork"');
  });

  it('a merge source\'s own "<<" counts too (go-yaml v2 merges it into the same map): refused', async () => {
    const r = await cli(
      ['check', '-'],
      merged('    hostNetwork: false\n    <<: {<<: {hostNetwork: true}}\n'),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('"<<" merges in "hostNetwork"');
  });

  it('YAML that is no Kubernetes object (a Compose file) is skipped as before, whatever its merges', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'aistore.yaml'), readFileSync(fixture('01')));
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      'x-defaults: &defaults\n  restart: always\n  image: app:1\nservices:\n  web:\n    image: web:2\n    <<: *defaults\n',
    );
    const r = await cli(['check', dir]);
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).toMatch(/docker-compose.yml:1: note: document 1 skipped: no apiVersion and kind/);
    expect(r.code).toBe(0);
  });

  // go-yaml v2 merges only a plain "<<" or one tagged !!merge (decode.go isMerge: implicit or
  // tag); a quoted one is an ordinary key, and every key of a JSON object is quoted.
  it.each([
    ['a double-quoted "<<" in YAML', '    hostNetwork: false\n    "<<": {hostNetwork: true}\n'],
    ["a single-quoted '<<' in YAML", "    hostNetwork: false\n    '<<': {hostNetwork: true}\n"],
  ])('%s is a key, not a merge: no refusal', async (_, lines) => {
    const r = await cli(['check', '-'], merged(lines));
    expect(r.stdout).not.toContain('merges in');
    expect(r.stdout).not.toContain('error:');
  });

  it('a JSON object\'s "<<" key is a key, not a merge: no refusal', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
      data: { a: '1', '<<': { a: '2' } },
    };
    const r = await cli(['check', '-'], JSON.stringify(pod));
    expect(r.stdout).not.toContain('merges in');
    expect(r.stdout).toContain('1 object(s) checked');
  });

  it('"<<" tagged !!merge is a merge, as go-yaml takes it: refused', async () => {
    const r = await cli(
      ['check', '-'],
      merged('    hostNetwork: false\n    !!merge "<<": {hostNetwork: true}\n'),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('"<<" merges in "hostNetwork"');
  });

  it('through an alias to a shared anchor, too', async () => {
    const text = merged('    hostNetwork: false\n    <<: *net\n').replace(
      'kind: AIStore\n',
      'kind: AIStore\nx-defaults: &net {hostNetwork: true}\n',
    );
    const r = await cli(['check', '-'], text);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('"<<" merges in "hostNetwork"');
  });
});

describe('a kustomize tree given as a directory', () => {
  // A GitOps layout (base + overlay with a strategic-merge patch), checked as a directory, as the
  // Action's default `paths: .` and the pre-commit hook do. The Kustomization is skipped with a note,
  // but the patch it lists is judged as a whole AIStore CR: exit 2 ("given twice") plus DENYs from the
  // partial CR being taken as the cluster's CR. The patch is not an object kubectl ever sends.
  it('files listed as patches by a skipped Kustomization are not judged as objects', async () => {
    const dir = tmp();
    const { mkdirSync, cpSync } = await import('node:fs');
    mkdirSync(join(dir, 'base'));
    mkdirSync(join(dir, 'overlays', 'prod'), { recursive: true });
    cpSync(join(process.cwd(), 'examples', 'multi-target'), join(dir, 'base'), { recursive: true });
    writeFileSync(
      join(dir, 'overlays', 'prod', 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\npatches:\n  - path: size.yaml\n',
    );
    writeFileSync(
      join(dir, 'overlays', 'prod', 'size.yaml'),
      'apiVersion: ais.nvidia.com/v1beta1\nkind: AIStore\nmetadata:\n  name: ais\n  namespace: ais\nspec:\n  targetSpec:\n    size: 2\n',
    );
    const r = await cli(['check', dir]);
    expect(r.stdout).not.toContain('is given twice');
    expect(r.stdout).not.toContain('DENY');
  });
});

describe('report formats with odd file names and values', () => {
  // SARIF 2.1.0 3.4.3: artifactLocation.uri is a URI reference (RFC 3986): a space, "#" or "%" in a
  // path must be percent-encoded, or a consumer reads "#1 x.yaml" as a fragment.
  it('SARIF uri is percent-encoded', async () => {
    const dir = tmp();
    const file = join(dir, 'ais prod#1.yaml');
    writeFileSync(file, readFileSync(join(process.cwd(), 'examples', 'ais-prod.yaml')));
    const r = await cli(['check', '-o', 'sarif', file]);
    const sarif = JSON.parse(r.stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uri = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri).not.toMatch(/[ #]/);
  });

  // A name with control characters (invalid for the apiserver, but check runs before it) reaches the
  // CI log raw: ESC sequences recolour or move the cursor, "\r" overwrites the DENY line's start.
  it('text output does not pass control characters from the manifest to the terminal', async () => {
    const manifest = readFileSync(join(process.cwd(), 'examples', 'ais-prod.yaml'), 'utf8').replace(
      'name: ais-prod-data-aistore-ais-target-0',
      'name: "x\\e[2K\\rALLOWED"',
    );
    const r = await cli(['check', '-'], manifest);
    expect(r.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});

describe('the same object, as the apiserver tells objects apart', () => {
  // An outside attack (fx53): a PV given twice, once with a stray metadata.namespace (a Helm chart
  // that namespaces everything), was two objects, and another PV's verdict then followed argument
  // order; a core Service and a Knative Service of one name were "given twice".
  const pv = (path: string, namespace = '') =>
    `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-a\n${namespace && `  namespace: ${namespace}\n`}spec:\n  hostPath: {path: ${path}}\n`;

  it('a cluster-scoped object with and without a stray namespace: given twice', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), pv('/ais/sda'));
    writeFileSync(join(dir, 'b.yaml'), pv('/ais/sdb', 'ais'));
    for (const order of [
      ['a.yaml', 'b.yaml'],
      ['b.yaml', 'a.yaml'],
    ]) {
      const r = await cli(['check', ...order.map((f) => join(dir, f))]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/error: PersistentVolume pv-a is given twice: also at /);
    }
  });

  it('one kind name in two API groups: two objects', async () => {
    const dir = tmp();
    const service = (apiVersion: string) =>
      `apiVersion: ${apiVersion}\nkind: Service\nmetadata: {name: web, namespace: ais}\nspec: {}\n`;
    writeFileSync(join(dir, 's.yaml'), `${service('v1')}---\n${service('serving.knative.dev/v1')}`);
    const r = await cli(['check', '--allow-empty', join(dir, 's.yaml')]);
    expect(r.stdout).not.toContain('given twice');
    expect(r.code).toBe(0);
  });
});
