// Review "fix" (outside review of `check --fix` / `--fix --write` against "no bytes changed that the
// user did not ask to change"). Failing tests reproduce what broke; passing ones pin what held.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  cpSync,
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
import { parseAllDocuments } from 'yaml';
import { KUBE_YAML } from '../../src/k8s/yaml.js';
import { writeFixes } from '../../src/cli/write.js';
import { stageFile } from '../../src/tls/atomic.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { twoFixedFiles } from '../support/staged-fixes.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-fix-review-'));

/** The objects of a YAML stream as the guard's reader (YAML 1.1) sees them. */
const objects = (text: string) =>
  parseAllDocuments(text.replace(/^\uFEFF/, ''), KUBE_YAML)
    .map((d) => d.toJS({ maxAliasCount: 100 }))
    .filter((o) => o !== null && o !== undefined);

/**
 * before -> after must be one insertion: a common prefix and suffix, nothing of before between
 * them. Returns the inserted text.
 */
function insertion(before: string, after: string): string {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  expect(before.slice(p, before.length - s)).toBe(''); // no byte of the old file changed or removed
  return after.slice(p, after.length - s);
}

// ---- generated formatting variants of one multi-target CR without disablePodAntiAffinity ----

const comment = fc.constantFrom(
  '',
  ' # c',
  '   # {{ .Values.size }} helm-like',
  ' # ünïcødé ✓ 😀',
  '\t# tab',
);
const trailing = fc.constantFrom('', '  ', '\t');
const variant = fc.record({
  unit: fc.constantFrom(2, 4),
  seqIndent: fc.boolean(),
  style: fc.constantFrom('block', 'flow', 'flow-multiline', 'json-keys'),
  order: fc.shuffledSubarray(['size', 'nodeSelector', 'mounts', 'servicePort', 'labels'], {
    minLength: 5,
  }),
  nodeSelectorFlow: fc.boolean(),
  comments: fc.array(comment, { minLength: 12, maxLength: 12 }),
  trailing: fc.array(trailing, { minLength: 12, maxLength: 12 }),
  ownLineComment: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  docEnd: fc.boolean(),
  leadingSep: fc.boolean(),
  otherBefore: fc.boolean(),
  otherAfter: fc.boolean(),
  longLine: fc.boolean(),
  quoteStyle: fc.constantFrom('plain', 'single', 'double'),
});
type Variant = typeof variant extends fc.Arbitrary<infer T> ? T : never;

const OTHER =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: ais\ndata: &d {mode: "0644", flag: "yes"}\nextra:\n  <<: *d\n  big: 123456789012345678901234567890\n';

