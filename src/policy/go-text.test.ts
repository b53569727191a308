// Durations and IEC sizes as the operator's decoder reads them (Go's time.ParseDuration, AIStore's
// cos.ParseSize with IEC units). The cases and their answers are shared with the oracle
// (test/oracle/decoding.oracle.test.ts), which holds the answers to the operator's own decoder, on
// these and thousands of random strings; here they keep the edges in npm test.
import { describe, expect, it } from '@jest/globals';
import { durationProblem, sizeBytes, sizeProblem } from './go-text.js';
import { DURATIONS, SIZES } from '../../test/support/go-text-cases.js';

describe('durationProblem', () => {
  it.each(DURATIONS)('%j: %s', (text, problem) => expect(durationProblem(text)).toBe(problem));
});

describe('sizeProblem', () => {
  it.each(SIZES)('%j: %s', (text, problem) => expect(sizeProblem(text)).toBe(problem));
});

describe('sizeBytes', () => {
  it.each([
    ['10GiB', 10 * 1024 ** 3],
    ['10G', 10 * 1024 ** 3],
    ['1.5k', 1536],
    ['512', 512],
    ['', 0],
    ['-1MiB', -(1024 ** 2)],
    ['9223372036854775807', 2 ** 63], // the nearest float64
    ['8388608TiB', undefined], // 2^63 bytes: Go's int64 product wraps
    ['10 GiB', undefined],
  ])('%j is %p bytes', (text, bytes) => expect(sizeBytes(text)).toBe(bytes));
});

// An outside review found sizes read in time quadratic in their length: 100 KB of digits in a CR's
// configToUpdate.log.max_total held the webhook 18 s. These pin the answers on such text; the hang
// itself is test/faults/size-text-linear.test.ts (the built CLI on 200,000 characters, in a child
// process that can be stopped: a regex that backtracks blocks jest's own timeout).
describe('sizes that once took quadratic time', () => {
  const run = 2_000;
  it.each([
    ['digits, a dot, then a bad character', `${'1'.repeat(run)}.x`],
    ['zeros, then a bad character', `${'0'.repeat(run)}x`],
    ['hex digits and a dot with no exponent', `0x${'1'.repeat(run)}.`],
    ['hex digits, a dot, more digits, a bad exponent', `0x${'1'.repeat(run)}.1p`],
  ])('%s', (_, text) => {
    expect(sizeProblem(text)).toBe('no plain number before the unit');
    expect(sizeBytes(text)).toBeUndefined();
  });

  it('a long valid size is still read', () => {
    expect(sizeBytes(`${'0'.repeat(run)}1.5k`)).toBe(1536);
    expect(sizeBytes(`0x${'0'.repeat(run)}1.8p1KiB`)).toBe(3 * 1024);
  });
});
