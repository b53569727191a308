// What `check` takes as input and as context (issue 14 class 9, issue 15 "The CLI on bad input").
import { describe, expect, it, jest } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseSource } from '../../src/cli/load.js';
import { aistore } from '../support/builders.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-input-'));
const VALID_SET = ['01', '04', '05', '07', '09'].map(fixture);
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);

describe('class 9: what check takes as its context', () => {
  it('class 9, duplicate object: the same kind/namespace/name twice is an input error naming both places', async () => {
    const dir = tmp();
    const pv = readFileSync(fixture('04'), 'utf8');
    writeFileSync(join(dir, 'a.yaml'), pv);
    writeFileSync(join(dir, 'b.yaml'), pv);
    const r = await cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /b\.yaml:\d+: error: PersistentVolume storage-node-01-pv-ais-sd[a-z] is given twice: also at .*a\.yaml:\d+/,
    );
  });

  it('class 9, context per directory: --context-per-dir judges each folder as its own cluster', async () => {
    const root = tmp();
    for (const cluster of ['prod', 'staging']) {
      mkdirSync(join(root, cluster));
      cpSync(fixture('01'), join(root, cluster, 'cr.yaml'));
    }
    const mixed = await cli(['check', root]);
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toMatch(/AIStore ais\/ais is given twice/);
    const apart = await cli(['check', '--context-per-dir', join(root, 'prod'), join(root, 'staging')]);
    expect(apart.stdout).not.toMatch(/given twice/);
    expect(apart.code).toBe(0);
    // A claim is judged against its own cluster's CR only, never against another folder's.
    const [cr, claim] = readFileSync(fixture('06'), 'utf8').split(/^---$/m);
    writeFileSync(join(root, 'prod', 'cr.yaml'), cr as string);
    writeFileSync(join(root, 'staging', 'cr.yaml'), claim as string);
    expect((await cli(['check', join(root, 'prod'), join(root, 'staging')])).stdout).toContain(
      'DENY  pvc-name',
    );
    const separate = await cli(['check', '--context-per-dir', join(root, 'prod'), join(root, 'staging')]);
    expect(separate.stdout).not.toContain('DENY'); // no CR in its context: nothing to judge it against
  });

  it('class 9, empty input: no objects (a failed kustomize build piped in) exits 2 with a message', async () => {
    const r = await cli(['check', '-'], '');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/-: error: no Kubernetes objects in the input: nothing was checked/);
    const dir = tmp();
    expect((await cli(['check', dir])).code).toBe(2);
  });

  it('class 9, non-Kubernetes YAML: Chart.yaml, kustomization.yaml and values files are skipped with a note', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: ais\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\nimage: {tag: v3}\n');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pv.yaml]\n',
    );
    cpSync(fixture('04'), join(dir, 'pv.yaml'));
    const r = await cli(['check', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Chart\.yaml:1: note: document 1 skipped: no apiVersion and kind/);
    expect(r.stdout).toMatch(/values\.yaml:1: note: document 1 skipped/);
    expect(r.stdout).toMatch(
      /kustomization\.yaml:1: note: document 1 skipped: Kustomization .* is a build file/,
    );
    expect(r.stdout).toMatch(/2 object\(s\) checked/);
  });

  it('class 9, nothing needed: "None needed" findings are info; the README\'s valid example passes --strict', async () => {
    const r = await cli(['check', '--strict', ...VALID_SET]);
    expect(r.stdout).toMatch(/INFO {2}target-disk-binding/);
    expect(r.stdout).not.toMatch(/WARN/);
    expect(r.code).toBe(0);
    const json = JSON.parse((await cli(['check', '-o', 'json', ...VALID_SET])).stdout);
    const infos = json.results.flatMap((x: { findings: { severity: string }[] }) => x.findings);
    expect(infos.length).toBeGreaterThan(0);
    expect(infos.every((f: { severity: string }) => f.severity === 'info')).toBe(true);
  });
});

