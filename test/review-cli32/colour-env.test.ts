// Review cli32: when to colour, as the conventions users set their environment by read it.
// - TERM=dumb (Emacs shell buffers, some CI runners, `script` logs) got ESC codes: Node's own
//   tty.getColorDepth(), chalk and most CLIs treat a dumb terminal as one without colour.
// - FORCE_COLOR was ignored: chalk and Node (util.inspect, console, tty.getColorDepth) colour with it
//   set to "", 1, 2, 3 or true even into a pipe (CI logs that render ANSI, `| less -R`), and never
//   with 0 or false, even on a terminal. It overrides TERM=dumb, but not NO_COLOR: runners set
//   FORCE_COLOR=1 for their children on their own (jest-worker does), and NO_COLOR is the user's
//   standing "never" (Node lets FORCE_COLOR win there, with a warning).
import { afterEach, describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { wantsColour } from '../../src/cli/colour.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const tty = () => Object.assign(new PassThrough(), { isTTY: true });
const pipe = () => new PassThrough();

describe('review cli32: colour from the environment', () => {
  it('TERM=dumb: no colour on a terminal', () => {
    expect(wantsColour(tty(), { TERM: 'dumb' })).toBe(false);
    expect(wantsColour(tty(), { TERM: 'xterm-256color' })).toBe(true);
  });

  it.each(['', '1', '2', '3', 'true'])('FORCE_COLOR=%j: colour even into a pipe', (value) => {
    expect(wantsColour(pipe(), { FORCE_COLOR: value })).toBe(true);
    expect(wantsColour(tty(), { FORCE_COLOR: value, TERM: 'dumb' })).toBe(true);
    expect(wantsColour(pipe(), { FORCE_COLOR: value, NO_COLOR: '1' })).toBe(false);
    expect(wantsColour(pipe(), { FORCE_COLOR: value, NO_COLOR: '' })).toBe(true);
  });

  it.each(['0', 'false'])('FORCE_COLOR=%s: none, even on a terminal', (value) => {
    expect(wantsColour(tty(), { FORCE_COLOR: value })).toBe(false);
    expect(wantsColour(pipe(), { FORCE_COLOR: value })).toBe(false);
  });

  it('NO_COLOR and a pipe still turn it off without FORCE_COLOR', () => {
    expect(wantsColour(tty(), { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour(pipe(), {})).toBe(false);
  });

  describe('check, end to end', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of ['FORCE_COLOR', 'NO_COLOR', 'TERM'])
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
    });

    it('FORCE_COLOR=1 colours the text report written to a pipe; -o json never', async () => {
      delete process.env.NO_COLOR;
      process.env.FORCE_COLOR = '1';
      const text = await cli(['check', fixture('02')]);
      expect(text.stdout).toContain('\x1b[31mDENY ');
      const json = await cli(['check', '-o', 'json', fixture('02')]);
      expect(json.stdout).not.toContain('\x1b[');
    });
  });
});
