// Review fresh29: the command list and `help COMMAND`.
// - `ais-guard help check` printed the command list, not check's options: `git help commit`,
//   `helm help install`, `kubectl help apply` and `npm help install` all give the command's own help,
//   and a user who types it gets a list that says "Run ais-guard <command> --help" instead.
// - The command list said only `--vap` for render, while README's table has `render --map` beside it.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

describe('review fresh29: ais-guard help COMMAND', () => {
  it.each([['check'], ['render'], ['plan'], ['completion']])(
    "help %s prints what the command's own --help prints, exit 0",
    async (command) => {
      const own = await cli([command, '--help']);
      const viaHelp = await cli(['help', command]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(own.stdout);
    },
  );

  it('help of an unknown command: one line naming it (and the one meant: review cli32), exit 2', async () => {
    const r = await cli(['help', 'chek']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^ais-guard: unknown command "chek"/);
  });

  it('help alone is still the command list', async () => {
    const r = await cli(['help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Commands:');
  });

  it('the command list names render --map as README does', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('--map');
  });
});
