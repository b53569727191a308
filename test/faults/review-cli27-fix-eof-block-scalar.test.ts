// review cli27, corrected by review fresh28: `check --fix` and a file whose last line is inside a
// block scalar with no line break after it (`note: |` / `  hello` at the end). Such a file is read
// two ways: `kubectl apply -f` (and Argo CD) read files through apimachinery's YAMLReader, whose
// LineReader.Read writes '\n' after every line, the last one included (k8s.io/apimachinery
// pkg/util/yaml decoder.go): "hello\n"; kustomize and Flux (kyaml, go-yaml v3) parse the bytes:
// "hello" (libyaml keeps a block scalar's final line break only when there is one). cli27 took only
// the second for kubectl's and rewrote `|` to `|-`, which changed kubectl's reading.
// README: --fix changes no byte the user did not ask to change, so neither reading of a value the
// fix does not patch may change. Checked here for each reading (test/support/eof-readings.ts):
//  1. --write of a CR that needs a field added under the mapping the scalar ends (and so under all
//     its ancestors), for literal, folded, clip, strip, keep, an indentation indicator, CRLF;
//  2. --fix to stdout of several files: a file with no fix comes out byte for byte, with only the
//     line break kubectl's line reader gave its last line anyway before the "---".
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlRead, kyamlRead } from '../support/eof-readings.js';
import { runCli } from './support/cli.js';

const run = (args: string[], cwd: string) => runCli(args, { cwd, env: { NO_COLOR: '1' } });

const cr = (header: string, eol = '\n') =>
  [
    'apiVersion: ais.nvidia.com/v1beta1',
    'kind: AIStore',
    'metadata:',
    '  name: ais',
    '  namespace: ais',
    'spec:',
    '  disablePodAntiAffinity: true', // legacy-anti-affinity-field: --fix moves it under targetSpec
    '  nodeImage: docker.io/aistorage/aisnode:v3.30',
    '  proxySpec: {size: 1, servicePort: 51080}',
    '  targetSpec:',
    '    size: 2',
    '    servicePort: 51081',
    '    mounts: [{path: /data/aistore, size: 5Ti, storageClass: ais-local-storage}]',
    '    annotations:',
    `      note: ${header}`,
    '        hello',
    '         world', // no line break after it
  ].join(eol);

const SCRIPT_CM = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: scripts, namespace: ais}',
  'data:',
  '  run.sh: |',
  '    exec aisnode', // no line break: kubectl reads "exec aisnode\n", kustomize "exec aisnode"
].join('\n');

type Cr = { spec: Record<string, unknown> & { targetSpec: Record<string, unknown> } };

/** The reading of the CR as the fix means it: the field moved, nothing else. */
function moved(docs: unknown[]): unknown {
  const doc = structuredClone(docs[0]) as Cr;
  delete doc.spec.disablePodAntiAffinity;
  doc.spec.targetSpec.disablePodAntiAffinity = true;
  return doc;
}

describe('review cli27: --fix keeps both readings of a block scalar ending the file', () => {
  it.each([
    ['|', '\n'],
    ['|-', '\n'],
    ['|+', '\n'],
    ['>2 # folded, indicator', '\n'],
    ['|', '\r\n'],
  ])('--write, header %j, line ending %j', (header, eol) => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-cli27-'));
    const text = cr(header, eol);
    writeFileSync(join(dir, 'cr.yaml'), text);
    const r = run(['check', '--fix', '--write', 'cr.yaml'], dir);
    expect(r.stderr).toMatch(/moved to spec\.targetSpec\.disablePodAntiAffinity: true/);
    const out = readFileSync(join(dir, 'cr.yaml'), 'utf8');
    expect(kubectlRead(out)[0]).toEqual(moved(kubectlRead(text)));
    expect(kyamlRead(out)[0]).toEqual(moved(kyamlRead(text)));
    // The end of the file, from the scalar's header, byte for byte.
    expect(out.endsWith(text.slice(text.indexOf('note:')))).toBe(true);
  });

  it('to stdout, several files: a file with no fix is copied, its last line ended as kubectl read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-cli27-'));
    writeFileSync(join(dir, 'a-scripts.yaml'), SCRIPT_CM);
    writeFileSync(join(dir, 'b-cr.yaml'), cr('|'));
    const r = run(['check', '--fix', 'a-scripts.yaml', 'b-cr.yaml'], dir);
    expect(r.stdout.startsWith(`${SCRIPT_CM}\n---\n`)).toBe(true);
    const docs = kubectlRead(r.stdout);
    expect(docs[0]).toEqual(kubectlRead(SCRIPT_CM)[0]);
    expect(docs[1]).toEqual(moved(kubectlRead(cr('|'))));
    // The stream's last file ends as it did: kustomize reads its scalar as it read the file.
    expect(kyamlRead(r.stdout)[1]).toEqual(moved(kyamlRead(cr('|'))));
  });
});