function crText(v: Variant): { text: string; expected: Record<string, unknown> } {
  const u = ' '.repeat(v.unit);
  let c = 0;
  const end = () => `${v.trailing[c % 12]}${v.comments[c++ % 12]}`;
  const q = (s: string) => (v.quoteStyle === 'single' ? `'${s}'` : v.quoteStyle === 'double' ? `"${s}"` : s);
  const label = v.longLine ? 'x'.repeat(5000) : 'ünïcødé-✓';
  const targetSpec: Record<string, unknown> = {};
  const block: Record<string, string[]> = {};
  const flow: Record<string, string> = {};
  const k = (s: string) => (v.style === 'json-keys' ? JSON.stringify(s) : s);
  for (const key of v.order) {
    if (key === 'size') {
      targetSpec.size = 2;
      block.size = [`size: 2${end()}`];
      flow.size = `${k('size')}: 2`;
    } else if (key === 'servicePort') {
      targetSpec.servicePort = 51081;
      block.servicePort = [`servicePort: 51081${end()}`];
      flow.servicePort = `${k('servicePort')}: 51081`;
    } else if (key === 'nodeSelector') {
      targetSpec.nodeSelector = { 'kubernetes.io/hostname': 'n1' };
      block.nodeSelector = v.nodeSelectorFlow
        ? [`nodeSelector: {kubernetes.io/hostname: ${q('n1')}}${end()}`]
        : [`nodeSelector:${end()}`, `${u}kubernetes.io/hostname: ${q('n1')}${end()}`];
      flow.nodeSelector = `${k('nodeSelector')}: {${k('kubernetes.io/hostname')}: ${v.style === 'json-keys' ? '"n1"' : q('n1')}}`;
    } else if (key === 'mounts') {
      targetSpec.mounts = [{ path: '/data', size: '5Ti' }];
      const d = v.seqIndent ? u : '';
      block.mounts = [`mounts:${end()}`, `${d}- path: ${q('/data')}${end()}`, `${d}  size: 5Ti${end()}`];
      flow.mounts = `${k('mounts')}: [{${k('path')}: ${v.style === 'json-keys' ? '"/data"' : q('/data')}, ${k('size')}: ${v.style === 'json-keys' ? '"5Ti"' : '5Ti'}}]`;
    } else {
      targetSpec.labels = { note: label };
      block.labels = [`labels:${end()}`, `${u}note: ${q(label)}${end()}`];
      flow.labels = `${k('labels')}: {${k('note')}: ${v.style === 'json-keys' ? JSON.stringify(label) : q(label)}}`;
    }
  }
  const ts = `${u}${u}`;
  let targetLines: string[];
  if (v.style === 'block') {
    targetLines = [`${u}targetSpec:${end()}`];
    v.order.forEach((key, i) => {
      if (v.ownLineComment && i === 1) targetLines.push(`${ts}# {{- if .Values.x }} own-line comment`);
      for (const line of block[key]!) targetLines.push(ts + line);
    });
    if (v.ownLineComment) targetLines.push(`${ts}# trailing comment of targetSpec`);
  } else if (v.style === 'flow-multiline') {
    targetLines = [
      `${u}targetSpec: {${end()}`,
      ...v.order.map((key, i) => `${ts}${flow[key]}${i < v.order.length - 1 ? ',' : ''}${end()}`),
      `${u}}${end()}`,
    ];
  } else targetLines = [`${u}targetSpec: {${v.order.map((key) => flow[key]).join(', ')}}${end()}`];
  const lines = [
    ...(v.leadingSep ? ['--- # the CR'] : []),
    `# AIStore CR, {{ .Release.Name }}${end()}`,
    `apiVersion: ais.nvidia.com/v1beta1${end()}`,
    `kind: AIStore${end()}`,
    `metadata:${end()}`,
    `${u}name: ais${end()}`,
    `${u}namespace: ais${end()}`,
    `spec:${end()}`,
    `${u}nodeImage: ${q('aistorage/aisnode:v3.30')}${end()}`,
    ...targetLines,
    ...(v.docEnd ? ['...'] : []),
  ];
  const eol = v.crlf ? '\r\n' : '\n';
  let text = lines.join(eol);
  if (v.otherBefore) text = OTHER.replaceAll('\n', eol) + (v.leadingSep ? '' : `---${eol}`) + text;
  if (v.otherAfter)
    text =
      text +
      eol +
      // After "..." too: kubectl applies nothing that follows until a "---" (load.ts refuses it).
      `---${eol}` +
      OTHER.replace('name: other', 'name: other-2')
        .replaceAll('\n', eol)
        .replace(/\r?\n$/, '');
  if (v.finalNewline) text += eol;
  if (v.bom) text = '\uFEFF' + text;
  return {
    text,
    expected: {
      apiVersion: 'ais.nvidia.com/v1beta1',
      kind: 'AIStore',
      metadata: { name: 'ais', namespace: 'ais' },
      spec: {
        nodeImage: 'aistorage/aisnode:v3.30',
        targetSpec: { ...targetSpec, disablePodAntiAffinity: true },
      },
    },
  };
}

