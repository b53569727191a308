// Review doctor33: a short flag's value given as -o=json, as kubectl (pflag) takes it.
// DEFECT: `kubectl ais-guard check -o=s<TAB>` completes to -o=sarif (the kubectl completion answers
// the values after "-o=", test/review-cli31; bash does the same for `-o=<TAB>`), and every command
// then refused the line: Node's parseArgs reads -o=json as the value "=json" ('unknown output
// "=json"'). A kubectl user's -n=ns and -o=json habits failed the same way.
// EXPECTED: -X=value is -X value for a short option that takes a value, before "--"; a flag that
// takes no value and everything after "--" are left as they are.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

describe('-o=json is -o json', () => {
  it.each([
    [
      ['rules', '-o=json'],
      ['rules', '-o', 'json'],
    ],
    [
      ['rules', 'explain', 'pvc-name', '-o=json'],
      ['rules', 'explain', 'pvc-name', '-o', 'json'],
    ],
    [
      ['check', '-o=json', fixture('01')],
      ['check', '-o', 'json', fixture('01')],
    ],
    [
      ['check', '-o=sarif', '-f=' + fixture('02')],
      ['check', '-o', 'sarif', '-f', fixture('02')],
    ],
  ])('%j', async (withEquals, spaced) => {
    const a = await cli(withEquals);
    const b = await cli(spaced);
    expect(a.stderr).toBe(b.stderr);
    expect(a.stdout).toBe(b.stdout);
    expect(a.code).toBe(b.code);
  });

  it('a wrong value is named without the "="', async () => {
    const r = await cli(['doctor', '-o=yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown output format "yaml"/);
  });

  it('after "--" the word is a path, as before', async () => {
    const r = await cli(['check', '--', '-o=json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^-o=json: error: no such file/m);
  });
});
