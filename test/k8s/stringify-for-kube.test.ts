// stringifyForKube writes YAML that kubectl (go-yaml v2, modelled by KUBE_YAML) reads back as the
// same value: plan's PVs, audit's reports and --fix's inserted values go through it. The YAML 1.1
// schema wrote a "<<" key plain whatever its type, a merge to go-yaml: `{"<<": {"a": "1"}}` came
// back as {a: "1"}.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { KUBE_YAML, stringifyForKube } from '../../src/k8s/yaml.js';

function readBack(text: string): unknown {
  const doc = parseDocument(text, KUBE_YAML);
  expect(doc.errors).toEqual([]);
  return doc.toJS();
}

describe('stringifyForKube: what kubectl reads back is the value written', () => {
  it.each([
    ['a "<<" key', { '<<': { a: '1' }, b: 2 }],
    ['a "<<" value', { a: '<<' }],
    ['a "<<" item', ['<<', '<<<']],
  ])('%s', (_, value) => {
    const text = stringifyForKube(value);
    expect(readBack(text)).toEqual(value);
    expect(text).toContain('"<<"');
  });

  const word = fc.constantFrom(
    '<<',
    'yes',
    'on',
    'y',
    '0644',
    '1e3',
    '.5',
    '~',
    'null',
    '',
    '- a',
    'a: b',
    'x',
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      word,
      fc.jsonValue({ maxDepth: 0 }),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(word, fc.string({ maxLength: 4 })), tie('node'), { maxKeys: 3 }),
    ),
  })).node;

  it('random values, words go-yaml reads otherwise among them, in block and flow style', () => {
    fc.assert(
      fc.property(value, fc.constantFrom('block' as const, 'flow' as const), (v, style) => {
        // As JSON, which kubectl sends: -0 is written "-0", an integer 0 to go-yaml and JSON alike.
        expect(JSON.stringify(readBack(stringifyForKube(v, { collectionStyle: style })))).toBe(
          JSON.stringify(v),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
