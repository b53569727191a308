// Sizes in a CR's configToUpdate were read with patterns that split a long run of digits every
// way before failing: time quadratic in the text's length (an outside review: 100 KB in
// log.max_total held the webhook 18 s, every other review waiting; 200,000 characters, minutes).
// The built CLI runs in a child process here, stopped after a minute: a regex that backtracks
// blocks its thread, so jest's own timeout never fires. Linear, the check takes well under a second.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv } from './support/cli.js';

const RUN = 200_000;
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
    const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-size-text-')), 'cr.yaml');
    writeFileSync(file, cr);
    const r = spawnSync(process.execPath, [BIN, 'check', '--nodes', '3', file], {
      encoding: 'utf8',
      env: childEnv(),
      timeout: 60_000,
    });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    for (const field of ['log.max_total', 'log.max_size', 'memsys.min_free'])
      expect(r.stdout).toMatch(
        new RegExp(
          `operator-refuses-spec .*spec\\.configToUpdate\\.${field.replace('.', '\\.')} .*is no IEC size`,
        ),
      );
  });
});
