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
