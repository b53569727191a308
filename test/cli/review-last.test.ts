// Review "last" (outside review of 46ca23e: render() quoting, jsonStreamAsDocuments, the second
// read in writeFixes). Failing tests reproduce what broke; the bar is what kubectl reads (go-yaml v2
// via sigs.k8s.io/yaml, apimachinery util/yaml YAMLOrJSONDecoder), checked with a Go build of it.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  constants,
  cpSync,
  mkdtempSync,
  openSync,
  closeSync,
  lstatSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInput } from '../../src/cli/load.js';
import { joinSources } from '../../src/cli/fix.js';
import { writeFixes } from '../../src/cli/write.js';
import { applyOperation } from '../../src/cli/yaml-edit.js';
import { stageFile } from '../../src/tls/atomic.js';
import { fixture } from '../support/fixtures.js';
import { twoFixedFiles } from '../support/staged-fixes.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-last-'));

describe('render(): keys the patch brings in, as go-yaml v2 reads them', () => {
  it('a map key 0o17 inserted in block style is quoted (go-yaml v2 reads plain 0o17 as the int 15)', () => {
    // go.yaml.in/yaml/v2 resolve.go resolve(): strconv.ParseInt(plain, 0, 64) takes 0o17 (and 0O7,
    // -0o1) as ints; sigs.k8s.io/yaml then makes the key the string "15". The visitor in render()
    // quotes values only (key !== 'key'), and the yaml library's YAML 1.1 has no 0o, so the key goes
    // in plain. Read with kubectl's decoder: {"a":1,"k":{"15":"v"}}. 0o17 is a valid label key.
    // (In a flow map the same key is quoted: flowText renders the key as a value.)
    const out = applyOperation('a: 1\n', [], { op: 'add', path: '/k', value: { '0o17': 'v' } });
    expect(out).toMatch(/^ {2}(["'])0o17\1: v$/m);
    const replaced = applyOperation('a:\n  x: 1\n', [], { op: 'replace', path: '/a', value: { '0O7': 'v' } });
    expect(replaced).toMatch(/^ {2}(["'])0O7\1: v$/m);
  });
});

// Not taken (closing note): a "<<" key is written plain by the yaml library whatever its node type
// says, and go-yaml v2 takes it for a merge key; no patch of the guard's has such a key (a label or
// annotation key, or a field name, is never "<<").

describe('--fix to stdout: a JSON stream joined as YAML documents', () => {
  const cm = (n: number, value: string) =>
    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c${n}"},"data":{"k":"${value}"}}`;
  const joined = (json: string) => {
    const dir = tmp();
    const errors: never[] = [];
    const a = parseInput({ file: join(dir, 'a.json'), bytes: Buffer.from(json) }, errors).source;
    const b = parseInput({ file: join(dir, 'b.yaml'), bytes: readFileSync(fixture('05')) }, errors).source;
    return joinSources([a, b], []).toString('utf8');
  };

  it('JSON escapes go-yaml v2 rejects (a surrogate pair, "\\/") stay out of the YAML documents', () => {
    // jsonStreamAsDocuments puts a "---" before the second object, so kubectl's decoder reads it with
    // go-yaml v2 (YAMLOrJSONDecoder switches to YAML after one JSON object). go.yaml.in/yaml/v2
    // scannerc.go yaml_parser_scan_flow_scalar: "\ud83d" is "found invalid Unicode character escape
    // code", "\/" is "found unknown escape character": the whole `kubectl apply -f -` fails,
    // though a.json alone (a JSON stream, read by encoding/json) is read fine. Python's json.dumps
    // writes every non-BMP character as such a pair by default.
    const json = `${cm(1, 'a')}\n${cm(2, '\\ud83d\\ude00')}\n${cm(3, 'http:\\/\\/x')}\n`;
    const out = joined(json);
    const yamlPart = out.slice(cm(1, 'a').length); // what go-yaml reads
    expect(yamlPart).toContain('c2');
    expect(yamlPart).not.toMatch(/\\ud[89ab][0-9a-f]{2}/i);
    expect(yamlPart).not.toContain('\\/');
  });

  it('a raw U+0085 inside a JSON string stays out of the YAML documents (go-yaml v2 folds it into a space)', () => {
    // go.yaml.in/yaml/v2 yamlprivateh.go is_break(): NEL is a line break, so in a double-quoted
    // scalar it folds: kubectl reads data.k of c2 as "x y" (checked), encoding/json as "x\u0085y".
    const json = `${cm(1, 'a')}\n${cm(2, 'x\u0085y')}\n`;
    const yamlPart = joined(json).slice(cm(1, 'a').length);
    expect(yamlPart).toContain('c2');
    expect(yamlPart).not.toMatch(/\u0085/);
  });
});

describe('--fix --write: the second read, right before the first rename', () => {
  const setup = twoFixedFiles;

  it('a file made read-only while the files are staged is not written (nor made writable)', async () => {
    // prepare() refuses a file whose mode has no write bit ("the owner's word, even for root"); the
    // new check compares the bytes only, and the rename puts the staged copy with the old mode 0644.
    const { dir, fixes } = setup();
    let calls = 0;
    const result = await writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
      if (++calls === 2) chmodSync(join(dir, 'a.yaml'), 0o444);
      return stageFile(path, data, options);
    });
    expect(result.errors.map((e) => e.file)).toContain(join(dir, 'a.yaml'));
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).not.toBe('fixed\n');
    expect(statSync(join(dir, 'a.yaml')).mode & 0o777).toBe(0o444);
  });

  it('a file replaced by a symbolic link (same bytes) while staged is not written over the link', async () => {
    // The new check reads through the link (readFile follows it) and sees the same bytes; the rename
    // then replaces the user's link with a regular file. prepare() refuses a symlinked path without
    // --follow-symlinks.
    const { dir, fixes } = setup();
    let calls = 0;
    const result = await writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
      if (++calls === 2) {
        const a = join(dir, 'a.yaml');
        cpSync(a, join(dir, 'real-a.yaml'));
        rmSync(a);
        symlinkSync(join(dir, 'real-a.yaml'), a);
      }
      return stageFile(path, data, options);
    });
    expect(lstatSync(join(dir, 'a.yaml')).isSymbolicLink()).toBe(true);
    expect(result.errors.map((e) => e.file)).toContain(join(dir, 'a.yaml'));
  });

  it('a file replaced by a named pipe while staged: refused, not a hang', async () => {
    // prepare() stats before it reads (a pipe: not written); the second read is a bare readFile,
    // which blocks on a FIFO until some process opens it for writing: `check --fix --write` hangs.
    const { dir, fixes } = setup();
    const a = join(dir, 'a.yaml');
    let calls = 0;
    const run = writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
      if (++calls === 2) {
        rmSync(a);
        execFileSync('mkfifo', [a]);
      }
      return stageFile(path, data, options);
    });
    // The hang is a reader of the FIFO: a non-blocking open for writing succeeds only once one has
    // it open (ENXIO before), and the writer's close then ends the blocked read. Not a clock: a
    // 3 s race would call a run a busy machine made slow a hang.
    let ended = false;
    const finished = run.then(() => ((ended = true), 'done'));
    const readerSeen = (async () => {
      while (!ended) {
        try {
          if (lstatSync(a).isFIFO()) {
            closeSync(openSync(a, constants.O_WRONLY | constants.O_NONBLOCK));
            return 'hung';
          }
        } catch {
          // not a FIFO yet, or no reader: ENOENT, ENXIO
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return 'done';
    })();
    const outcome = await Promise.race([finished, readerSeen]);
    await run;
    expect(outcome).toBe('done');
  });
});

describe('reading a file that starts with one JSON object, then YAML documents', () => {
  // apimachinery YAMLOrJSONDecoder: after one JSON object a "---" makes it read the rest as YAML
  // (what --fix prints for a joined JSON stream). Read as a JSON stream, the rest was one broken value.
  it('every object is read, as kubectl reads them', () => {
    const cm = (n: number) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c${n}"}}`;
    const text = `${cm(1)}\n---\n${cm(2)}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c3\n`;
    const errors: unknown[] = [];
    const { manifests } = parseInput(
      { file: 'f.yaml', argument: 0, bytes: Buffer.from(text) },
      errors as never,
    );
    expect(errors).toEqual([]);
    expect(manifests.map((m) => m.object.metadata?.name)).toEqual(['c1', 'c2', 'c3']);
  });
});
