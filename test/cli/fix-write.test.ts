// Issue 15, "Data loss in check --fix --write": the fix edits only the nodes it changes, keeps
// everything else byte for byte, and writes all files or none, never through a symlink unasked.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  chmodSync,
  cpSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, type Node, type Pair } from 'yaml';
import { parseInput } from '../../src/cli/load.js';
import { writeFixes } from '../../src/cli/write.js';
import { stageFile } from '../../src/tls/atomic.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-fix-'));

/** An AIStore CR with the removed top-level field: its fix removes one key and adds another. */
function legacyCR(name: string, eol: string, withTargetSpec: boolean, extra = ''): string {
  const lines = [
    `# legacy CR ${name}`,
    'apiVersion: ais.nvidia.com/v1beta1',
    'kind: AIStore',
    'metadata:',
    `  name: ${name}`,
    '  namespace: ais',
    'spec:',
    '  size: 2',
    '  disablePodAntiAffinity: true # the seed-era place',
    ...(extra ? [extra] : []),
    '  stateStorage: {hostPath: {prefix: /etc/ais}}',
    ...(withTargetSpec
      ? ['  targetSpec:', '    size: 2', '    mounts:', '      - path: /data/aistore', '        size: 5Ti']
      : []),
  ];
  return lines.join(eol) + eol;
}

const UNTOUCHED = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: modes\n  namespace: ais\ndata: {}\nmode: 0644   # octal in YAML 1.1\nbig: 123456789012345678901234567890\nflag: yes\nhex: 0x1F\n',
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: anchors\n  namespace: ais\nbase: &b {a: 1, b: [x, y]}\ncopy: *b\nquoted: "a # not a comment"\n',
];

describe('--fix --write keeps every byte outside the fixed nodes', () => {
  it('octal, big ints, CRLF, BOM and comments survive; the fix lands', async () => {
    const dir = tmp();
    const file = join(dir, 'set.yaml');
    const crlf = (s: string) => s.replaceAll('\n', '\r\n');
    const before =
      '\uFEFF' +
      crlf(UNTOUCHED[0]!) +
      '---\r\n' +
      legacyCR('ais', '\r\n', true) +
      '---\r\n' +
      crlf(UNTOUCHED[1]!);
    writeFileSync(file, before);
    chmodSync(file, 0o640);
    const r = await cli(['check', '--fix', '--write', file]);
    expect(r.stderr).toContain('rewrote 1 file(s)');
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith('\uFEFF')).toBe(true);
    expect(after).toContain('mode: 0644   # octal in YAML 1.1\r\n');
    expect(after).toContain('big: 123456789012345678901234567890\r\n');
    expect(after).not.toMatch(/[^\r]\n/); // no LF without its CR
    expect(after).toContain('    disablePodAntiAffinity: true\r\n');
    expect(after).not.toContain('disablePodAntiAffinity: true # the seed-era place');
    // Exactly one line gone and one line added.
    expect(after.replace('    disablePodAntiAffinity: true\r\n', '')).toBe(
      before.replace('  disablePodAntiAffinity: true # the seed-era place\r\n', ''),
    );
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['set.yaml']); // no temp file left behind
  });

  it('a file that is not UTF-8 and needs a fix is refused in one line; untouched ones are never written', async () => {
    const dir = tmp();
    const bad = Buffer.concat([
      Buffer.from(legacyCR('ais', '\n', true) + '---\n'),
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: "\xff"}\n', 'latin1'),
    ]);
    const other = Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {k: "'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]);
    writeFileSync(join(dir, 'a.yaml'), bad);
    writeFileSync(join(dir, 'b.yaml'), other);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\.yaml: error: not valid UTF-8: --fix will not rewrite it/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(join(dir, 'a.yaml')).equals(bad)).toBe(true);
    expect(readFileSync(join(dir, 'b.yaml')).equals(other)).toBe(true);
  });
});

