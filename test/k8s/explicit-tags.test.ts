// Scalars under an explicit core tag, read as kubectl reads them. go-yaml v2 (resolve.go resolve with a
// tag) reads the text as if untagged, quoted or not, and refuses it unless that is the tag's type (a
// float tag takes an int that fits int64); a timestamp stays its text. The yaml library read
// `!!int 51_081` and `!!int 0x1F` as 0 or 1 and `!!int 0644` as no number: `hostPort: !!int 51_081`
// on a target pod, which kubectl applies as 51081, passed `check`. Each row's kubectl reading was taken
// from sigs.k8s.io/yaml v1.6.0 (test/yaml-oracle holds the same in CI, on these forms and more).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

/** check's reading of `v: <text>`: the value, or its error. */
function read(text: string): unknown {
  const errors: LoadError[] = [];
  const { manifests } = parseSource('a.yaml', `apiVersion: v1\nkind: X\nv: ${text}\n`, errors);
  return errors[0] ? { error: errors[0].message } : manifests[0]?.object.v;
}
const refused = (message: string) => ({ error: `${message} (kubectl refuses it)` });

describe('an explicit core tag reads as go-yaml v2 reads it', () => {
  it.each<[string, unknown]>([
    ['!!int 51_081', 51081],
    ['!!int 0xC7F9', 51193],
    ['!!int 0644', 420],
    ['!!int 0o17', 15],
    ['!!int "8080"', 8080],
    ['!!int 9223372036854775808', 9223372036854775808],
    ['!!float 0x1F', 31],
    ['!!float 1', 1],
    ['!!float .5', 0.5],
    ['!!bool "yes"', true],
    ['!!bool off', false],
    ['!!null ~', null],
    ['!!null ""', null],
    ['!!str 0644', '0644'],
    ['!!timestamp 2001-12-14', '2001-12-14'],
    ['!!timestamp 2000-2-29', '2000-2-29'],
    ['!!timestamp 2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ['!!timestamp 2001-12-14 21:59:43,5', '2001-12-14 21:59:43,5'],
    ['!!timestamp "2001-12-14   1:2:3"', '2001-12-14   1:2:3'],
    ['!!timestamp 2001-12-14T21:59:43+24:60', '2001-12-14T21:59:43+24:60'],
  ])('%s is %j', (text, value) => {
    expect(read(text)).toEqual(value);
  });

  it.each<[string, string]>([
    ['!!int 1.5', 'cannot decode !!float `1.5` as a !!int'],
    ['!!int yes', 'cannot decode !!bool `yes` as a !!int'],
    ['!!int 1e400', 'cannot decode !!str `1e400` as a !!int'],
    ['!!float 9223372036854775808', 'cannot decode !!int `9223372036854775808` as a !!float'],
    ['!!bool a', 'cannot decode !!str `a` as a !!bool'],
    ['!!bool 1', 'cannot decode !!int `1` as a !!bool'],
    ['!!null 0', 'cannot decode !!int `0` as a !!null'],
    ['!!timestamp a', 'cannot decode `a` as a !!timestamp'],
    ['!!timestamp 2001-2-29', 'cannot decode `2001-2-29` as a !!timestamp'],
    ['!!timestamp 2001-12-14T25:00:00Z', 'cannot decode `2001-12-14T25:00:00Z` as a !!timestamp'],
    ['!!timestamp 2001-12-14T21:59:43', 'cannot decode `2001-12-14T21:59:43` as a !!timestamp'],
    ['!!timestamp 2001-12-14T21:59:43+25:00', 'cannot decode `2001-12-14T21:59:43+25:00` as a !!timestamp'],
    // The text quoted on one line: the message is one line.
    ['!!int |-\n  51081\n  2', 'cannot decode !!str `51081\\n2` as a !!int'],
  ])('%s is refused: %s', (text, message) => {
    expect(read(text)).toEqual(refused(message));
  });

  it('a float tag spelling .inf with escapes is still refused: JSON has no Infinity', () => {
    expect(read('!!float "\\x2einf"')).toEqual({
      error:
        '.inf is Infinity, which JSON cannot hold: kubectl refuses the file; quote it if a string is meant',
    });
  });

  it('a .inf that a merge brings in under a key set again is not applied; a .nan after it is, at its line', () => {
    const errors: LoadError[] = [];
    const text = 'apiVersion: v1\nkind: X\nd:\n  <<: {x: .inf}\n  x: 2\ne: .nan\n';
    parseSource('a.yaml', text, errors);
    expect(errors).toEqual([
      {
        file: 'a.yaml',
        line: 6,
        message:
          '.nan is NaN, which JSON cannot hold: kubectl refuses the file; quote it if a string is meant',
      },
    ]);
    expect(read('{<<: {x: .inf}, x: 2}')).toEqual({ x: 2 });
  });

  it('300,000 hex digits under !!int: refused at once, not parsed digit by digit (was 49 s)', () => {
    expect(read(`!!int 0x${'f'.repeat(300_000)}`)).toEqual(
      refused(`cannot decode !!str \`0x${'f'.repeat(38)}…\` as a !!int`),
    );
  }, 5_000); // jest's default; the old parse took most of a minute

  it('a target pod with `hostPort: !!int 51_081` is denied, as kubectl applies hostPort 51081', async () => {
    const text = readFileSync(fixture('09'), 'utf8').replace(
      '          containerPort: 51081\n',
      '          containerPort: 51081\n          hostPort: !!int 51_081\n',
    );
    expect(text).toContain('hostPort: !!int 51_081');
    const r = await cli(['check', '-'], text);
    expect(r.stdout).toContain(
      'DENY  target-host-port (line 41): container "ais-node" of the target pod asks for hostPort 51081/TCP',
    );
    expect(r.code).toBe(1);
  });
});
