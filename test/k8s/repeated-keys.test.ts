// Keys set twice in one mapping are found in one pass (yaml.ts keyProblems, through goYamlErrors),
// with the yaml library's own check off (KUBE_YAML uniqueKeys: false): that check compares each key
// with every key before it, and a ConfigMap of 50,000 keys took over 20 s to read. The oracle is the
// library's own check: the same errors, at the same places, in the same order (of its repeats, the first).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { goYamlErrors, KUBE_YAML, REPEATED_KEY, UNREADABLE_KEY } from '../../src/k8s/yaml.js';

/**
 * The library's errors with its own key check on, as check used to read them, but for a key set
 * again past the first: goYamlErrors names the first (callers say the first error only), so a
 * mapping of 200,000 repeats costs one error, not 200,000 placed among the others.
 */
function libraryErrors(text: string) {
  const errors = parseDocument(text, { ...KUBE_YAML, uniqueKeys: true }).errors;
  const first = errors.find((e) => e.code === 'DUPLICATE_KEY');
  return (
    errors
      .filter((e) => e.code !== 'DUPLICATE_KEY' || e === first)
      // The place and kind are the library's; the words are check's own (they say what kubectl does).
      .map((e) => [e.code, e.pos[0], e.code === 'DUPLICATE_KEY' ? REPEATED_KEY : e.message])
  );
}
/** Ours, but for the keys kubectl cannot read (null ones here: unreadable-keys below). */
const ours = (text: string) =>
  goYamlErrors(parseDocument(text, KUBE_YAML), text)
    .filter((e) => e.code !== 'NON_STRING_KEY')
    .map((e) => [e.code, e.pos[0], e.message]);

