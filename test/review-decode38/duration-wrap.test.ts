// review decode38: time.ParseDuration adds each term to a uint64 and refuses a sum past 2^63; two
// terms of exactly 2^63 ns make 2^64, which wraps to 0 and is read as 0s (Go 1.26: no error). The
// guard said such a duration is longer than Go holds, that the operator cannot decode the CR.
import { describe, expect, it } from '@jest/globals';
import { durationProblem } from '../../src/policy/go-text.js';

describe('durationProblem wraps as Go sums terms', () => {
  it.each([
    '9223372036854775808ns9223372036854775808ns',
    '-9223372036854775808ns9223372036854775808ns',
    '9223372036854775808ns9223372036.854775808s',
  ])('Go reads %s as 0s', (text) => expect(durationProblem(text)).toBeUndefined());

  it.each([
    '9223372036854775808ns9223372036854775807ns',
    '9223372036854775808ns1ns',
    '2562047h47m16.854775808s2562047h47m16.854775808s',
    '9223372036854775808ns9223372036.854775809s',
  ])('Go refuses %s', (text) => expect(durationProblem(text)).toMatch(/292 years/));
});
