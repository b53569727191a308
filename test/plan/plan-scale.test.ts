// plan at the size of a large cluster: a disk map of many nodes is read and placed on (a spread of one
// argument per node overflows the stack past ~125,000), and the disk map's repeated keys, found in one
// pass of our own since the library's check compares each key with every one before it, are
// reported with the library's message and line, the first mistake by its place in the text.
import { describe, expect, it } from '@jest/globals';
import { readYamlValue } from '../../src/k8s/yaml.js';
import { placeTargets, type MountNeed } from '../../src/plan/assign.js';
import type { DiskNode } from '../../src/plan/diskmap.js';

const TI = 2 ** 40;
const NEED = { mount: { path: '/data/aistore', size: '5Ti' }, bytes: 5 * TI } as MountNeed;

describe('plan at scale', () => {
  it('places targets over 200,000 nodes', () => {
    const nodes: DiskNode[] = Array.from({ length: 200_000 }, (_, i) => ({
      name: `n${i}`,
      disks: [{ node: `n${i}`, path: '/mnt/a', size: '8Ti', bytes: 8 * TI, index: i }],
    }));
    const placed = placeTargets(nodes, [NEED], 3);
    expect(placed?.map((p) => p.node)).toEqual(['n0', 'n1', 'n2']);
  });

  it('a disk map of 20,000 nodes is read, and a node listed twice in it found', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `n${i}: [{path: /mnt/a, size: 8Ti}]`);
    expect(Object.keys(readYamlValue(lines.join('\n'), 'disks.yaml') as object)).toHaveLength(20_000);
    lines.push('n17: []');
    expect(() => readYamlValue(lines.join('\n'), 'disks.yaml')).toThrow(
      /^disks\.yaml:20001: Map keys must be unique$/,
    );
  });
});

describe('a repeated key is the first mistake where it comes first', () => {
  it.each([
    ['before a syntax error', 'n1: []\nn1: []\nn2: [\n', 2],
    ['before a second document', 'n1: []\nn1: []\n---\nn2: []\n', 2],
    ['of numbers, which are no names either', '1: []\n1: []\n', 2],
    ['of booleans', 'true: []\ntrue: []\n', 2],
    ['in a nested map, before one of the outer map', 'a:\n  x: 1\n  x: 2\na: 3\n', 3],
    ['in a flow map', 'a: {x: 1, x: 2}\n', 1],
  ])('%s', (_, text, line) => {
    expect(() => readYamlValue(text, 'f')).toThrow(new RegExp(`^f:${line}: Map keys must be unique$`));
  });

  it('a wrong tag before a repeated key inside it: the tag (the library named the key, met first)', () => {
    expect(() => readYamlValue('x: !!set\n  a: 1\n  a: 2\n', 'f')).toThrow(
      /^f:1: Set items must all have null values$/,
    );
  });

  it('after a syntax error, the syntax error', () => {
    expect(() => readYamlValue('n2: [\nn1: []\nn1: []\n', 'f')).not.toThrow(/unique/);
  });

  it('two .nan keys are two keys, as the library has them: refused as keys that are no string', () => {
    expect(() => readYamlValue('.nan: 1\n.nan: 2\n', 'f')).toThrow(/^f:1: key \.nan is not a string/);
  });
});
