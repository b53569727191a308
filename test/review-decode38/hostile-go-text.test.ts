// review decode38: the durations and IEC sizes of an AIStore CR are judged on every review of it
// (operator-refuses-spec, daemon-resources-refused), so text the apiserver stores there (any string
// up to its 3 MiB body) must be judged in time linear in its length. Before: the trim of Go's white
// space was a regex whose trailing half backtracked over every run of spaces, quadratic (a review
// with 200,000 spaces in memsys.min_free took 44 s, the 3 MiB a CR may hold minutes, the event loop
// blocked meanwhile); now 11 ms. Each case is bounded at 10 s: only such a blow-up reaches that on a
// busy machine. How fast a review is belongs to the bench, not here.
import { describe, expect, it } from '@jest/globals';
import { evaluate, EMPTY_CONTEXT, type KubeObject } from '../../src/policy/index.js';
import { durationProblem, sizeBytes, sizeProblem } from '../../src/policy/go-text.js';
import { aistore } from '../support/builders.js';

/** Far above any linear judgement of these strings, far below the quadratic one's 44 s. */
const BLOW_UP_MS = 10_000;

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

describe('sizes and durations of hostile length are judged without a blow-up', () => {
  it('a long run of spaces inside a size (150,000) is refused at once', () => {
    const [ms, problem] = timed(() => sizeProblem(`1${' '.repeat(150_000)}1`));
    expect(problem).toMatch(/no plain number/);
    expect(ms).toBeLessThan(BLOW_UP_MS);
  });

  it('a review of a CR whose memsys.min_free holds 200,000 spaces between digits', () => {
    const cr = crWith({ memsys: { min_free: `1${'\u2003'.repeat(200_000)}G` } });
    const [ms, ev] = timed(() => evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT));
    expect(ev.findings.some((f) => f.ruleId === 'operator-refuses-spec')).toBe(true);
    expect(ms).toBeLessThan(BLOW_UP_MS);
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
    expect(ms).toBeLessThan(BLOW_UP_MS);
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
    expect(ms).toBeLessThan(BLOW_UP_MS);
  });
});
