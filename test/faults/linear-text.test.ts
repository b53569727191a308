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