describe('property: formatting variants of one CR, fixed with --write', () => {
  it('reads back as the patched object, and the only change is one insertion of the new field', async () => {
    const dir = tmp();
    let fixed = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(variant, async (v) => {
        const { text, expected } = crText(v);
        // A CR needs a name kubectl and the guard read alike; sanity of the generator first.
        const before = objects(text).find((o) => o.kind === 'AIStore');
        expect(before).toBeDefined();
        const path = join(dir, 'cr.yaml');
        writeFileSync(path, text);
        const r = await cli(['check', '--fix', '--write', '--nodes', '1', path]);
        const after = readFileSync(path, 'utf8');
        if (/error: cannot apply the fix in place/.test(r.stderr)) {
          refused++;
          expect(r.stderr).toMatch(/cr\.yaml:\d+: error: cannot apply the fix in place: [^\n]+\n/);
          expect(after).toBe(text);
          return;
        }
        expect(r.stderr).not.toMatch(/error/);
        fixed++;
        const dump = process.env.FIX_REVIEW_DUMP; // investigation: feed the outputs to kubectl's reader
        if (dump) {
          writeFileSync(join(dump, `${fixed}.yaml`), after);
          writeFileSync(join(dump, `${fixed}.json`), JSON.stringify(expected));
        }
        const added = insertion(text, after);
        expect(added).toMatch(/disablePodAntiAffinity/);
        expect(objects(after).find((o) => o.kind === 'AIStore')).toEqual(expected);
        expect(objects(after).filter((o) => o.kind !== 'AIStore')).toEqual(
          objects(text).filter((o) => o.kind !== 'AIStore'),
        );
        if (v.crlf) expect(after).not.toMatch(/[^\r]\n/);
        if (v.bom) expect(after.startsWith('\uFEFF')).toBe(true);
        expect(/\r?\n$/.test(after)).toBe(v.finalNewline);
      }),
      { numRuns: Number(process.env.FIX_REVIEW_RUNS ?? 150) },
    );
    expect(fixed).toBeGreaterThan(100);
    expect(refused).toBeLessThan(5);
  }, 300_000);
});

// ---- values the fix writes, as kubectl (go-yaml v2 via sigs.k8s.io/yaml) reads them ----

const PVC = readFileSync(fixture('05'), 'utf8');

/** The fixture layout (CR 01, PVs 04, claim 05) with the claim's PV renamed to `pvName`. */
function claimLayout(pvName: string, diskPath = '/ais/sdb'): string {
  const dir = tmp();
  cpSync(fixture('01'), join(dir, 'cr.yaml'));
  writeFileSync(
    join(dir, 'pvs.yaml'),
    readFileSync(fixture('04'), 'utf8')
      .replaceAll('storage-node-01-pv-ais-sdb', JSON.stringify(pvName))
      .replaceAll('/ais/sdb', diskPath),
  );
  writeFileSync(join(dir, 'pvc.yaml'), PVC);
  return dir;
}

/** A target pod of the fixture CR, its disks' claim named, its annotations a flow map. */
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: ais-target-1
  namespace: ais
  labels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target, statefulset.kubernetes.io/pod-name: ais-target-1}
  annotations: {a: b}
  ownerReferences:
    - {apiVersion: apps/v1, kind: StatefulSet, name: ais-target, uid: u1, controller: true}
spec:
  containers:
    - name: ais-node
      image: x
  volumes:
    - name: ais-data-aistore
      persistentVolumeClaim:
        claimName: ais-data-aistore-ais-target-1
