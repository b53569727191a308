// review decode38: an IEC size written as a hexadecimal float is read as Go's strconv.ParseFloat
// reads it (cos.ParseSize, for text with a dot). Go keeps the mantissa's leading digits and scales
// by the rest, so a mantissa of hundreds of hex digits is a finite number, and a zero mantissa is
// zero whatever its exponent. Before: the guard divided a parseInt of every digit by 16 to the
// fraction's length, both Infinity past 256 digits (NaN), and multiplied zero by 2^Infinity, so it
// warned that the operator cannot decode CRs the operator decodes. Values from a Go 1.26 run.
import { describe, expect, it } from '@jest/globals';
import { sizeBytes, sizeProblem } from '../../src/policy/go-text.js';

/** A row's text as a test title: a long run of one character counted, not written out. */
const titled = <T extends unknown[]>(text: string, ...rest: T) =>
  [text.replace(/(.)\1{9,}/g, (run, c: string) => `${c}×${run.length}`), text, ...rest] as const;

describe('hexadecimal sizes as Go reads them', () => {
  it.each([
    titled(`0x1.${'0'.repeat(300)}p1`, 2),
    titled(`0x1.${'1'.repeat(300)}p1`, 2),
    titled(`0x${'0'.repeat(300)}1.p4K`, 16 * 1024),
    titled(`0x${'f'.repeat(300)}.p-1190`, 1024),
    titled('0x0.p99999999999999999999', 0),
    titled('0x1.p-99999999', 0),
  ])('%s', (_, text, bytes) => {
    expect(sizeProblem(text)).toBeUndefined();
    expect(sizeBytes(text)).toBe(bytes);
  });

  it.each([titled('0x1.p1024'), titled('0x1.p99999999999999999999'), titled(`0x${'f'.repeat(300)}.p1`)])(
    '%s is past a float64, which Go refuses',
    (_, text) => expect(sizeProblem(text)).toMatch(/no plain number/),
  );
});
