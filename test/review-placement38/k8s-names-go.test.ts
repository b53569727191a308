// review placement38: k8s-names against apimachinery v0.33.13 (pkg/util/validation IsQualifiedName,
// IsValidLabelValue) on the edges e2e 23's generator does not reach: prefixes, empty parts, length
// limits. Each answer was taken from a Go program calling those functions. Note a prefix label of
// 64 characters is taken: IsDNS1123Subdomain checks only the 253-character whole, not each label.
import { describe, expect, it } from '@jest/globals';
import { isLabelValue, isQualifiedName } from '../../src/policy/k8s-names.js';

const a = (n: number) => 'a'.repeat(n);
/** [text, IsQualifiedName takes it, IsValidLabelValue takes it], as Go answered. */
const GO: [string, boolean, boolean][] = [
  ['', false, true],
  ['/', false, false],
  ['a/', false, false],
  ['/a', false, false],
  ['a//b', false, false],
  ['x/y/z', false, false],
  ['A.io/b', false, false],
  ['a..b/c', false, false],
  ['-a/b', false, false],
  ['a-/b', false, false],
  ['a_b/c', false, false],
  ['a/b_c', true, false],
  ['a/B.c-d_e', true, false],
  ['_a', false, false],
  ['a_', false, false],
  ['.a', false, false],
  ['a.', false, false],
  ['a\n', false, false],
  ['a b', false, false],
  ['é', false, false],
  [a(63), true, true],
  [a(64), false, false],
  [`${a(63)}.${a(63)}.${a(63)}.${a(61)}/a`, true, false],
  [`${a(63)}.${a(63)}.${a(63)}.${a(62)}/a`, false, false],
  [`${a(64)}.b/c`, true, false],
  [`a/${a(64)}`, false, false],
  ['kubernetes.io/hostname', true, false],
];

describe('k8s-names answers as apimachinery v0.33.13 does', () => {
  it.each(GO)('%j', (text, qualified, labelValue) => {
    expect([isQualifiedName(text), isLabelValue(text)]).toEqual([qualified, labelValue]);
  });
});
