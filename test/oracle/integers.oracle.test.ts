// The integers of an AIStore spec against the operator's own Go types (test/oracle/go: `integers`
// lists them by reflection, `decode` decodes CRs with the scheme's deserializer, as the operator's
// client reads AIStores). The guard's list (src/policy/operator-integers.ts) must be the operator's,
// and at each field's bounds the guard must warn exactly when the operator cannot decode the CR.
import { execFileSync } from 'node:child_process';
import {
  evaluate,
  EMPTY_CONTEXT,
  INTEGER_BOUNDS,
  OPERATOR_INTEGERS,
  type GoInteger,
  type KubeObject,
} from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

const binary = process.env.ORACLE_BIN;
const maybe = binary ? describe : describe.skip;

/** The next float past `v` away from zero: past 2^53 the next integer is not v ± 1. */
function past(v: number, direction: 1 | -1): number {
  let step = 1;
  while (v + direction * step === v) step *= 2;
  return v + direction * step;
}

/** Numbers at and just past the bounds of a Go type, and one that is no integer. */
function probes(type: GoInteger): { value: number; fits: boolean }[] {
  const [min, max] = INTEGER_BOUNDS[type];
  return [
    { value: min, fits: true },
    { value: max, fits: true },
    { value: past(min, -1), fits: false },
    { value: past(max, 1), fits: false },
    { value: 1.5, fits: false },
  ];
}

/** A CR the operator accepts, with `value` at `path` (each "[]" a one-item list). */
function crWith(path: string, value: number): KubeObject {
  const cr = structuredClone(aistore());
  const segments = path.replaceAll('[]', '.0').split('.');
  let at = cr as Record<string, unknown>;
  segments.slice(0, -1).forEach((segment, i) => {
    at[segment] ??= segments[i + 1] === '0' ? [] : {};
    at = at[segment] as Record<string, unknown>;
  });
  at[segments.at(-1)!] = value;
  return cr;
}

maybe('the operator (v3.4.0 source): the integers of the spec', () => {
  test('the guard lists every integer field of the spec with the Go type the operator decodes it into', () => {
    const operator = JSON.parse(
      execFileSync(binary as string, ['integers'], { encoding: 'utf8' }),
    ) as string[];
    const guard = Object.entries(OPERATOR_INTEGERS).map(([path, type]) => `${path} ${type}`);
    expect(guard.sort()).toEqual([...operator].sort());
  });

  test('at and past each field bound the guard warns exactly when the operator cannot decode the CR', () => {
    const cases = Object.entries(OPERATOR_INTEGERS).flatMap(([path, type]) =>
      probes(type).map(({ value, fits }) => ({ path, type, value, fits, cr: crWith(path, value) })),
    );
    const errors = JSON.parse(
      execFileSync(binary as string, ['decode'], {
        input: JSON.stringify(cases.map((c) => c.cr)),
        encoding: 'utf8',
      }),
    ) as string[];
    const wrong = cases.flatMap(({ path, type, value, fits, cr }, i) => {
      const warned = evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.some(
        (f) => f.ruleId === 'operator-refuses-spec' && / is no \w+ \(/.test(f.message),
      );
      const refused = errors[i] !== '';
      const expected = fits ? [false, false] : [true, true];
      return warned === expected[0] && refused === expected[1]
        ? []
        : [
            `${path} (${type}) = ${value}: guard ${warned ? 'warns' : 'silent'}, operator ${refused ? `cannot decode (${errors[i]})` : 'decodes'}`,
          ];
    });
    expect(wrong).toEqual([]);
    expect(cases.length).toBe(Object.keys(OPERATOR_INTEGERS).length * 5);
  });
});

if (!binary) {
  test('oracle binary', () => {
    throw new Error(
      'ORACLE_BIN is not set: run `npm run test:oracle` (test/oracle/run.sh), which builds the oracle',
    );
  });
}
