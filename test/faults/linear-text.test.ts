// Text read with patterns that tried a long run of characters every way before failing: time
// quadratic in its length (an outside review). Sizes in a CR's configToUpdate: 100 KB in
// log.max_total held the webhook 18 s, every other review waiting; 200,000 characters, minutes. A
// disk path of 200,000 slashes in plan's disk map: 30 s. The built CLI runs in a child process
// here, stopped after a minute: a regex that backtracks blocks its thread, so jest's own timeout
// never fires. Linear, each answers in about a second.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPEATED_KEY } from '../../src/k8s/yaml.js';
import { BIN, childEnv } from './support/cli.js';

const RUN = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'ais-guard-linear-text-'));
/** `ais-guard ARGS` in a child stopped after a minute. */
const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: childEnv(), timeout: 60_000 });
const SIZES = {
  log: { max_total: `${'1'.repeat(RUN)}.x`, max_size: `0x${'1'.repeat(RUN)}.` },
  memsys: { min_free: `${'0'.repeat(RUN)}x` },
};

describe('check on a CR with 200,000-character sizes', () => {
  it('answers at once, each size refused as the operator would', () => {
    const cr = readFileSync('examples/multi-target/01-aistore.yaml', 'utf8').replace(
      'spec:\n',
      `spec:\n  configToUpdate: ${JSON.stringify(SIZES)}\n`,
    );
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, cr);
    const r = run(['check', '--nodes', '3', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    for (const field of ['log.max_total', 'log.max_size', 'memsys.min_free'])
      expect(r.stdout).toMatch(
        new RegExp(
          `operator-refuses-spec .*spec\\.configToUpdate\\.${field.replace('.', '\\.')} .*is no IEC size`,
        ),
      );
  });
});

describe('plan --disks with a path of 400,000 slashes and an "x/"', () => {
  it('answers at once with the one-line error its trailing slash gets', () => {
    const disks = join(dir, 'disks.yaml');
    writeFileSync(disks, `node-1:\n  - {path: "${'/'.repeat(2 * RUN)}x/", size: 5Ti}\n`);
    const r = run(['plan', '--disks', disks, 'examples/multi-target/01-aistore.yaml']);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    expect(r.stderr).toMatch(/ends in "\/": write the mount point without it, e\.g\. \/+x\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});

// The yaml library checks each key of a mapping against every key before it: a JSON object of
// 50,000 keys with one set twice took 27 s, 100,000 keys 127 s (an outside review), since a
// repeated key sent the JSON value to the YAML reader to be named. json-text.ts names it itself.
describe('check on a JSON object of 200,000 keys, one set twice', () => {
  it('answers at once: the key set again, at its line', () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < RUN; i++) data[`k${i}`] = 'v';
    const text = JSON.stringify(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data },
      null,
      1,
    ).replace('"k0": "v"', '"k0": "v",\n  "k0": "w"');
    const file = join(dir, 'repeated.json');
    writeFileSync(file, text);
    const r = run(['check', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    const line = text.split('\n').indexOf('  "k0": "w",') + 1;
    expect(r.stdout).toContain(`repeated.json:${line}: error: ${REPEATED_KEY}\n`);
  });
});

// The same check in the YAML reader itself, for every mapping: a ConfigMap of 50,000 keys, none
// repeated, took over 20 s. KUBE_YAML turns it off; goYamlErrors finds repeats in one pass.
describe('check on a YAML ConfigMap of 200,000 keys', () => {
  const lines = Array.from({ length: RUN }, (_, i) => `  k${i}: v\n`).join('');
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n${lines}`;

  it('answers at once', () => {
    const file = join(dir, 'keys.yaml');
    writeFileSync(file, text);
    const r = run(['check', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    expect(r.stdout).toContain('1 object(s) checked');
  });

  it('and names a key set again, at its line', () => {
    const file = join(dir, 'keys-repeated.yaml');
    writeFileSync(file, text.replace('  k7: v\n', '  k7: v\n  k7: w\n'));
    const r = run(['check', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    expect(r.stdout).toContain(`keys-repeated.yaml:14: error: ${REPEATED_KEY}\n`);
  });

  it('and a mapping of 200,000 repeats of one key: the first, at its line', () => {
    const file = join(dir, 'one-key.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n${'  k: v\n'.repeat(RUN)}`,
    );
    const r = run(['check', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    expect(r.stdout).toContain(`one-key.yaml:7: error: ${REPEATED_KEY}\n`);
  });
});

// The yaml library's toJS finds each alias's anchor by scanning every anchor and alias before it:
// 40,000 aliases of one anchor (200 KB) took 10 s, 200,000 (1 MB) minutes. go-yaml reads them (its
// alias budget counts nodes, and these are one each). documentValue swaps each alias for its node.
describe('check on a YAML document of 200,000 aliases', () => {
  it('answers at once, the object read', () => {
    const file = join(dir, 'aliases.yaml');
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  base: &a v\nrefs:\n';
    writeFileSync(file, head + '- *a\n'.repeat(RUN));
    const r = run(['check', '-o', 'json', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    expect(JSON.parse(r.stdout).summary).toMatchObject({ documents: 1, errors: 0 });
  });
});
