// Text the operator's Go types parse as they decode a CR, judged as they judge it: a duration as Go's
// time.ParseDuration reads one (the configToUpdate timers, spec.tls.certificate.duration), and a size
// as AIStore's cos.ParseSize reads an IEC one (configToUpdate.memsys.min_free, log.max_size, ...).
// The CRD types both as plain strings, so the apiserver stores any text; text these refuse makes
// the whole CR undecodable. Each function returns what is wrong, or undefined. The oracle
// (test/oracle/decoding.oracle.test.ts) holds both to the operator's own decoder.
import { clip } from './text.js';

const NANOSECONDS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5, the micro sign
  μs: 1_000n, // U+03BC, the Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TOO_LONG = 'longer than a Go duration holds (about 292 years)';
const LIMIT = 1n << 63n;

/** One term of a duration: digits, a fraction, then a unit (anything up to the next digit or dot).
 * Sticky, read from lastIndex: a duration of a million terms is not sliced a million times. */
const TERM = /(\d*)(?:\.(\d*))?([^\d.]*)/y;

/** What time.ParseDuration refuses in `text` ("1h30m", "-1.5s", "0"), or undefined. */
export function durationProblem(text: string): string | undefined {
  const negative = text.startsWith('-');
  const rest = /^[-+]/.test(text) ? text.slice(1) : text;
  if (rest === '0') return undefined;
  if (rest === '') return 'no number and unit';
  let total = 0n;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < rest.length) {
    const [, whole = '', fraction, unit = ''] = TERM.exec(rest) ?? [];
    if (whole === '' && !fraction) return 'a number must come before each unit';
    if (unit === '') return 'no unit after the number';
    const scale = NANOSECONDS[unit];
    if (scale === undefined) return `unknown unit ${clip(JSON.stringify(unit), 40)}`;
    // Go reads leading zeros; past 19 digits the number is past 2^63 (and BigInt of megabytes is slow).
    const digits = whole.replace(/^0+/, '');
    if (digits.length > 19) return TOO_LONG;
    const whole64 = digits === '' ? 0n : BigInt(digits) * scale;
    if (whole64 > LIMIT) return TOO_LONG;
    const v = fraction ? whole64 + fractionOf(fraction, scale) : whole64;
    if (v > LIMIT) return TOO_LONG;
    // Go sums into a uint64: each term and the sum are at most 2^63 here, so only 2^63 + 2^63 wraps (to 0).
    total = (total + v) % (LIMIT << 1n);
    if (total > LIMIT) return TOO_LONG;
  }
  return !negative && total === LIMIT ? TOO_LONG : undefined;
}

/**
 * The nanoseconds a fraction adds, as Go computes them: its digits read while they fit in an int64
 * (the rest are dropped), scaled in float64 and truncated.
 */
function fractionOf(digits: string, unit: bigint): bigint {
  let value = 0n;
  let scale = 1;
  for (const digit of digits) {
    if (value > (LIMIT - 1n) / 10n) break;
    const next = value * 10n + BigInt(digit);
    if (next > LIMIT) break;
    value = next;
    scale *= 10;
  }
  return BigInt(Math.trunc(Number(value) * (Number(unit) / scale)));
}

/** The suffixes cos.ParseSize strips (upper case, longest of a kind first, as it tries them). */
const SIZE_SUFFIXES = [
  'KIB',
  'MIB',
  'GIB',
  'TIB',
  'KB',
  'MB',
  'GB',
  'TB',
  'KI',
  'MI',
  'GI',
  'TI',
  'K',
  'M',
  'G',
  'T',
  'B',
];
/** Go's unicode.IsSpace, which strings.TrimSpace trims (JavaScript's trim differs on U+0085 and U+FEFF). */
const GO_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** strings.TrimSpace, in one pass from each end (a regex's trailing-space half backtracks over
 * every run of spaces inside the text, quadratic on hostile text). */