// Review "gitops": a kustomize base whose kustomization sets `namespace:`, or Helm output, has CRs
// with no namespace; their PVs name one, so nothing matched them and a broken PV passed silently.
describe('a CR with no namespace', () => {
  it('is said as a note; -n judges it (and its claims) in that namespace, as kubectl apply -n would', async () => {
    const dir = tmp();
    const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });
    delete (cr.metadata as Record<string, unknown>).namespace;
    writeFileSync(join(dir, 'cr.yaml'), stringify(cr));
    // A PV for target 0 in namespace ais with a class the mount does not have.
    const pv = readFileSync(fixture('04'), 'utf8')
      .split(/^---$/m)[0]!
      .replace(/storageClassName: \S+/, 'storageClassName: ais-local-storag');
    writeFileSync(join(dir, 'pv.yaml'), pv);
    const without = await cli(['check', '--nodes', '1', dir]);
    expect(without.code).toBe(0);
    expect(without.stdout).toMatch(/note: AIStore ais has no metadata.namespace: .*give -n NAMESPACE/);
    const judged = await cli(['check', '--nodes', '1', '-n', 'ais', dir]);
    expect(judged.code).toBe(1);
    expect(judged.stdout).toMatch(/ais-local-storag/);
    expect(judged.stdout).not.toMatch(/has no metadata.namespace/);
    // The input bytes are not changed by -n: --fix prints no namespace that was not there.
    expect(
      (await cli(['check', '--nodes', '1', '-n', 'ais', '--fix', join(dir, 'cr.yaml')])).stdout,
    ).not.toMatch(/namespace: ais/);
    expect((await cli(['check', '-n', 'Not_A_Namespace', dir])).code).toBe(2);
  });
});

describe('class 5 on the command line: node count', () => {
  it('says when the node count is unknown, and --nodes-file feeds the nodes', async () => {
    const dir = tmp();
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, stringify(aistore({ size: 2, hostPort: 51081 })));
    // Said once: by targets-exceed-nodes where anti-affinity makes the count matter, else as a note.
    const unknown = await cli(['check', file]);
    expect(unknown.stdout.match(/node count unknown/g)).toHaveLength(1);
    const multiTarget = join(dir, 'multi.yaml');
    writeFileSync(multiTarget, stringify(aistore({ size: 2, disable: true })));
    expect((await cli(['check', multiTarget])).stdout).toMatch(/note: node count unknown/);
    writeFileSync(join(dir, 'nodes.txt'), 'node-a\n');
    const names = await cli(['check', '--nodes-file', join(dir, 'nodes.txt'), file]);
    expect(names.code).toBe(1);
    expect(names.stdout).toMatch(/2 targets but only 1 node\(s\) they can be scheduled on/);
    expect(names.stdout).not.toMatch(/node count unknown/);
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: ['a', 'b'].map((n) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } })),
    };
    writeFileSync(join(dir, 'nodes.yaml'), stringify(list));
    expect((await cli(['check', '--nodes-file', join(dir, 'nodes.yaml'), file])).code).toBe(0);
    const bad = await cli(['check', '--nodes-file', join(dir, 'cr.yaml'), file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--nodes-file: no Node objects or node names/);
    // A list of names with a typo: the line named, not "document 1 is not a Kubernetes object".
    writeFileSync(join(dir, 'typo.txt'), 'node-1\n# spare\nnode_2\n');
    const typo = await cli(['check', '--nodes-file', join(dir, 'typo.txt'), file]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`--nodes-file: ${join(dir, 'typo.txt')}:3: "node_2" is not a node name`);
  });

  // An outside attack (fx53): `--context-per-dir clusters/ clusters/a` judged clusters/a's files in
  // two contexts, and check, --fix and --fix --write each said something else of them.
  it('--context-per-dir with PATHs that nest: a usage error naming them', async () => {
    const dir = tmp();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'cr.yaml'), stringify(aistore({ size: 2, disable: true })));
    for (const [outer, inner] of [
      [dir, join(dir, 'a')],
      [join(dir, 'a'), `${join(dir, 'a')}/`],
    ]) {
      const r = await cli(['check', '--context-per-dir', outer!, inner!]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: `ais-guard check: --context-per-dir: ${outer} and ${inner} nest, so a file would be judged in two contexts: give folders side by side\n`,
      });
    }
  });

  // An outside review (readme53): a folder holding nodes.txt was "no Node objects or node names in
  // DIR", and --nodes beside --nodes-file was silently ignored.
  it('--nodes-file a folder, and --nodes beside it: usage errors that say so', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'nodes.txt'), 'node-a\n');
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, stringify(aistore({ size: 2, disable: true })));
    const folder = await cli(['check', '--nodes-file', dir, file]);
    expect({ code: folder.code, stderr: folder.stderr }).toEqual({
      code: 2,
      stderr: `ais-guard check: --nodes-file: ${dir} is a directory: give the file in it\n`,
    });
    const both = await cli(['check', '--nodes', '10', '--nodes-file', join(dir, 'nodes.txt'), file]);
    expect({ code: both.code, stderr: both.stderr }).toEqual({
      code: 2,
      stderr:
        'ais-guard check: --nodes and --nodes-file each say which nodes the cluster has: give one of them\n',
    });
  });
});

