// Quantities as Kubernetes compares them (apimachinery pkg/api/resource: ParseQuantity, Quantity.Cmp):
// exactly, whatever the spelling. Review "today14" F1: 4100G and 4.1T were two sizes to the guard
// (4.1 * 1e12 is 4099999999999.9995 in floating point), so an operator-accepted respelling of a mount
// size was warned of, and a PV of 4.1T was "smaller" than a mount of 4100G.
import { describe, expect, it } from '@jest/globals';
import { parseQuantity, sameQuantity } from '../../src/policy/index.js';
import { compareQuantities, quantityKey, wholeBytes } from '../../src/policy/quantity.js';

describe('quantities', () => {
  it.each([
    ['4100G', '4.1T'],
    ['1100T', '1.1P'],
    ['4100M', '4.1G'],
    ['1Ti', '1024Gi'],
    ['0.5Ti', '512Gi'],
    ['1.5e3', '1500'],
    ['1500m', '1.5'],
    ['1k', '1000'],
    ['100Gi', '107374182400'],
    [1024, '1Ki'],
    ['+1G', '1e9'],
    ['1E', '1e18'],
    ['5.', '5'],
  ])('%s equals %s', (a, b) => {
    expect(compareQuantities(a, b)).toBe(0);
    expect(sameQuantity(a, b)).toBe(true);
    expect(quantityKey(a)).toBe(quantityKey(b));
    expect(parseQuantity(a)).toBe(parseQuantity(b));
  });

  it.each([
    ['4.1T', '4100000000001', -1],
    ['1Ti', '1T', 1],
    ['999Mi', '1Gi', -1],
    ['1n', '0', 1],
    ['-1', '0', -1],
  ])('%s against %s: %d', (a, b, sign) => {
    expect(compareQuantities(a, b)).toBe(sign);
    expect(sameQuantity(a, b)).toBe(false);
  });

  it('rounds finer than nano up, as ParseQuantity does', () => {
    expect(compareQuantities('0.0000000001', '1n')).toBe(0);
    expect(compareQuantities('1.0000000001', '1.000000001')).toBe(0);
  });

  it('whole bytes as the operator requests them: rounded down, towards zero (Mount.GetPVCResources)', () => {
    expect(wholeBytes('1.1Ti')).toBe(1209462790553n);
    expect(wholeBytes('100n')).toBe(0n);
    expect(wholeBytes('-1.5')).toBe(-1n);
    expect(wholeBytes('10E')).toBe(10n ** 19n);
    expect(wholeBytes('1e99999999')).toBeUndefined();
  });

  it('no quantity: undefined, never a throw', () => {
    for (const v of ['', '.', 'Gi', '1Gb', '1e', '1.5.5', 'ten', null, undefined, {}, Number.NaN, Infinity])
      expect(compareQuantities(v, '1')).toBeUndefined();
    expect(parseQuantity('1Gb')).toBeUndefined();
    expect(sameQuantity('abc', 'xyz')).toBe(true); // neither is one: alike, as before
  });

  it('a hostile size (a long number, a huge exponent) is not compared exactly, and at once', () => {
    expect(compareQuantities('9'.repeat(100_000), '1')).toBeUndefined();
    expect(compareQuantities('1e999999999', '1')).toBeUndefined();
    expect(parseQuantity('1e999999999')).toBeUndefined();
    expect(parseQuantity('1e-999999999')).toBe(0);
  });
});