describe('--fix keeps comments with what they describe', () => {
  it('a removed array element goes with its own lines; the other elements keep their comments', async () => {
    const dir = tmp();
    cpSync(fixture('01'), join(dir, 'cr.yaml'));
    cpSync(fixture('04'), join(dir, 'pvs.yaml'));
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: ais-target-1
  namespace: ais
  labels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target, statefulset.kubernetes.io/pod-name: ais-target-1}
  annotations: {a: b}
  ownerReferences:
    - {apiVersion: apps/v1, kind: StatefulSet, name: ais-target, uid: u1, controller: true}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: kubernetes.io/hostname, operator: In, values: [storage-node-01]}
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        # first: the targets
        - labelSelector:
            matchLabels:
              app.kubernetes.io/component: target
          topologyKey: kubernetes.io/hostname
        # second: something else, keep this comment
        - labelSelector:
            matchLabels:
              app: other   # other app
          topologyKey: kubernetes.io/hostname
        # third
        - labelSelector: {matchLabels: {app: third}}
          topologyKey: zone
  containers:
    - name: ais-node
      image: x
  volumes:
    - name: ais-data-aistore
      persistentVolumeClaim:
        claimName: ais-data-aistore-ais-target-1
`;
    writeFileSync(join(dir, 'pod.yaml'), pod);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.stderr).toContain('rewrote 1 file(s)');
    const after = readFileSync(join(dir, 'pod.yaml'), 'utf8');
    // The target-selecting term is gone as a whole; the others are where they were, comments and
    // all (the disk binding's annotation is the other fix).
    const term =
      / {8}- labelSelector:\n {12}matchLabels:\n {14}app\.kubernetes\.io\/component: target\n {10}topologyKey: kubernetes\.io\/hostname\n/;
    expect(after).toBe(
      pod
        .replace(term, '')
        .replace(
          'annotations: {a: b}',
          'annotations: {a: b, ais-guard/disks: storage-node-01-pv-ais-sdb=storage-node-01:/ais/sdb}',
        ),
    );
  });
});

describe('--fix --write as a batch: all files or none', () => {
  it('a broken document elsewhere: nothing written, every file reported, exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), legacyCR('ais-a', '\n', true));
    writeFileSync(join(dir, 'b.yaml'), legacyCR('ais-b', '\n', true) + '---\nkind: [unclosed\n');
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b\.yaml:\d+: error: /);
    expect(r.stderr).toContain('rewrote 0 file(s)');
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(legacyCR('ais-a', '\n', true));
  });

  it('a read-only file: nothing written, one line naming it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), legacyCR('ais-a', '\n', true));
    writeFileSync(join(dir, 'b.yaml'), legacyCR('ais-b', '\n', true));
    chmodSync(join(dir, 'b.yaml'), 0o444);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b\.yaml: error: read-only: not written/);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(legacyCR('ais-a', '\n', true));
  });

  it('a file name near the 255-byte limit is rewritten (its temporary name is shortened)', async () => {
    const dir = tmp();
    const long = join(dir, `${'x'.repeat(250)}.yaml`);
    writeFileSync(join(dir, 'a.yaml'), legacyCR('ais-a', '\n', true));
    writeFileSync(long, legacyCR('ais-b', '\n', true));
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.stderr).toContain('rewrote 2 file(s)');
    expect(readFileSync(long, 'utf8')).toContain('    disablePodAntiAffinity: true');
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', `${'x'.repeat(250)}.yaml`]);
  });

  it('a file that cannot be staged: none renamed, the staged ones removed', async () => {
    const dir = tmp();
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.yaml`), legacyCR(name, '\n', true));
    const errors: never[] = [];
    const loaded = ['a', 'b', 'c'].map((name) => {
      const file = join(dir, `${name}.yaml`);
      return parseInput({ file, bytes: readFileSync(file) }, errors).source;
    });
    const fixes = loaded.map((source) => ({ source, bytes: Buffer.from('changed\n'), objects: 1 }));
    let calls = 0;
    const result = await writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
      if (++calls === 3)
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return stageFile(path, data, options);
    });
    expect(result.written).toEqual([]);
    expect(result.errors).toEqual([
      { file: join(dir, 'c.yaml'), message: 'cannot write: ENOSPC: no space left on device' },
    ]);
    for (const name of ['a', 'b', 'c'])
      expect(readFileSync(join(dir, `${name}.yaml`), 'utf8')).toBe(legacyCR(name, '\n', true));
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('run as root, a rewritten file keeps its owner and mode', async () => {
    const dir = tmp();
    const file = join(dir, 'owned.yaml');
    writeFileSync(file, legacyCR('ais', '\n', true));
    chownSync(file, 1234, 2345);
    chmodSync(file, 0o640);
    const r = await cli(['check', '--fix', '--write', file]);
    expect(r.code).toBe(0);
    const after = statSync(file);
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([1234, 2345, 0o640]);
    expect(readFileSync(file, 'utf8')).toContain('    disablePodAntiAffinity: true');
  });

  it('symlinks are not written through unless --follow-symlinks', async () => {
    const root = tmp();
    mkdirSync(join(root, 'repo'));
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'target.yaml'), legacyCR('ais', '\n', true));
    symlinkSync('../outside/target.yaml', join(root, 'repo', 'linked.yaml'));
    const r = await cli(['check', '--fix', '--write', join(root, 'repo')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/linked\.yaml: error: reached through a symbolic link: not written/);
    expect(readFileSync(join(root, 'outside', 'target.yaml'), 'utf8')).toBe(legacyCR('ais', '\n', true));
    const followed = await cli(['check', '--fix', '--write', '--follow-symlinks', join(root, 'repo')]);
    expect(followed.code).toBe(0);
    expect(readFileSync(join(root, 'outside', 'target.yaml'), 'utf8')).toContain(
      '    disablePodAntiAffinity: true',
    );
    expect(statSync(join(root, 'repo', 'linked.yaml')).isFile()).toBe(true); // still a link to it
  });

  it('a linked folder named as link/ or link/.: refused as the link itself is (fx53)', async () => {
    const root = tmp();
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'x.yaml'), legacyCR('ais', '\n', true));
    symlinkSync('outside', join(root, 'ldl'));
    for (const named of ['ldl', 'ldl/', 'ldl/.', 'ldl/./']) {
      const r = await cli(['check', '--fix', '--write', `${root}/${named}`]); // join() would normalise it
      expect({ named, code: r.code }).toEqual({ named, code: 2 });
      expect(r.stderr).toMatch(/x\.yaml: error: reached through a symbolic link: not written/);
    }
    expect(readFileSync(join(root, 'outside', 'x.yaml'), 'utf8')).toBe(legacyCR('ais', '\n', true));
  });

  it('one file reached twice (two contexts, one through a linked folder): refused, not written twice', async () => {
    // PATHs that nest are a usage error (check-input.test.ts); a link to a folder is not seen so.
    const dir = tmp();
    mkdirSync(join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    writeFileSync(join(dir, 'a', 'x.yaml'), legacyCR('ais', '\n', true));
    const r = await cli([
      'check',
      '--context-per-dir',
      '--fix',
      '--write',
      '--follow-symlinks',
      join(dir, 'a'),
      join(dir, 'b'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.yaml: error: the same file as .*x\.yaml: not written twice/);
    expect(readFileSync(join(dir, 'a', 'x.yaml'), 'utf8')).toBe(legacyCR('ais', '\n', true));
  });

  it("--fix -o json: the report with each object's patch", async () => {
    const r = await cli(['check', '--fix', '-o', 'json', fixture('03')]);
    const report = JSON.parse(r.stdout);
    expect(report.results[0].patch).toHaveLength(2);
    expect(report.results[0].patch).toEqual(
      expect.arrayContaining([
        { op: 'remove', path: '/spec/disablePodAntiAffinity' },
        { op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true },
      ]),
    );
    expect((await cli(['check', '--fix', '-o', 'sarif', fixture('03')])).stderr).toMatch(
      /does not go with it/,
    );
  });
});

// ---- the property: bytes outside the fixed nodes are equal ----

const scalar = fc.constantFrom(
  '0644',
  '0o755',
  '123456789012345678901234567890',
  'yes',
  'on',
  '"quoted # not a comment"',
  "'single'",
  '~',
  '1e3',
  '0x1F',
  '-.5e+1', // not -.inf: kubectl refuses it (no JSON for -Inf), an input error now
  'plain text',
);
const comment = fc.constantFrom('', ' # c', '   # spaced comment');

const otherDoc = fc
  .record({
    name: fc.integer({ min: 0, max: 1e6 }),
    values: fc.array(fc.tuple(scalar, comment), { minLength: 1, maxLength: 5 }),
    anchors: fc.boolean(),
    kube: fc.boolean(),
  })
  .map(({ name, values, anchors, kube }) => {
    const head = kube
      ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${name}\n  namespace: ais\n`
      : `# a values file\n`;
    const body = values.map(([v, c], i) => `k${i}: ${v}${c}\n`).join('');
    return head + body + (anchors ? 'base: &a {x: 1, y: [p, q]}\nref: *a\n' : '');
  });

const file = fc
  .record({
    docs: fc.array(fc.oneof(otherDoc, fc.record({ targetSpec: fc.boolean(), extra: scalar })), {
      minLength: 1,
      maxLength: 5,
    }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .map(({ docs, crlf, bom }) => {
    const eol = crlf ? '\r\n' : '\n';
    let cr = 0;
    const texts = docs.map((d, i) =>
      typeof d === 'string'
        ? d.replace(/name: cm-(\d+)/, `name: cm-$1-${i}`).replaceAll('\n', eol)
        : legacyCR(`ais-${cr++}`, eol, d.targetSpec, `  extra: ${d.extra}`),
    );
    return (bom ? '\uFEFF' : '') + texts.join(`---${eol}`);
  });

/** The text with the lines of the pair at path cut out (from its key's line to its value's last). */
function withoutPair(text: string, path: string[]): string {
  const doc = parseDocument(text);
  const parent = doc.getIn(path.slice(0, -1), true) as { items: Pair<Node, Node>[] };
  const pair = parent.items.find(
    (p) => String((p.key as { value?: unknown }).value) === path[path.length - 1],
  );
  if (!pair) throw new Error(`no ${path.join('.')}`);
  const start = text.lastIndexOf('\n', pair.key.range![0] - 1) + 1;
  const valueEnd = pair.value!.range![1];
  const end = text[valueEnd - 1] === '\n' ? valueEnd : text.indexOf('\n', valueEnd) + 1 || text.length;
  return text.slice(0, start) + text.slice(end);
}

const documents = (bytes: Buffer) => {
  const { source } = parseInput({ file: 'x', bytes }, []);
  return source.slices.map(([s, e]) => source.text.slice(s, e));
};

describe('property: --fix --write changes only the fixed paths', () => {
  it('over generated files (comments, anchors, octal, big ints, CRLF, BOM, multi-document)', async () => {
    const dir = tmp();
    let fixedDocuments = 0;
    let outsideBytesChanged = 0;
    await fc.assert(
      fc.asyncProperty(file, async (text) => {
        const path = join(dir, 'gen.yaml');
        writeFileSync(path, text);
        const r = await cli(['check', '--fix', '--write', path]);
        expect(r.stderr).not.toMatch(/error: (?!no Kubernetes objects)/);
        const before = documents(Buffer.from(text));
        const after = documents(readFileSync(path));
        expect(after).toHaveLength(before.length);
        before.forEach((old, i) => {
          const now = after[i]!;
          if (!/kind: AIStore/.test(old)) return expect(now).toBe(old);
          fixedDocuments++;
          const hadTargetSpec = /\n {2}targetSpec:/.test(old);
          const oldRest = withoutPair(old, ['spec', 'disablePodAntiAffinity']);
          const newRest = withoutPair(
            now,
            hadTargetSpec ? ['spec', 'targetSpec', 'disablePodAntiAffinity'] : ['spec', 'targetSpec'],
          );
          if (newRest !== oldRest) outsideBytesChanged += Math.abs(newRest.length - oldRest.length) || 1;
          expect(newRest).toBe(oldRest);
        });
      }),
      { numRuns: 60 },
    );
    expect(fixedDocuments).toBeGreaterThan(20);
    expect(outsideBytesChanged).toBe(0);
  }, 120_000);
});
