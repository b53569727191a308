// review cli27: `check --fix` and a block scalar (`|`, `|+`) that ends the file with no line break.
// kubectl's go-yaml v2 (a port of libyaml, yaml_parser_scan_block_scalar) keeps a block scalar's final
// line break only when there is one: `note: |\n  hello` at the end of the file is "hello" (checked with
// gopkg.in/yaml.v2 v2.4.0: yaml.Unmarshal("a: |\n  echo hi") gives "echo hi", "a: |\n  echo hi\n---\n"
// gives "echo hi\n"; PyYAML, the other libyaml port, says the same). README "`--fix` edits the text of
// the nodes a patch changes and nothing else: every other byte of the file ... stays as it was".
//
// 1. A CR whose last line is such a scalar (an annotation under targetSpec) and that needs a fix:
//    --fix appends `disablePodAntiAffinity: true` after it, so a line break now ends the scalar and
//    kubectl reads the annotation as "hello\n": a value the user did not ask to change is changed.
//    The read-back check (yaml-edit / fix.ts) does not see it, as the yaml library reads the original
//    as "hello\n" too.
// 2. Several files to stdout (one YAML stream): a file that needs no fix and ends with such a scalar
//    is followed by "\n---\n", which gives its ConfigMap script a line break it does not have.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin/ais-guard.js');
const run = (args: string[], cwd: string) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
  });

const CR_NEEDS_FIX = [
  'apiVersion: ais.nvidia.com/v1beta1',
  'kind: AIStore',
  'metadata:',
  '  name: ais',
  '  namespace: ais',
  'spec:',
  '  disablePodAntiAffinity: true',
  '  nodeImage: docker.io/aistorage/aisnode:v3.30',
  '  proxySpec: {size: 1, servicePort: 51080}',
  '  targetSpec:',
  '    size: 2',
  '    servicePort: 51081',
  '    mounts: [{path: /data/aistore, size: 5Ti, storageClass: ais-local-storage}]',
  '    annotations:',
  '      note: |',
  '        hello', // no line break: kubectl reads "hello"
].join('\n');

const SCRIPT_CM = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: scripts, namespace: ais}',
  'data:',
  '  run.sh: |',
  '    exec aisnode', // no line break: kubectl reads "exec aisnode"
].join('\n');

describe('review cli27: --fix and a block scalar that ends the file without a line break', () => {
  it('--write keeps the annotation kubectl reads as "hello" (no line break added to its scalar)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-cli27-'));
    writeFileSync(join(dir, 'cr.yaml'), CR_NEEDS_FIX);
    const r = run(['check', '--fix', '--write', 'cr.yaml'], dir);
    expect(r.stderr).toMatch(/moved to spec\.targetSpec\.disablePodAntiAffinity: true/);
    const out = readFileSync(join(dir, 'cr.yaml'), 'utf8');
    expect(out).toMatch(/disablePodAntiAffinity: true/);
    // The `|` scalar "hello" must not be followed by a line break and more content (that makes it
    // "hello\n" to go-yaml); `|-`, or the new key written before `annotations`, would keep it.
    expect(out).not.toMatch(/note: \|\n {8}hello\n/);
  });

  it('to stdout, several files: a file with no fix keeps its last scalar ("exec aisnode")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-cli27-'));
    writeFileSync(join(dir, 'a-scripts.yaml'), SCRIPT_CM);
    writeFileSync(join(dir, 'b-cr.yaml'), CR_NEEDS_FIX + '\n');
    const r = run(['check', '--fix', 'a-scripts.yaml', 'b-cr.yaml'], dir);
    expect(r.stdout).toContain('disablePodAntiAffinity: true');
    // The stream puts "\n---\n" after "    exec aisnode": the script becomes "exec aisnode\n".
    expect(r.stdout).not.toMatch(/run\.sh: \|\n {4}exec aisnode\n/);
  });
});