`;

describe('a value --fix writes is read by kubectl as the same value', () => {
  it('a PV named 0o17 (a valid DNS name) is written quoted: go-yaml v2 reads plain 0o17 as the int 15', async () => {
    // go.yaml.in/yaml/v2 resolve.go resolve(): strconv.ParseInt(plain, 0, 64) takes Go's 0o prefix,
    // so kubectl turns `volumeName: 0o17` into 15 and the apply fails ("cannot unmarshal number
    // into ... volumeName of type string"). The yaml library's YAML 1.1 has no 0o, so the guard's
    // read-back check passes and the file is written with the plain scalar.
    const dir = claimLayout('0o17');
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.stderr).toContain('rewrote 1 file(s)');
    const after = readFileSync(join(dir, 'pvc.yaml'), 'utf8');
    expect(after.startsWith(PVC)).toBe(true);
    expect(after.slice(PVC.length)).toMatch(/^ {2}volumeName: (["'])0o17\1\n$/);
  });

  it('a disk path with "?" in a flow map is quoted: go-yaml v2 ends a plain scalar at "?" in flow context', async () => {
    // go.yaml.in/yaml/v2 scannerc.go yaml_parser_scan_plain_scalar: in flow context ',', '?', '[',
    // ']', '{', '}' end a plain scalar; kubectl then fails on the whole file ("did not find
    // expected ',' or '}'"). The yaml library (YAML 1.2 rules) keeps `a?b` plain.
    const dir = claimLayout('storage-node-01-pv-ais-sdb', '/ais/sd?b');
    writeFileSync(join(dir, 'pvc.yaml'), PVC.replace('ais-data-aistore-ais-target-1', 'unrelated-claim'));
    writeFileSync(join(dir, 'pod.yaml'), POD);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.stderr).toContain('rewrote');
    const after = readFileSync(join(dir, 'pod.yaml'), 'utf8');
    const line = after.split('\n').find((l) => l.includes('annotations:'))!;
    expect(line).toContain('ais-guard/disks');
    // Either quoted in the flow map, or not in a flow map at all.
    expect(line).toMatch(/ais-guard\/disks: (["'])[^"']*\?[^"']*\1\}|^\s*annotations:\s*$/);
  });
});

describe('a disk path kubectl reads otherwise', () => {
  it('a disk path with U+0085 (NEL) is written escaped: go-yaml v2 reads a raw NEL in a quoted scalar as a line break (folded to a space)', async () => {
    // go.yaml.in/yaml/v2 scannerc.go: is_break() counts U+0085, U+2028 and U+2029 as line breaks, so
    // a raw NEL inside "..." folds into a space: kubectl stores "pv=node:/ais/sd b" silently. The
    // yaml library reads it as the character, so the read-back check passes. (Raw U+2028 in a plain
    // scalar is a parse error for kubectl instead.)
    const dir = claimLayout('storage-node-01-pv-ais-sdb', '"/ais/sd\\Nb"');
    writeFileSync(join(dir, 'pvc.yaml'), PVC.replace('ais-data-aistore-ais-target-1', 'unrelated-claim'));
    writeFileSync(join(dir, 'pod.yaml'), POD);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.stderr).toContain('rewrote');
    const after = readFileSync(join(dir, 'pod.yaml'), 'utf8');
    expect(after).toContain('ais-guard/disks');
    expect(after).not.toMatch(/[\u0085\u2028\u2029]/);
  });
});

describe('--fix to stdout: the joined stream as kubectl reads it', () => {
  it('a JSON stream file first, then a YAML file: its objects are joined as YAML documents, which kubectl reads', async () => {
    // apimachinery util/yaml decoder.go YAMLOrJSONDecoder.Decode: input starting with "{" is read
    // by the JSON decoder; after more than one JSON object it never switches to YAML
    // ("if d.count > 1 ... return err"), so a "---" after two objects was a syntax error:
    // `check --fix a.json b.yaml | kubectl apply -f -` failed with "invalid character '-' in
    // numeric literal" (review "fix", read with a Go build of kubectl's decoder).
    const dir = tmp();
    const cm = (n: number) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c${n}"},"data":{}}`;
    writeFileSync(join(dir, 'a.json'), `${cm(1)}\n${cm(2)}\n`);
    cpSync(fixture('03'), join(dir, 'b.yaml'));
    const r = await cli(['check', '--fix', join(dir, 'a.json'), join(dir, 'b.yaml')]);
    // One JSON object, then YAML documents: the decoder switches to YAML after the first object.
    expect(r.stdout.startsWith(`${cm(1)}\n---\n${cm(2)}\n---\n`)).toBe(true);
    const docs = parseAllDocuments(r.stdout.slice(cm(1).length + 1), KUBE_YAML);
    expect(docs.map((d) => d.errors)).toEqual(docs.map(() => []));
    expect(docs.map((d) => (d.toJS() as { kind?: string }).kind)).toEqual(['ConfigMap', 'AIStore']);
  });
});

