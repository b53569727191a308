// Quantities as Kubernetes compares them (apimachinery pkg/api/resource: ParseQuantity, Quantity.Cmp):
// exactly, whatever the spelling. Review "today14" F1: 4100G and 4.1T were two sizes to the guard
// (4.1 * 1e12 is 4099999999999.9995 in floating point), so an operator-accepted respelling of a mount
// size was warned of, and a PV of 4.1T was "smaller" than a mount of 4100G.
import { describe, expect, it } from '@jest/globals';
import { parseQuantity, sameQuantity } from '../../src/policy/index.js';
import fc from 'fast-check';
import { compareQuantities, milliUnits, quantityKey, wholeBytes } from '../../src/policy/quantity.js';

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

// milliUnits reads most resource lists in floats, exactly, and falls back to BigInts: both paths
// must give what the exact nano-unit value, rounded up away from zero, gives (SetDefaults_ResourceList).
describe('milliUnits', () => {
  const exact = (value: unknown): bigint | undefined => {
    const key = quantityKey(value);
    if (key === undefined) return undefined;
    const nanos = BigInt(key.slice(0, -1));
    const whole = nanos / 1_000_000n;
    return whole * 1_000_000n === nanos ? whole : whole + (nanos < 0n ? -1n : 1n);
  };
  it.each([
    ['8', 8000n],
    [8, 8000n],
    ['64Gi', 64n * 2n ** 30n * 1000n],
    ['500m', 500n],
    ['1.5m', 2n],
    ['-1.5m', -2n],
    ['100u', 1n],
    ['0', 0n],
    ['-0', 0n],
    ['1e3', 1_000_000n],
    ['9007199254740993', 9007199254740993000n],
    ['1Ei', 2n ** 60n * 1000n],
  ])('%p is %p milli-units', (value, milli) => expect(milliUnits(value)).toBe(milli));

  it('agrees with the exact value on generated quantities', () => {
    const suffix = fc.constantFrom(
      '',
      'n',
      'u',
      'm',
      'k',
      'M',
      'G',
      'T',
      'P',
      'E',
      'Ki',
      'Mi',
      'Gi',
      'Ti',
      'Pi',
      'Ei',
      'e-4',
      'e2',
      'E9',
    );
    const quantity = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{1,19}$/),
        fc.stringMatching(/^(\.\d{0,6})?$/),
        suffix,
      )
      .map(([sign, whole, fraction, unit]) => `${sign}${whole}${fraction}${unit}`);
    fc.assert(
      fc.property(quantity, (q) => milliUnits(q) === exact(q)),
      { numRuns: 5000 },
    );
  });
});