describe('bad input: one line with its place, the rest still judged, exit 2', () => {
  it('a YAML alias bomb', async () => {
    const dir = tmp();
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(join(dir, 'bomb.yaml'), levels.join('\n') + '\n');
    cpSync(fixture('02'), join(dir, 'deny.yaml'));
    const r = await cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/bomb\.yaml:1: error: document 1: document contains excessive aliasing/);
    expect(r.stdout).toContain('DENY  target-host-port');
    noStack(r.stdout + r.stderr);
  });

  it('an unresolved alias', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'alias.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: *nosuch\n',
    );
    cpSync(fixture('04'), join(dir, 'pv.yaml'));
    const r = await cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/alias\.yaml:\d+: error: .*nosuch/);
    expect(r.stdout).toMatch(/2 object\(s\) checked/);
    noStack(r.stdout + r.stderr);
  });

  it('lone-CR line endings: refused with the line, the file left as it is even by --fix --write', async () => {
    const dir = tmp();
    const mac = `# old editor\n${readFileSync(fixture('02'), 'utf8').replaceAll('\n', '\r')}`;
    writeFileSync(join(dir, 'mac.yaml'), mac);
    cpSync(fixture('02'), join(dir, 'deny.yaml'));
    const r = await cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /mac\.yaml:2: error: line ends with a lone carriage return \(CR\): use LF or CRLF/,
    );
    expect(r.stdout).toContain('DENY  target-host-port'); // the other file is still judged
    noStack(r.stdout + r.stderr);
    const crlf = readFileSync(fixture('02'), 'utf8').replaceAll('\n', '\r\n');
    expect((await cli(['check', '-'], crlf)).stdout).toContain('DENY  target-host-port');
    const fixed = await cli(['check', '--fix', '--write', join(dir, 'mac.yaml')]);
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toMatch(
      /mac\.yaml:2: error: line ends with a lone carriage return[^]*no file was rewritten/,
    );
    expect(readFileSync(join(dir, 'mac.yaml'), 'utf8')).toBe(mac);
  });

  it('a FIFO in a directory is skipped with a note, never opened; a device too', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    cpSync(fixture('04'), join(dir, 'pv.yaml'));
    const r = await cli(['check', dir, '/dev/null']);
    expect(r.stdout).toMatch(/pipe\.yaml: note: skipped: a FIFO/);
    expect(r.stdout).toMatch(/\/dev\/null: note: skipped: a character device/);
    expect(r.code).toBe(0); // a note is no error
  });

  // `check <(kustomize build overlays/prod)`: bash passes /dev/fd/63, a pipe.
  it('a FIFO named as an argument is read to its end like stdin, within the caps, and never rewritten', async () => {
    const dir = tmp();
    // A new pipe per run, as bash makes one per <(…): a reader that has just stopped may still hold
    // the last one open, and a writer would meet it there.
    let pipes = 0;
    const fed = (file: string) => {
      const pipe = join(dir, `rendered-${++pipes}`);
      execFileSync('mkfifo', [pipe]);
      spawn('sh', ['-c', 'cat "$0" > "$1"', file, pipe]);
      return pipe;
    };
    const r = await cli(['check', fed(fixture('02'))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /rendered-1:2 \(document 1\) AIStore ais\/ais[^\n]*\n {2}DENY {2}target-host-port \(line 22\)/,
    );
    const capped = await cli(['check', '--max-file-bytes', '100', fed(fixture('02'))]);
    expect(capped.code).toBe(2);
    expect(capped.stdout).toMatch(/rendered-2: error: over 100 bytes/);
    const write = await cli(['check', '--fix', '--write', fed(fixture('03'))]);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(
      /rendered-3: error: a pipe: not written \(print the fixes without --write\)/,
    );
  });

  it('size caps: bytes per file and in total, with flags to raise them', async () => {
    const dir = tmp();
    cpSync(fixture('01'), join(dir, 'a.yaml'));
    cpSync(fixture('04'), join(dir, 'b.yaml'));
    const small = await cli(['check', '--max-file-bytes', '100', dir]);
    expect(small.code).toBe(2);
    expect(small.stdout).toMatch(/a\.yaml: error: over 100 bytes \(raise it with --max-file-bytes\)/);
    const total = await cli(['check', '--max-total-bytes', '1Ki', dir]);
    expect(total.code).toBe(2);
    expect(total.stdout).toMatch(
      /error: the input passes 1024 bytes in total at .* \(raise it with --max-total-bytes\)/,
    );
    expect((await cli(['check', '--max-file-bytes', '1Mi', dir])).code).toBe(0);
    const stdin = await cli(['check', '--max-file-bytes', '10', '-'], readFileSync(fixture('04'), 'utf8'));
    expect(stdin.stdout).toMatch(/-: error: over 10 bytes/);
    expect((await cli(['check', '--max-file-bytes', 'lots', dir])).stderr).toMatch(/takes a size like 64Mi/);
  });
});