describe('keys set twice, found as the library found them', () => {
  it.each([
    ['a block mapping', 'a: 1\nb: 2\na: 3\n'],
    ['a flow mapping', '{a: 1, b: 2, a: 3}\n'],
    ['a nested one before an outer one', 'x:\n  y: 1\n  y: 2\nx: 3\n'],
    ['1 and 1.0 (one number)', '1: a\n1.0: b\n'],
    ['two nulls, ~ and null', '~: a\nnull: b\n'],
    ['.nan twice (NaN is no value equal to itself): none', '.nan: a\n.nan: b\n'],
    ['two merge keys: none', 'a: &a {x: 1}\nb:\n  <<: *a\n  <<: {y: 2}\n'],
    ['quoted and plain "a"', 'a: 1\n"a": 2\n'],
    ['three times: the first repeat', 'a: 1\na: 2\na: 3\n'],
    [
      'repeats in two mappings, the inner one first in the text',
      'x:\n  y: 1\n  y: 2\nx: 3\nz: {q: 1, q: 2}\n',
    ],
    ['beside another error', 'a: 1\na: 2\nb: [1, 2\n'],
    ['in a List item', 'items:\n- k: 1\n  k: 2\n- k: 3\n'],
    ['inside a key that is a mapping', '? {a: 1, a: 2}\n: v\n'],
    ['in a mapping inside a !!pairs entry', 'x: !!pairs [a: {k: 1, k: 2}]\n'],
    ['in a mapping inside a !!omap entry', 'x: !!omap [a: [{k: 1, k: 2}]]\n'],
    // Past eight keys a mapping's keys go into a set, not compared with each before.
    ['twelve keys, the last set again', [...'abcdefghijk'].map((k) => `${k}: 1\n`).join('') + 'c: 2\n'],
    ['twelve keys, none set again', [...'abcdefghijkl'].map((k) => `${k}: 1\n`).join('')],
  ])('%s', (_, text) => {
    expect(ours(text)).toEqual(libraryErrors(text));
  });

  // Unlike the library, a number or a boolean key equals its text: sigs.k8s.io/yaml makes both the
  // same JSON key, and which value kubectl sends depends on Go's map order (test/yaml-oracle).
  it.each([
    ['"1" and 1', '"1": a\n1: b\n', 7],
    ['1 and !!str 1', '1: a\n!!str 1: b\n', 11],
    ['yes and "true"', 'yes: a\n"true": b\n', 7],
    ['1.5 and "1.5"', '1.5: a\n"1.5": b\n', 7],
    [
      '"1" and 1, twelve keys (the set)',
      [...'abcdefghij'].map((k) => `${k}: 1\n`).join('') + '"1": a\n1: b\n',
      57,
    ],
  ])('%s: one key set twice, as kubectl makes their JSON keys', (_, text, at) => {
    expect(ours(text)).toEqual([['DUPLICATE_KEY', at, REPEATED_KEY]]);
  });

  it('two empty keys: found, placed at the empty key (the library placed it after its line break)', () => {
    const text = '? \n: a\n? \n: b\n';
    const without = (errors: unknown[][]) => errors.map(([code, , message]) => [code, message]);
    expect(without(ours(text))).toEqual(without(libraryErrors(text)));
    expect(ours(text)).toHaveLength(1);
  });

  // No "1" beside 1: the library takes them for two keys (above).
  const key = fc.constantFrom('a', 'b', '1', '1.0', "'a'", '~', 'null', '.nan', '""', 'x y');
  const scalar = fc.constantFrom('1', 'v', '~', '[1, 2]', '{q: 1}', '{q: 1, q: 2}');
  /** A block mapping's lines at `indent`, keys drawn from a few so that some repeat. */
  const mapping = (depth: number, indent: string): fc.Arbitrary<string> =>
    fc
      .array(fc.tuple(key, depth > 0 ? fc.oneof(scalar, fc.constant(null)) : scalar), {
        minLength: 1,
        maxLength: 12, // past eight keys: the set
      })
      .chain((entries) =>
        fc.tuple(
          ...entries.map(([k, v]) =>
            v === null
              ? mapping(depth - 1, `${indent}  `).map((inner) => `${indent}${k}:\n${inner}`)
              : fc.constant(`${indent}${k}: ${v}\n`),
          ),
        ),
      )
      .map((lines) => lines.join(''));

  it('random block mappings, nested, with flow ones inside: the same errors as the library', () => {
    fc.assert(
      fc.property(mapping(2, ''), (text) => {
        expect(ours(text)).toEqual(libraryErrors(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('keys kubectl cannot read (review check47)', () => {
  const all = (text: string) =>
    goYamlErrors(parseDocument(text, KUBE_YAML), text).map((e) => [e.code, e.pos[0], e.message]);
  it.each([
    ['~ and null set twice: the null key first, the repeat after it', '~: a\nnull: b\n', [0, 5]],
    ['an empty key, at its ":"', 'a:\n  : b\n', [5]],
    ['a list key beside a repeat before it', 'a: 1\na: 2\n[x]: 3\n', [5, 10]],
  ])('%s', (_, text, places) => {
    expect(all(text).map(([, at]) => at)).toEqual(places);
    expect(all(text).some(([, , message]) => message === UNREADABLE_KEY)).toBe(true);
  });

  // Review fix47 (each held to kubectl's reader in test/yaml-oracle).
  it.each([
    ['an alias to null', 'n: &n ~\ns:\n  *n : 1\n', true],
    ['an alias to a mapping', 'm: &m {a: 1}\ns:\n  *m : 1\n', true],
    ['an alias to a string', 'k: &k v\ns:\n  *k : 1\n', false],
    ['a null key in a !!pairs item', 's: !!pairs [~: 1]\n', true],
    ['a key of nothing but !!str: the empty string', 's:\n  !!str : 1\n', false],
    ['a key of nothing but a local tag', 's:\n  !x : 1\n', false],
    ['a key of nothing but !!null', 's:\n  !!null : 1\n', true],
    ['a key of nothing but !!int ("cannot decode !!null as a !!int")', 's:\n  !!int : 1\n', true],
    ['a key of nothing but !!bool', 's:\n  !!bool : 1\n', true],
  ])('%s: refused %s', (_, text, refused) => {
    expect(all(text).some(([, , message]) => message === UNREADABLE_KEY)).toBe(refused);
  });
});
