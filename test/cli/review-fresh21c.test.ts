// Review "fresh21c": the CLI input fixes of 2026-12-02 (67f91c6: Go-prefixed ints, %-directives,
// '...' documents, UTF-16, MAX_ALIAS_COUNT 100 -> 10,000, hidden-file notes) judged against what
// kubectl v1.32 really does. "kubectl refuses" below was checked on this machine with
// `kubectl label --local -o json x=y -f FILE` (sigs.k8s.io/yaml -> go-yaml v2 decode.go).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-fresh21c-'));

describe('an alias expansion kubectl refuses as "excessive aliasing"', () => {
  // 67f91c6 raised MAX_ALIAS_COUNT (src/k8s/yaml.ts) from 100 to 10,000 so a PV List that repeats a
  // small anchor 119 times is read, as kubectl reads it. But the yaml library's count (Alias.toJS,
  // getAliasCount) counts alias USES, never the size of what each use repeats, while go-yaml v2
  // (decode.go (*decoder).unmarshal, the CVE-2019-11254 guard) counts decoded NODES: every node
  // decoded under an alias adds to aliasCount, and once there are more than 400,000 decode steps the
  // allowed alias share falls from 99% to 10% (allowedAliasRatio). So an anchor of 1,000 scalars
  // used 500 times (500 alias uses: under 10,000, over the old 100) is ~500,000 nodes, ~99.8% of them
  // from aliases: kubectl refuses the file ("error converting YAML to JSON: yaml: document contains
  // excessive aliasing"), and so did check before today (exit 2, "Excessive alias count"). Now
  // check passes it (exit 0, "1 object(s) checked: 0 denied"): the CI gate is green on a file the
  // apply then refuses. Nesting multiplies it at no cost in the count: 1,000 scalars x 100 x 90
  // (9,000 < 10,000; 3.9 KB of YAML) is 9 million nodes; `check --fix` deep-copies them
  // (fix.ts unshared(doc.toJS())) and takes seconds; with 20,000 scalars (42 KB) it took 95 s and
  // 3 GB here, and a little more is an out-of-memory crash -- against README's "Hostile input is
  // bounded and reported, never a hang or a crash". Expected: refuse what go-yaml v2 refuses (count
  // decoded nodes and apply its ratio: 100 alias nodes, 99% up to 400,000 steps, falling to 10% at
  // 4,000,000), an input error at the document as for any alias bomb, exit 2; the 119-use PV List of
  // review-gitops (~240 alias nodes of ~4,000) stays readable.
  const bomb = (anchorSize: number, levels: number[], cr: string) => {
    let defs = `x-a0: &a0 [${Array(anchorSize).fill('x').join(',')}]\n`;
    levels.slice(0, -1).forEach((n, i) => {
      defs += `x-a${i + 1}: &a${i + 1} [${Array(n).fill(`*a${i}`).join(',')}]\n`;
    });
    const last = levels.length - 1;
    const use = `  bomb: [${Array(levels[last]).fill(`*a${last}`).join(',')}]\n`;
    // A multi-target CR (fixture 01: allowed; 03: --fix moves its legacy field) with the expansion in
    // an unknown field of spec.
    return readFileSync(fixture(cr), 'utf8').replace(/^spec:\n/m, `${defs}spec:\n${use}`);
  };

  it.each([
    ['one anchor of 1,000 scalars used 500 times (~500,000 nodes)', 1000, [500], '01', []],
    ['1,000 scalars x 100 x 90 (9 million nodes, 3.9 KB), with --fix', 1000, [100, 90], '03', ['--fix']],
  ])(
    '%s: kubectl refuses it; check must not pass it',
    async (_name, anchorSize, levels, cr, flags) => {
      const dir = tmp();
      const file = join(dir, 'ais.yaml');
      writeFileSync(file, bomb(anchorSize, levels, cr));
      const r = await cli(['check', ...flags, file]);
      // Today: exit 0, "1 object(s) checked: 0 denied, ..." (the --fix case prints the fixed stream).
      expect(r.stdout + r.stderr).toMatch(/ais\.yaml:\d+: error: .*alias/i);
      expect(r.code).toBe(2);
    },
    60_000,
  );
});

describe('a UTF-16 file and --fix', () => {
  it('LOW: check --fix names the encoding it will not rewrite, not "not valid UTF-8"', async () => {
    // 67f91c6 decodes a BOM-marked UTF-16 file (load.ts decode) and judges it as kubectl does, and
    // --fix rightly never rewrites it. But the reason given is the one for a broken file:
    // "a.yaml: error: not valid UTF-8: --fix will not rewrite it (its other bytes would change)",
    // counted as an input error (exit 2), while plain `check` of the same file reads it fine (exit 0).
    // A Windows user (PowerShell 5.1's `helm template ... > out.yaml`) is told the file is corrupt,
    // not what to do. Expected: the message says the file is UTF-16 and that --fix only rewrites
    // UTF-8 (re-save it as UTF-8 to have it fixed).
    const dir = tmp();
    const file = join(dir, 'a.yaml');
    const text = readFileSync(fixture('03'), 'utf8'); // a CR --fix would change
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const plain = await cli(['check', file]);
    expect(plain.code).toBe(0);
    const r = await cli(['check', '--fix', '--write', file]);
    expect(readFileSync(file)).toEqual(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(r.stdout + r.stderr).not.toMatch(/not valid UTF-8/);
    expect(r.stdout + r.stderr).toMatch(/UTF-16/);
  });
});
