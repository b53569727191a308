// Kubernetes resource quantities ("5Ti", "500G", "1.5e3", "100m"). parseQuantity gives a plain number,
// for thresholds; compareQuantities compares two exactly, as Kubernetes' Quantity.Cmp does (the PV
// controller matching a claim's request to a capacity, equality.Semantic in the operator's webhook):
// 4.1T and 4100G are equal there, though 4.1 * 1e12 is not 4100 * 1e9 in floating point.
const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_EXPONENT: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Past these (digits, and the power of ten they are scaled by), exact arithmetic would be work an
 * attacker chooses; no disk needs them. */
const MAX_DIGITS = 40;
const MAX_EXPONENT = 80;

interface Parts {
  negative: boolean;
  /** Every digit of the number, the decimal point dropped. */
  digits: string;
  /** The power of ten `digits` is multiplied by (the fraction's length taken off). */
  exponent10: number;
  exponent2: number;
}

function partsOf(value: unknown): Parts | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof text !== 'string') return undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponent, suffix = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  return {
    negative: sign === '-',
    digits: whole + fraction,
    exponent10:
      (exponent === undefined ? (DECIMAL_EXPONENT[suffix] ?? 0) : Number(exponent)) - fraction.length,
    exponent2: BINARY_EXPONENT[suffix] ?? 0,
  };
}

export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const p = partsOf(value);
  if (!p) return undefined;
  // Number() of the decimal text rounds once: "4.1T" reads 4100000000000 exactly, as "4100G" does.
  const n = Number(`${p.negative ? '-' : ''}${p.digits}e${p.exponent10}`) * 2 ** p.exponent2;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The quantity in nano-units, its finest precision (a finer one is rounded up, as ParseQuantity
 * does), exactly; undefined when it is no quantity or too long to be a size.
 */
function nanos(value: unknown): bigint | undefined {
  const p = partsOf(value);
  if (!p || p.digits.length > MAX_DIGITS || Math.abs(p.exponent10) > MAX_EXPONENT) return undefined;
  let n = BigInt(p.digits) << BigInt(p.exponent2);
  const shift = p.exponent10 + 9;
  if (shift >= 0) n *= 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    n = n / divisor + (n % divisor === 0n ? 0n : 1n);
  }
  return p.negative ? -n : n;
}

/**
 * The quantity in whole milli-units as the apiserver stores a container's limit or request (rounded
 * up, away from zero: SetDefaults_ResourceList, Quantity.RoundUp(-3)); undefined when it is no
 * quantity or too long to be one.
 */
export function milliUnits(value: unknown): bigint | undefined {
  // Most resource lists ("8", "64Gi", "500m") are whole milli-units a float holds exactly: no BigInt.
  const p = partsOf(value);
  if (!p) return undefined;
  const shift = p.exponent10 + 3;
  if (p.digits.length <= 15 && shift >= 0 && shift <= 15) {
    const m = Number(p.digits) * 10 ** shift * 2 ** p.exponent2;
    if (Number.isSafeInteger(m)) return BigInt(p.negative ? -m : m);
  }
  const n = nanos(value);
  if (n === undefined) return undefined;
  const whole = n / 1_000_000n;
  return whole * 1_000_000n === n ? whole : whole + (n < 0n ? -1n : 1n);
}

/** Sign of a - b, compared exactly; undefined when either is no quantity. */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  const [x, y] = [nanos(a), nanos(b)];
  if (x === undefined || y === undefined) return undefined;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** One spelling per value (1Ti and 1024Gi give the same), for comparing structures that hold quantities. */
export function quantityKey(value: unknown): string | undefined {
  const n = nanos(value);
  return n === undefined ? undefined : `${n}n`;
}

/**
 * A quantity finer than a thousandth, as the apiserver stores it in a container's limits or requests:
 * rounded up to whole milli-units (core/v1 SetDefaults_ResourceList, RoundUp(-3)), e.g. "100u" is
 * "1m"; undefined when the value already is whole milli-units, negative, or no quantity.
 */
export function roundedUpToMilli(value: unknown): string | undefined {
  const n = nanos(value);
  if (n === undefined || n < 0n || n % 1_000_000n === 0n) return undefined;
  return `${n / 1_000_000n + 1n}m`;
}

/** Equal as quantities (exactly where both can be compared so); two non-quantities are alike. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const order = compareQuantities(a, b);
  return order === undefined ? parseQuantity(a) === parseQuantity(b) : order === 0;
}

/**
 * Does a PV of `capacity` hold the claim the operator makes for a mount of `size`? The claim asks the
 * size rounded down to whole bytes (Mount.GetPVCResources), compared exactly as the PV controller
 * does (4.1T is 4100G); floats where a size cannot be bounded. Undefined when `size` is no quantity.
 */
export function capacityHolds(capacity: unknown, size: unknown): boolean | undefined {
  const need = parseQuantity(size);
  if (need === undefined) return undefined;
  const have = parseQuantity(capacity);
  if (have === undefined) return false;
  const request = wholeBytes(size);
  if (request === undefined) return have >= need;
  return (compareQuantities(capacity, String(request)) ?? Math.sign(have - Number(request))) >= 0;
}

/** The most bytes a claim request holds as the operator counts them (an int64). */
export const MAX_INT64 = 2n ** 63n - 1n;

/**
 * What a size asks of storage in whole bytes, as the operator's claim template requests it (Mount.
 * GetPVCResources rounds the size down, towards zero); undefined when it is no quantity or cannot be
 * bounded (past 40 digits or a huge exponent, where Kubernetes' own rounding runs for seconds).
 */
export function wholeBytes(value: unknown): bigint | undefined {
  const n = nanos(value);
  return n === undefined ? undefined : n / 1_000_000_000n;
}
