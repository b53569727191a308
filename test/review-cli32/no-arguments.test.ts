// Review cli32: `ais-guard` with no arguments printed the command list on stdout and exited 2: a
// usage error's status with no error said, and a list on stdout for what was treated as a failure.
// kubectl and helm (Cobra: a root command with nothing to run shows its help) print the help on
// stdout and exit 0, as `ais-guard help` and `--help` already did; the three now agree.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

describe('review cli32: ais-guard with no arguments', () => {
  it('prints what --help prints, on stdout, exit 0', async () => {
    const help = await cli(['--help']);
    const bare = await cli([]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toBe('');
    expect(bare.stdout).toBe(help.stdout);
    expect(bare.stdout).toMatch(/^Usage: ais-guard <command> \[options\]\n/);
  });

  it('help and -h are the same', async () => {
    const help = await cli(['--help']);
    for (const argv of [['help'], ['-h']]) {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(help.stdout);
    }
  });
});
