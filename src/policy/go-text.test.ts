// Durations and IEC sizes as the operator's decoder reads them (Go's time.ParseDuration, AIStore's
// cos.ParseSize with IEC units). The oracle (test/oracle/decoding.oracle.test.ts) holds both to the
// operator's own decoder on these and thousands of random strings; these rows keep the edges in npm test.
import { describe, expect, it } from '@jest/globals';
import { durationProblem, sizeProblem } from './go-text.js';

describe('durationProblem', () => {
  it.each([
    '30s',
    '1m30s',
    '2h',
    '0',
    '-0',
    '+5m',
    '-1.5h',
    '.5s',
    '5.s',
    '1h2m3s4ms5us6ns',
    '3µs',
    '3μs',
    '0s',
    '9223372036854775807ns',
    '-9223372036854775808ns',
    '2562047h47m16.854775807s',
  ])('Go reads %j', (text) => expect(durationProblem(text)).toBeUndefined());
  it.each([
    ['10', /no unit/],
    ['10 s', /unknown unit " s"/],
    ['10sec', /unknown unit "sec"/],
    ['1d', /unknown unit "d"/],
    ['1H', /unknown unit "H"/],
    ['', /no number and unit/],
    ['.s', /a number must come before/],
    ['s', /a number must come before/],
    ['-', /no number and unit/],
    ['1e3s', /unknown unit "e"/],
    ['9223372036854775808ns', /292 years/],
    ['-9223372036854775809ns', /292 years/],
    ['2562048h', /292 years/],
    ['2562047h47m16.854775808s', /292 years/],
  ])('Go refuses %j', (text, why) => expect(durationProblem(text)).toMatch(why));
});

describe('sizeProblem', () => {
  it.each([
    '10GiB',
    '10GB',
    '10G',
    '10gi',
    ' 10GiB ',
    '1.5TiB',
    '512',
    '512B',
    '-1',
    '+1KiB',
    '',
    '1.',
    '.5M',
    '1.5E3G',
    '1_000.5K',
    '0X1.8P1',
    '0x_1.8p1M',
    '9223372036854775807',
    '-9223372036854775808',
    '1.0E-400',
    '\u00a010M',
  ])('AIStore reads %j', (text) => expect(sizeProblem(text)).toBeUndefined());
  it.each([
    '10 GiB',
    'GiB',
    '1e3',
    '1_000',
    '0X1.8',
    '1._5',
    '9223372036854775808',
    '1.0E400',
    '10GiBs',
    '\ufeff10M',
  ])('AIStore refuses %j', (text) => expect(sizeProblem(text)).toMatch(/no plain number before the unit/));
});