function goTrim(text: string): string {
  let [start, end] = [0, text.length];
  while (start < end && GO_SPACE.has(text.charCodeAt(start))) start++;
  while (end > start && GO_SPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** The number and the unit's bytes cos.ParseSize reads in `text` as an IEC size, or undefined. */
function sizeParts(text: string): { n: number | bigint; scale: number } | undefined {
  // Go upper-cases rune by rune (unicode.ToUpper), and past ASCII only ı and ſ become ASCII: I and S.
  // No number Go reads has either, nor a suffix an S, so only an ı in the suffix (the last three
  // characters) can be read; any other character past ASCII makes the size unreadable.
  const spaced = goTrim(text);
  const cut = Math.max(0, spaced.length - 3);
  const trimmed = spaced.slice(0, cut) + spaced.slice(cut).replaceAll('\u0131', 'I');
  if (/[\u0080-\uffff]/.test(trimmed)) return undefined;
  let s = trimmed.toUpperCase();
  const suffix = SIZE_SUFFIXES.find((x) => s.endsWith(x)) ?? '';
  s = s.slice(0, s.length - suffix.length);
  // With IEC units asked for, K, M, G and T are 1024-based whatever follows them.
  const scale = 1024 ** Math.max(0, 'BKMGT'.indexOf(suffix[0] ?? 'B'));
  if (s.includes('.')) {
    const n = goFloat(s);
    return n === undefined ? undefined : { n, scale };
  }
  // strconv.ParseInt: leading zeros are read, and past 19 digits no int64 is left. (The digits are
  // matched first: `0*(\d*)` tried on a long run of zeros before an "x" backtracks quadratically.)
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
  const digits = s.slice(sign.length).replace(/^0+/, '');
  if (digits.length > 19) return undefined;
  const n = BigInt(`${sign}${digits || '0'}`);
  return n < -LIMIT || n >= LIMIT ? undefined : { n, scale };
}

/** What cos.ParseSize refuses in `text` as an IEC size ("10GiB", "1.5T", "512"), or undefined. */
export function sizeProblem(text: string): string | undefined {
  return text === '' || sizeParts(text) ? undefined : 'no plain number before the unit';
}

/**
 * The bytes cos.ParseSize reads in `text` as an IEC size; undefined when it refuses the text, or when
 * the bytes are past what an int64 holds (Go would wrap them).
 */
export function sizeBytes(text: string): number | undefined {
  if (text === '') return 0;
  const parts = sizeParts(text);
  if (!parts) return undefined;
  const { n, scale } = parts;
  if (typeof n === 'number') return Math.abs(n * scale) < 2 ** 63 ? Math.trunc(n * scale) : undefined;
  const bytes = n * BigInt(scale);
  return bytes >= -LIMIT && bytes < LIMIT ? Number(bytes) : undefined;
}

/** What strconv.ParseFloat(s, 64) reads in s (decimal or hex 0x…p…, underscores between digits only). */
function goFloat(s: string): number | undefined {
  const hex = /^[+-]?0X/i.test(s);
  // An underscore must sit between two digits (or just after the 0x).
  const body = s.replace(/^[+-]?(0X)?/i, (m) => (hex ? '0' : m.replace(/^[+-]/, '')));
  const digit = (i: number) => {
    const c = body.charCodeAt(i) | 0x20; // lower case, for hex digits
    return (c >= 0x30 && c <= 0x39) || (hex && c >= 0x61 && c <= 0x66);
  };
  for (let i = body.indexOf('_'); i >= 0; i = body.indexOf('_', i + 1))
    if (!(digit(i - 1) && digit(i + 1))) return undefined;
  const plain = s.includes('_') ? s.split('_').join('') : s;
  // Each pattern below reads a string one way only. With the dot optional between two runs of
  // digits (`\d+\.?\d*`), a long run of digits before a bad character was split every way before
  // the match failed, quadratic in its length: 100 KB in a CR's log.max_total held the webhook 18 s.
  if (hex) {
    const m = /^([+-]?)0X([0-9A-F]*)(?:\.([0-9A-F]*))?P([+-]?\d+)$/i.exec(plain);
    const fraction = m?.[3] ?? '';
    if (!m || (m[2] === '' && fraction === '')) return undefined;
    // The first 20 significant hex digits (more than a float64 holds), scaled by what follows them
    // and the binary exponent: a mantissa of hundreds of digits is no Infinity/Infinity, and a
    // zero one is zero whatever its exponent, as Go reads them.
    const significant = `${m[2]}${fraction}`.replace(/^0+/, '');
    if (significant === '') return 0;
    const kept = significant.slice(0, 20);
    const e = 4 * (significant.length - kept.length - fraction.length) + Number(m[4]);
    const half = Math.trunc(e / 2);
    const n = (m[1] === '-' ? -1 : 1) * parseInt(kept, 16) * 2 ** half * 2 ** (e - half);
    return Number.isFinite(n) ? n : undefined;
  }
  const n = Number(plain);
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:E[+-]?\d+)?$/i.test(plain) && Number.isFinite(n) ? n : undefined;
}
