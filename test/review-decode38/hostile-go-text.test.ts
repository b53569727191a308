// review decode38: the durations and IEC sizes of an AIStore CR are judged on every review of it
// (operator-refuses-spec, daemon-resources-refused), so text the apiserver stores there (any string
// up to its 3 MiB body) must be judged within the evaluation budget: 50 ms for any review, asserted
// at 500 ms so a busy machine does not fail it. Before: the trim of Go's white space was a regex
// whose trailing half backtracked over every run of spaces, quadratic (a 40,000-space run in
// memsys.min_free took 0.7 s, 150,000 about 10 s, the 3 MiB a CR may hold minutes, with the event
// loop blocked); a 2 MB run of digits or letters took 0.3-0.7 s (each character upper-cased
// through an array, the digits parsed as one BigInt).
import { describe, expect, it } from '@jest/globals';
import { evaluate, EMPTY_CONTEXT, type KubeObject } from '../../src/policy/index.js';
import { durationProblem, sizeBytes, sizeProblem } from '../../src/policy/go-text.js';
import { aistore } from '../support/builders.js';

/** Milliseconds `f` takes, with what it returned. */
function timed<T>(f: () => T): [number, T] {
  const start = process.hrtime.bigint();
  const out = f();
  return [Number(process.hrtime.bigint() - start) / 1e6, out];
}

function crWith(config: Record<string, unknown>): KubeObject {
  const cr = structuredClone(aistore());
  (cr.spec as Record<string, unknown>).configToUpdate = config;
  return cr;
}

describe('sizes and durations of hostile length are judged within the budget', () => {
  it('a long run of spaces inside a size (150,000) is refused at once', () => {
    const [ms, problem] = timed(() => sizeProblem(`1${' '.repeat(150_000)}1`));
    expect(problem).toMatch(/no plain number/);
    expect(ms).toBeLessThan(500);
  });

  it('a review of a CR whose memsys.min_free holds 200,000 spaces between digits', () => {
    const cr = crWith({ memsys: { min_free: `1${'\u2003'.repeat(200_000)}G` } });
    const [ms, ev] = timed(() => evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT));
    expect(ev.findings.some((f) => f.ruleId === 'operator-refuses-spec')).toBe(true);
    expect(ms).toBeLessThan(500);
  });

  it.each([
    ['2 MB of digits', '1'.repeat(2_000_000), 'refused'],
    ['2 MB of leading zeros before a size', `${'0'.repeat(2_000_000)}1GiB`, 'read'],
    ['2 MB of letters', 'k'.repeat(2_000_000), 'refused'],
    ['2 MB of non-ASCII letters', 'é'.repeat(2_000_000), 'refused'],
    ['a fraction of 2 MB', `1.${'5'.repeat(2_000_000)}M`, 'read'],
  ])('%s', (_, text, verdict) => {
    const [ms, problem] = timed(() => [sizeProblem(text), sizeBytes(text)] as const);
    if (verdict === 'read') expect(problem[0]).toBeUndefined();
    else expect(problem).toEqual(['no plain number before the unit', undefined]);
    expect(ms).toBeLessThan(500);
  });

  it('the exact bytes survive the leading zeros', () => {
    expect(sizeBytes(`${'0'.repeat(100)}1GiB`)).toBe(1024 ** 3);
    expect(sizeBytes(`-${'0'.repeat(100)}9223372036854775807`)).toBe(-(2 ** 63));
    expect(sizeProblem(`+${'0'.repeat(100)}9223372036854775808`)).toMatch(/no plain number/);
  });

  it.each([
    ['2 MB of digits', `${'1'.repeat(2_000_000)}s`, /292 years/],
    ['2 MB of leading zeros', `${'0'.repeat(2_000_000)}1s`, undefined],
  ])('a duration of %s', (_, text, why) => {
    const [ms, problem] = timed(() => durationProblem(text));
    if (why) expect(problem).toMatch(why);
    else expect(problem).toBeUndefined();
    expect(ms).toBeLessThan(500);
  });
});
