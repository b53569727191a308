// The name shapes the policies check with string functions (src/vap/targets.ts laterTargetName,
// dataClaimName) hold exactly what the regular expressions they replaced held, for any CR name,
// including names with "." (a regex metacharacter) and names that repeat "<cr>-target-".
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { dataClaimName, laterTargetName } from '../../src/vap/targets.js';
import { evalCel } from './support/vap-eval.js';

const quote = (s: string) => s.replaceAll('.', '\\.');
const laterTarget = (name: string, cr: string) =>
  new RegExp(`(^|-)${quote(cr)}-target-[1-9][0-9]*$`).test(name);
const dataClaim = (name: string, cr: string) =>
  new RegExp(`^${quote(cr)}-.+-${quote(cr)}-target-(0|[1-9][0-9]*)$`).test(name);

/** The expression's boolean; an evaluation error fails the test (under failurePolicy Fail it would deny). */
function cel(expression: string, name: string, cr: string): boolean {
  const result = evalCel(expression, { name, cr });
  if (typeof result !== 'boolean') throw new Error(`${expression} on ${name}, ${cr}: ${String(result)}`);
  return result;
}

// Names built from the pieces the shapes are made of, so matches are frequent, not luck.
const piece = fc.constantFrom('a', 'b', 'a.b', '-', '.', 'target', '-target-', '0', '1', '12', '01', 'x');
const word = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join(''));
const cr = fc.constantFrom('', 'a', 'ais', 'a.b', 'a-target', 'x1');
const name = fc.oneof(
  word,
  fc.tuple(word, cr, fc.constantFrom('0', '1', '12', '01', 'x')).map(([w, c, n]) => `${w}-${c}-target-${n}`),
  fc.tuple(cr, word, fc.constantFrom('0', '3', '10', '00')).map(([c, w, n]) => `${c}-${w}-${c}-target-${n}`),
  fc.tuple(cr, fc.constantFrom('1', '0', '7')).map(([c, n]) => `${c}-target-${n}`),
  // Shorter than the marker, or the marker cut short: no index may fall outside the name.
  fc.constantFrom('', '-', 'a', 'ais-', 'ais-target-', '-target-1', 'target-1'),
);

describe('name shapes without a pattern built from the CR name', () => {
  const rows: [string, string, boolean, boolean][] = [
    ['ais-target-1', 'ais', true, false],
    ['ais-target-0', 'ais', false, false],
    ['x-ais-target-12', 'ais', true, false],
    ['xais-target-1', 'ais', false, false],
    ['a.b-target-2', 'a.b', true, false],
    ['aXb-target-2', 'a.b', false, false],
    ['ais-data-aistore-ais-target-0', 'ais', false, true],
    ['ais--ais-target-0', 'ais', false, false],
    ['ais-d-ais-target-01', 'ais', false, false],
    ['a-target-a-target-a-target-3', 'a', true, true],
    ['a-target-a-target-a-target-3', 'a-target', false, false],
  ];
  it.each(rows)('%s of CR %s: later target %s, data claim %s', (n, c, later, claim) => {
    expect([laterTarget(n, c), dataClaim(n, c)]).toEqual([later, claim]);
    expect(cel(laterTargetName('name', 'cr'), n, c)).toBe(later);
    expect(cel(dataClaimName('name', 'cr'), n, c)).toBe(claim);
  });

  it('agree with the regular expressions on generated names', () => {
    fc.assert(
      fc.property(name, cr, (n, c) => {
        expect(cel(laterTargetName('name', 'cr'), n, c)).toBe(laterTarget(n, c));
        expect(cel(dataClaimName('name', 'cr'), n, c)).toBe(dataClaim(n, c));
      }),
      { numRuns: 5000 },
    );
  });
});
