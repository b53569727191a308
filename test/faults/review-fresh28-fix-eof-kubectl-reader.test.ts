// review fresh28: block-scalar-end.ts (91640e8) rests on "kubectl reads `note: |\n  hello` at the end
// of a file as "hello"". That holds for a bare gopkg.in/yaml.v2 Unmarshal, but not for what kubectl
// parses: `kubectl apply -f` reads a file through cli-runtime's StreamVisitor
// (k8s.io/cli-runtime pkg/resource/visitor.go: yaml.NewYAMLOrJSONDecoder(v.Reader, 4096)), whose YAML
// side is k8s.io/apimachinery pkg/util/yaml NewYAMLToJSONDecoder -> NewYAMLReader -> LineReader.Read,
// which writes '\n' after every line it reads, the last one included (`buffer.WriteByte('\n')`, v0.36.1
// decoder.go). So kubectl reads the file above as "hello\n" (checked: a Go program over
// apimachinery v0.36.1 NewYAMLReader + sigs.k8s.io/yaml v1.6.0 YAMLToJSON prints {"note":"hello\n"}).
// What --fix does to such a file then changes a value the user did not ask to change:
//  1. --write rewrites `note: |` to `note: |-`: kubectl now reads "hello" (was "hello\n");
//  2. to stdout, a file with no fix at all (a ConfigMap script ending the file) gets `|-` too, so the
//     joined stream gives "exec aisnode" where the file gave "exec aisnode\n" (fix.ts joinSources says
//     documents without a patch are copied byte for byte);
//  3. a keep-chomped `|+` scalar there is refused as an input error ("which --fix would add to its
//     value"), though kubectl reads "hello\n" with or without the break: no file is rewritten.
// kubectlRead below parses the text as kubectl does: with '\n' after its last line (the yaml library
// and go-yaml agree on the values here once the text ends with a line break).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from './support/cli.js';

const run = (args: string[], cwd: string) => runCli(args, { cwd, env: { NO_COLOR: '1' } });

/** The documents as kubectl apply -f reads them: LineReader ends the last line with '\n'. */
const kubectlRead = (text: string): unknown[] =>
  parseAllDocuments(text.endsWith('\n') ? text : `${text}\n`).map((d) => d.toJS() as unknown);

const cr = (header: string) =>
  [
    'apiVersion: ais.nvidia.com/v1beta1',
    'kind: AIStore',
    'metadata:',
    '  name: ais',
    '  namespace: ais',
    'spec:',
    '  disablePodAntiAffinity: true', // legacy-anti-affinity-field: --fix moves it
    '  nodeImage: docker.io/aistorage/aisnode:v3.30',
    '  proxySpec: {size: 1, servicePort: 51080}',
    '  targetSpec:',
    '    size: 2',
    '    servicePort: 51081',
    '    mounts: [{path: /data/aistore, size: 5Ti, storageClass: ais-local-storage}]',
    '    annotations:',
    `      note: ${header}`,
    '        hello', // no line break: kubectl reads "hello\n"
  ].join('\n');

const SCRIPT_CM = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: scripts, namespace: ais}',
  'data:',
  '  run.sh: |',
  '    exec aisnode', // no line break: kubectl reads "exec aisnode\n"
].join('\n');

const note = (docs: unknown[]) =>
  (docs[0] as { spec: { targetSpec: { annotations: { note: string } } } }).spec.targetSpec.annotations.note;

describe('review fresh28: --fix and a block scalar ending the file, as kubectl apply -f reads it', () => {
  it('--write keeps the annotation kubectl reads as "hello\\n"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fresh28-'));
    const text = cr('|');
    expect(note(kubectlRead(text))).toBe('hello\n');
    writeFileSync(join(dir, 'cr.yaml'), text);
    const r = run(['check', '--fix', '--write', 'cr.yaml'], dir);
    expect(r.stderr).toMatch(/moved to spec\.targetSpec\.disablePodAntiAffinity: true/);
    const out = readFileSync(join(dir, 'cr.yaml'), 'utf8');
    expect(out).toMatch(/disablePodAntiAffinity: true/);
    expect(note(kubectlRead(out))).toBe('hello\n');
  });

  it('to stdout, a file with no fix keeps its script as kubectl reads it ("exec aisnode\\n")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fresh28-'));
    writeFileSync(join(dir, 'a-scripts.yaml'), SCRIPT_CM);
    writeFileSync(join(dir, 'b-cr.yaml'), cr('|') + '\n');
    const r = run(['check', '--fix', 'a-scripts.yaml', 'b-cr.yaml'], dir);
    expect(r.stdout).toContain('disablePodAntiAffinity: true');
    const script = (kubectlRead(r.stdout)[0] as { data: Record<string, string> }).data['run.sh'];
    expect(script).toBe((kubectlRead(SCRIPT_CM)[0] as { data: Record<string, string> }).data['run.sh']);
    expect(script).toBe('exec aisnode\n');
  });

  it('--write applies the fix to a file ending in a keep-chomped |+ scalar (kubectl reads "hello\\n" either way)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fresh28-'));
    const text = cr('|+');
    expect(note(kubectlRead(text))).toBe('hello\n');
    expect(note(kubectlRead(text + '\n'))).toBe('hello\n');
    writeFileSync(join(dir, 'cr.yaml'), text);
    const r = run(['check', '--fix', '--write', 'cr.yaml'], dir);
    expect(r.stderr).not.toMatch(/keep chomping/);
    const out = readFileSync(join(dir, 'cr.yaml'), 'utf8');
    expect(out).toMatch(/targetSpec:[\s\S]*disablePodAntiAffinity: true/);
    expect(note(kubectlRead(out))).toBe('hello\n');
  });
});
