// A number past a 64-bit float's range is refused as .inf and .nan are, never judged as Infinity.
// `size: !!float 1e400` was read as Infinity by the yaml library's float tag and judged ("spec.targetSpec.size
// Infinity is no int32", exit 0), while kubectl applies nothing of the file: go-yaml v2's strconv.ParseFloat
// returns ErrRange for 1e400, so resolve() takes the text for a string and then refuses the tag ("cannot
// decode !!str `1e400` as a !!float"); check now says just that (yaml.ts GO_EXPLICIT). Plain, with no tag, go-yaml reads 1e400 as the string "1e400",
// and so does check (goYamlNumber): that one is no input error. Flag files (readYamlValue, YAML 1.2) read
// a plain 1e400 as Infinity, which no setting takes: refused at its line too.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readYamlValue } from '../../src/k8s/yaml.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

/** The fixture CR with `size: <value>` for its target size, and that line. */
function crWithSize(value: string): { file: string; line: number } {
  const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-overflow-')), 'ais.yaml');
  const text = readFileSync(fixture('01'), 'utf8');
  const at = text.indexOf('    size: 2');
  expect(at).toBeGreaterThan(0);
  writeFileSync(file, `${text.slice(0, at)}    size: ${value}${text.slice(at + '    size: 2'.length)}`);
  return { file, line: text.slice(0, at).split('\n').length };
}

describe('check: a number kubectl cannot turn into JSON is an input error at its line', () => {
  it.each([
    ['!!float .inf', '.inf is Infinity'],
    ['.inf', '.inf is Infinity'],
    ['-.Inf', '-.Inf is -Infinity'],
    ['.nan', '.nan is NaN'],
  ])('size: %s', async (value, said) => {
    const { file, line } = crWithSize(value);
    const r = await cli(['check', '--nodes', '3', file]);
    expect(r.stdout).toContain(`ais.yaml:${line}: error: ${said}`);
    expect(r.stdout).toContain('which JSON cannot hold: kubectl refuses the file');
    expect(r.stdout).not.toContain('no int32');
    expect(r.code).toBe(2);
  });

  // Under a tag, go-yaml's own refusal (resolve.go): the text is no number to it, so no float or int.
  it.each([
    ['!!float 1e400', 'cannot decode !!str `1e400` as a !!float'],
    ['!!float -1e400', 'cannot decode !!str `-1e400` as a !!float'],
    ['!!float 1.5e309', 'cannot decode !!str `1.5e309` as a !!float'],
    ['!!int 1e400', 'cannot decode !!str `1e400` as a !!int'],
  ])('size: %s', async (value, said) => {
    const { file, line } = crWithSize(value);
    const r = await cli(['check', '--nodes', '3', file]);
    expect(r.stdout).toContain(`ais.yaml:${line}: error: ${said} (kubectl refuses it)`);
    expect(r.stdout).not.toContain('Infinity');
    expect(r.stdout).not.toContain('no int32');
    expect(r.code).toBe(2);
  });

  // go-yaml reads these as strings, as check does: no input error, and never Infinity.
  it.each(['1e400', '-1e400'])('plain size: %s is the string kubectl sends, not Infinity', async (value) => {
    const { file } = crWithSize(value);
    const r = await cli(['check', '--nodes', '3', file]);
    expect(r.stdout).not.toContain('Infinity');
    expect(r.stdout).not.toContain('error:');
    expect(r.code).not.toBe(2);
  });

  it('a large number in range is still judged', async () => {
    const { file } = crWithSize('!!float 1e308');
    const r = await cli(['check', '--nodes', '3', file]);
    expect(r.stdout).toContain('spec.targetSpec.size 1e+308 is no int32');
  });
});

describe('readYamlValue (plan --disks, serve --config): a non-finite number is refused at its line', () => {
  const disks = (size: string) =>
    `storage-node-01:\n  - {path: /mnt/a, size: ${size}}\n  - {path: /mnt/b, size: 5Ti}\n`;

  it.each([
    ['1e400', '1e400 is Infinity'],
    ['-1e400', '-1e400 is -Infinity'],
    ['!!float 1e400', '1e400 is Infinity'],
    ['.inf', '.inf is Infinity'],
    ['.nan', '.nan is NaN'],
  ])('size: %s', (size, said) => {
    expect(() => readYamlValue(disks(size), 'disks.yaml')).toThrow(
      `disks.yaml:2: ${said}, which JSON cannot hold and no setting of this file takes`,
    );
  });

  it('a finite number, and a quoted 1e400, are read as written', () => {
    expect(readYamlValue(disks('1e300'), 'disks.yaml')).toEqual({
      'storage-node-01': [
        { path: '/mnt/a', size: 1e300 },
        { path: '/mnt/b', size: '5Ti' },
      ],
    });
    expect(readYamlValue(disks('"1e400"'), 'disks.yaml')).toMatchObject({
      'storage-node-01': [{ size: '1e400' }, {}],
    });
  });
});
