// Review cli31: `ais-guard version` took any arguments and printed the version: `version -o json`
// (kubectl's and helm's spelling for a machine-readable version) gave text with exit 0, so a script
// piping it to jq failed there instead of at the command; `version --help` printed the version too.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { VERSION } from '../../src/cli/version.js';

describe('review cli31: version takes no arguments', () => {
  it.each([['version'], ['--version']])('%s alone prints the version, exit 0', async (word) => {
    expect(await cli([word])).toEqual({ code: 0, stdout: `ais-guard ${VERSION}\n`, stderr: '' });
  });

  it.each([[['-o', 'json']], [['--short']], [['extra']]])('version %j: one line, exit 2', async (args) => {
    const r = await cli(['version', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`ais-guard version: takes no arguments (got "${args.join(' ')}")\n`);
  });

  it.each([[['version', '--help']], [['help', 'version']]])('%j is its usage, exit 0', async (argv) => {
    const r = await cli(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Usage: ais-guard version\n\nPrints the version.\n');
  });
});
