// review hostile32: flow collections nested past go-yaml's limit. kubectl's go-yaml v2 refuses a
// document nested deeper than 10,000 flow levels ("exceeded max depth of 10000"), and the apiserver's
// JSON decoder an object deeper than 10,000. The yaml library's parser has no such limit: it built
// the whole nest first (a 400 KB file of "[" cost 220 MB of heap and seconds; a few MB under the
// 32 MiB cap ran the CLI out of memory, "FATAL ERROR ... heap out of memory" and a native stack).
// Such input is refused with its line before it is composed, at ais-guard's own limit of 500 levels
// (nesting.ts); brackets in strings, comments and block scalars are text, never counted.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseSource } from '../../src/cli/load.js';
import { readYamlValue } from '../../src/k8s/yaml.js';

type Errors = Parameters<typeof parseSource>[2];

const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}\ndata:\n';
const nest = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);
const errorsOf = (file: string, text: string) => {
  const errors: Errors = [];
  parseSource(file, text, errors);
  return errors;
};

describe("check: flow nesting past go-yaml's limit", () => {
  it('a list nested 10,001 deep in YAML is one error at its line, naming the limits', () => {
    const errors = errorsOf('deep.yaml', `${HEAD}  x: ${nest(10_001)}\n`);
    expect(errors).toEqual([
      {
        file: 'deep.yaml',
        line: 5,
        message: expect.stringMatching(/nested deeper than 500 levels, .*reads up to 10000/),
      },
    ]);
  });

  it('maps count as levels too, mixed with lists', () => {
    const text = `${HEAD}  x: ${'{a: ['.repeat(5_001)}${'1]}'.repeat(5_001)}\n`;
    expect(errorsOf('deep.yaml', text).map((e) => e.message)).toEqual([
      expect.stringMatching(/nested deeper than 500 levels, .*reads up to 10000/),
    ]);
  });

  it('in a JSON stream, at the value that nests too deeply', () => {
    const first = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'a' },
    });
    const deep = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"a"},"data":{"x":\n${nest(10_001)}}}`;
    const errors = errorsOf('deep.json', `${first}\n${deep}\n`);
    expect(errors).toEqual([
      {
        file: 'deep.json',
        line: 3,
        message: expect.stringMatching(/nested deeper than 500 levels, .*reads up to 10000/),
      },
    ]);
  });

  it('brackets in quoted strings, comments and block scalars are text, however many', () => {
    const many = '['.repeat(20_000);
    const text = `${HEAD}  a: "${many}"\n  b: '${many}'\n  # ${many}\n  c: |\n    ${many}\n  d: plain${many}\n`;
    const errors: Errors = [];
    const parsed = parseSource('text.yaml', text, errors);
    expect(errors).toEqual([]);
    expect(parsed.manifests[0]?.object.data).toEqual({
      a: many,
      b: many,
      c: `${many}\n`,
      d: `plain${many}`,
    });
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
      data: { a: many },
    });
    expect(errorsOf('text.json', json)).toEqual([]);
  });

  it('property: nesting within the limit never meets the depth refusal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('[', '{a: '),
        fc.boolean(),
        (depth, open, json) => {
          const close = open === '[' ? ']' : '}';
          const inner = open === '[' ? '1' : '1';
          const value = open.repeat(depth) + inner + close.repeat(depth);
          const text = json
            ? `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"x":${value.replace(/a: /g, '"a": ')}}}`
            : `${HEAD}  x: ${value}\n`;
          expect(
            errorsOf(json ? 'p.json' : 'p.yaml', text)
              .map((e) => e.message)
              .join(),
          ).not.toMatch(/nested deeper/);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('plan --disks and serve --config: the same limit', () => {
  it('a disk map nested 10,001 deep is one line with its place', () => {
    expect(() => readYamlValue(`nodes:\n  n1: ${nest(10_001)}\n`, 'disks.yaml')).toThrow(
      /^disks\.yaml:2: collections nested deeper than 500 levels/,
    );
  });
});