describe("class 9: the README's own examples", () => {
  it('class 9, README valid example: examples/multi-target/ passes --strict', async () => {
    const r = await cli(['check', '--strict', 'examples/multi-target/']);
    expect(r.stdout).toMatch(/6 object\(s\) checked: 0 denied, 0 with warnings/);
    expect(r.code).toBe(0);
  });

  it('broken YAML alone is one error, not also "no objects"', async () => {
    const r = await cli(['check', 'examples/broken.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/1 input error\(s\)/);
  });
});

// kubectl and the apiserver read manifests as YAML 1.1 (go-yaml v2 through sigs.k8s.io/yaml):
// src/k8s/yaml.ts. Read as YAML 1.2, each of these passed a layout that kubectl would deploy.
describe('YAML read as Kubernetes reads it', () => {
  const cr = readFileSync(fixture('01'), 'utf8');
  const withTarget = (line: string) => cr.replace('  targetSpec:\n', `  targetSpec:\n    ${line}\n`);

  it.each(['yes', 'on', 'y', 'True'])('hostNetwork: %s on the targets is true: denied', async (word) => {
    const r = await cli(['check', '-'], withTarget(`hostNetwork: ${word}`));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DENY  target-host-network');
  });

  it('a merge key brings hostNetwork: true into targetSpec: denied', async () => {
    const merged = cr
      .replace('  proxySpec:\n', '  proxySpec: &shared\n    hostNetwork: true\n')
      .replace('  targetSpec:\n', '  targetSpec:\n    <<: *shared\n');
    const r = await cli(['check', '-'], merged);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DENY  target-host-network');
  });

  it('a legacy disablePodAntiAffinity: yes is true: moved, not dropped', async () => {
    const legacy = cr
      .replace('    disablePodAntiAffinity: true\n', '')
      .replace('  targetSpec:\n', '  disablePodAntiAffinity: yes\n  targetSpec:\n');
    const r = await cli(['check', '-'], legacy);
    expect(r.stdout).toContain('[multi-target: the removed top-level spec.disablePodAntiAffinity is true]');
    expect(r.stdout).toContain('moved to spec.targetSpec.disablePodAntiAffinity: true.');
  });

  it("a key that is a list: no Node warning from the YAML library on the user's terminal", async () => {
    const warnings: unknown[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation((w) => void warnings.push(w));
    try {
      const r = await cli(
        ['check', '-'],
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  ? [a, b]\n  : x\n',
      );
      // kubectl refuses the file ("invalid map key"), and so does check, in one line (review check47).
      expect(r.stdout).toMatch(/^-:5: error: a mapping key that is null .* or a list or mapping/);
      expect(r.code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual([]);
  });

  it('a document that writes apiVersion and kind, one empty or no string, is an input error at that field', () => {
    // kubectl types each document by its kind, then apiVersion, as non-empty strings (apimachinery
    // UnstructuredObjectTyper: "Object 'Kind' is missing"); a field left out is other YAML (skipped).
    const text =
      'apiVersion: v1\nkind: ""\nmetadata: {name: a}\n---\n' +
      'apiVersion: 5\nkind: ConfigMap\nmetadata: {name: b}\n---\n' +
      'apiVersion: v1\nmetadata: {name: c}\n---\n' +
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n';
    const errors: { line: number; message: string }[] = [];
    const notes: { message: string }[] = [];
    const { manifests } = parseSource('f.yaml', text, errors as never, notes as never);
    expect(errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      `2: document 1: kind is empty: kubectl cannot type the document ("Object 'Kind' is missing"), refuses it and applies the others`,
      `5: document 2: apiVersion is the number 5, not a string: kubectl cannot type the document ("Object 'apiVersion' is missing"), refuses it and applies the others`,
    ]);
    expect(notes.map((n) => n.message)).toEqual([
      'document 3 skipped: no apiVersion and kind (not a Kubernetes object)',
    ]);
    expect(manifests.map((m) => m.object.metadata?.name)).toEqual(['d']);
  });

  it('values as go-yaml gives them: 1.1 booleans and octals, timestamps and a:b as text', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 2001-12-14, b: 1:20}\n' +
      'x: {on: yes, off: n, mode: 0644, big: 1_000, base: &b {k: 1}, merged: {<<: *b, j: 2}}\n';
    const errors: unknown[] = [];
    const [manifest] = parseSource('f.yaml', text, errors as never).manifests;
    expect(errors).toEqual([]);
    expect(manifest!.object.data).toEqual({ a: '2001-12-14', b: '1:20' });
    expect(manifest!.object.x).toEqual({
      true: true,
      false: false,
      mode: 420,
      big: 1000,
      base: { k: 1 },
      merged: { k: 1, j: 2 },
    });
  });
});
