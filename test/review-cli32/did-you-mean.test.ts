// Review cli32: a mistyped command or flag.
// - `ais-guard chek` printed a line and then the whole command list on stderr, and `check --nodez 3`
//   named the flag but not the one meant. kubectl and helm (Cobra) answer a typo with the commands
//   within two edits, or that it begins ("Did you mean this? check"); git does the same. Here that is
//   said in the one-line usage error, exit 2 as before.
import { describe, expect, it } from '@jest/globals';
import { closest } from '../../src/cli/suggest.js';
import { cli } from '../support/cli.js';

describe('review cli32: did you mean', () => {
  it.each([
    ['chek', 'check'],
    ['Check', 'check'],
    ['cert', 'certs'],
    ['redner', 'render'],
    ['doc', 'doctor'],
    ['verison', 'version'],
  ])('unknown command %s: one line suggesting %s, exit 2', async (typed, meant) => {
    const r = await cli([typed, 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `ais-guard: unknown command "${typed}" (did you mean "${meant}"?); see "ais-guard --help"\n`,
    );
  });

  it('within two edits (any case) or a beginning; nearest first, at most three', () => {
    expect(closest('plon', ['check', 'plan', 'rules'])).toEqual(['plan']);
    expect(closest('cer', ['certs', 'check', 'serve'])).toEqual(['certs']);
    expect(closest('pln', ['check', 'plan', 'pin'])).toEqual(['plan', 'pin']);
    expect(closest('chec', ['checks', 'check'])).toEqual(['check', 'checks']);
    expect(closest('--n', ['--a', '--nodes', '--namespace', '--nodes-file', '--no'])).toEqual([
      '--no',
      '--nodes',
      '--namespace',
    ]);
    expect(closest('zzzzzz', ['check', 'plan'])).toEqual([]);
  });

  it('several: each named', async () => {
    const r = await cli(['pla']);
    expect(r.stderr).toBe(
      'ais-guard: unknown command "pla" (did you mean "plan"?); see "ais-guard --help"\n',
    );
  });

  it('nothing close: one line, no guess, still pointing at the list', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ais-guard: unknown command "frobnicate"; see "ais-guard --help"\n');
  });

  it('help of a mistyped command suggests too', async () => {
    const r = await cli(['help', 'chek']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ais-guard: unknown command "chek" (did you mean "check"?); see "ais-guard --help"\n',
    );
  });

  it('a mistyped top-level flag: --versoin', async () => {
    const r = await cli(['--versoin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ais-guard: unknown command "--versoin" (did you mean "--version"?); see "ais-guard --help"\n',
    );
  });

  it.each([
    [['check', '--nodez', '3', 'x.yaml'], 'check', "Unknown option '--nodez'", '--nodes'],
    [['check', '--strcit', 'x.yaml'], 'check', "Unknown option '--strcit'", '--strict'],
    [['audit', '--kubeconf=/x'], 'audit', "Unknown option '--kubeconf'", '--kubeconfig'],
    [['render', '--namepsace', 'x'], 'render', "Unknown option '--namepsace'", '--namespace'],
  ])('unknown flag %j: the flag meant, in the same line, exit 2', async (argv, command, reason, meant) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ais-guard ${command}: ${reason} (did you mean ${meant}?); see "ais-guard ${command} --help"\n`,
    );
  });

  it('an unknown flag with nothing close, or a short one, is worded as before', async () => {
    expect((await cli(['check', '--frobnicate', 'x.yaml'])).stderr).toBe(
      `ais-guard check: Unknown option '--frobnicate'; see "ais-guard check --help"\n`,
    );
    expect((await cli(['check', '-Z', 'x.yaml'])).stderr).toBe(
      `ais-guard check: Unknown option '-Z'; see "ais-guard check --help"\n`,
    );
  });
});