describe('--fix --write: what it promises about the files', () => {
  it('--fix without --write prints the fix and writes nothing (no temp file, same bytes and mtime)', async () => {
    const dir = tmp();
    cpSync(fixture('03'), join(dir, 'cr.yaml'));
    const before = readFileSync(join(dir, 'cr.yaml'));
    const mtime = statSync(join(dir, 'cr.yaml')).mtimeMs;
    const r = await cli(['check', '--fix', join(dir, 'cr.yaml')]);
    expect(r.stdout).toContain('    disablePodAntiAffinity: true');
    expect(readFileSync(join(dir, 'cr.yaml')).equals(before)).toBe(true);
    expect(statSync(join(dir, 'cr.yaml')).mtimeMs).toBe(mtime);
    expect(readdirSync(dir)).toEqual(['cr.yaml']);
  });

  it('a symlinked file PATH is refused without --follow-symlinks; the other file is then not written either', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'real'));
    cpSync(fixture('03'), join(dir, 'real', 'cr.yaml'));
    symlinkSync(join(dir, 'real', 'cr.yaml'), join(dir, 'link.yaml'));
    writeFileSync(
      join(dir, 'other.yaml'),
      readFileSync(fixture('03'), 'utf8').replace('name: ais', 'name: ais-2'),
    );
    const r = await cli(['check', '--fix', '--write', join(dir, 'link.yaml'), join(dir, 'other.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/link\.yaml: error: reached through a symbolic link: not written/);
    expect(readFileSync(join(dir, 'real', 'cr.yaml')).equals(readFileSync(fixture('03')))).toBe(true);
    expect(readFileSync(join(dir, 'other.yaml'), 'utf8')).not.toContain('    disablePodAntiAffinity');
  });

  it('the same file given twice: an input error, nothing written', async () => {
    const dir = tmp();
    cpSync(fixture('03'), join(dir, 'cr.yaml'));
    const r = await cli(['check', '--fix', '--write', join(dir, 'cr.yaml'), join(dir, 'cr.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rewrote 0 file(s)');
    expect(readFileSync(join(dir, 'cr.yaml')).equals(readFileSync(fixture('03')))).toBe(true);
  });

  it('a file edited by someone else after the check but before the rename keeps that edit', async () => {
    // write.ts prepare() compares the bytes once, before staging; stageFile writes and fsyncs each
    // file (the slow part), and commit() renames without looking again: an editor's save in that
    // window is lost. Here the save lands while the second file is staged.
    const { dir, fixes } = twoFixedFiles();
    const users = '# the user saved this meanwhile\n';
    let calls = 0;
    const result = await writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
      if (++calls === 2) writeFileSync(join(dir, 'a.yaml'), users);
      return stageFile(path, data, options);
    });
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(users);
    expect(result.errors.map((e) => e.file)).toContain(join(dir, 'a.yaml'));
  });

  it('a file whose fix cannot be applied: one line naming file:line; it and the others untouched (all or none)', async () => {
    const dir = tmp();
    const cr = readFileSync(fixture('03'), 'utf8');
    // The legacy field carries an anchor another field uses: removing it would orphan the alias.
    const bad =
      cr.replace(/^ {2}disablePodAntiAffinity: true$/m, '  disablePodAntiAffinity: &d true') +
      '  enableExternalLB: *d\n';
    const good = cr.replace('name: ais', 'name: good');
    writeFileSync(join(dir, 'bad.yaml'), bad);
    writeFileSync(join(dir, 'good.yaml'), good);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+: error: cannot apply the fix in place: [^\n]+\n/);
    // Said as what it is, not as the parser's "Unresolved alias" of the edited text.
    expect(r.stderr).toContain('the edit would also change what a YAML alias shares with the edited node');
    expect(r.stderr).toContain('rewrote 0 file(s)');
    expect(readFileSync(join(dir, 'bad.yaml'), 'utf8')).toBe(bad);
    expect(readFileSync(join(dir, 'good.yaml'), 'utf8')).toBe(good);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'good.yaml']);
  });
});
