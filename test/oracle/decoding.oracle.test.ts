// The fields of an AIStore spec the operator's decoder judges, against the operator's own Go types
// (test/oracle/go: `decoded` lists them by reflection, `decode` decodes CRs with the scheme's
// deserializer, as the operator's client reads AIStores). The guard's list
// (src/policy/operator-decoding.ts) must be the operator's; at each integer field's bounds, and on
// durations and IEC sizes written every which way, the guard must warn exactly when the operator
// cannot decode the CR.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  DECODED_FIELDS,
  evaluate,
  EMPTY_CONTEXT,
  INTEGER_BOUNDS,
  type GoInteger,
  type KubeObject,
} from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';
import { DURATIONS, SIZES } from '../support/go-text-cases.js';

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
function crWith(path: string, value: number | string): KubeObject {
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

/** What the operator's decoder says of each CR: "" when it decodes. */
const decodeErrors = (crs: KubeObject[]) =>
  JSON.parse(
    execFileSync(binary as string, ['decode'], {
      input: JSON.stringify(crs),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  ) as string[];

/** Whether the guard says the operator cannot decode the CR. */
const guardWarns = (cr: KubeObject) =>
  evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.some(
    (f) => f.ruleId === 'operator-refuses-spec' && f.message.includes('the operator cannot decode the CR'),
  );

/** Each case the guard and the operator disagree on, in words. */
function disagreements(cases: { what: string; cr: KubeObject; decodes?: boolean }[]): string[] {
  const errors = decodeErrors(cases.map((c) => c.cr));
  return cases.flatMap(({ what, cr, decodes }, i) => {
    const refused = errors[i] !== '';
    const warned = guardWarns(cr);
    const expected = decodes === undefined ? warned === refused : warned === !decodes && refused === !decodes;
    return expected
      ? []
      : [
          `${what}: guard ${warned ? 'warns' : 'silent'}, operator ${refused ? `cannot decode (${errors[i]})` : 'decodes'}`,
        ];
  });
}

const fieldsOf = (kind: string) => Object.keys(DECODED_FIELDS).filter((p) => DECODED_FIELDS[p] === kind);

maybe('the operator (v3.4.0 source): the fields its decoder judges', () => {
  test('the guard lists every such field of the spec with how the operator decodes it', () => {
    const operator = JSON.parse(
      execFileSync(binary as string, ['decoded'], { encoding: 'utf8' }),
    ) as string[];
    const guard = Object.entries(DECODED_FIELDS).map(([path, kind]) => `${path} ${kind}`);
    expect(guard.sort()).toEqual([...operator].sort());
  });

  test('at and past each integer field bound the guard warns exactly when the operator cannot decode the CR', () => {
    const cases = Object.entries(DECODED_FIELDS).flatMap(([path, kind]) =>
      kind === 'duration' || kind === 'size-iec'
        ? []
        : probes(kind).map(({ value, fits }) => ({
            what: `${path} (${kind}) = ${value}`,
            cr: crWith(path, value),
            decodes: fits,
          })),
    );
    expect(disagreements(cases)).toEqual([]);
    expect(cases.length).toBe(
      (Object.keys(DECODED_FIELDS).length - fieldsOf('duration').length - fieldsOf('size-iec').length) * 5,
    );
  });

  test.each(['duration', 'size-iec'])(
    '%s text: the guard warns exactly when the operator cannot decode the CR',
    (kind) => {
      const fields = fieldsOf(kind);
      const written = (kind === 'duration' ? DURATIONS : SIZES).map(([text]) => text);
      // Every written form in every field, then random text from the characters that matter.
      const alphabet = kind === 'duration' ? '0123456789.+-nuµμmsh x' : '0123456789.+-_eExXpPkKmMgGtTiIbB ';
      const random = fc.sample(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 10 }), {
        seed: 42,
        numRuns: 3000,
      });
      const cases = [
        ...fields.flatMap((path) =>
          written.map((text) => ({ what: `${path} = ${JSON.stringify(text)}`, cr: crWith(path, text) })),
        ),
        ...random.map((text, i) => {
          const path = fields[i % fields.length]!;
          return { what: `${path} = ${JSON.stringify(text)}`, cr: crWith(path, text) };
        }),
      ];
      expect(disagreements(cases)).toEqual([]);
    },
  );
});

if (!binary) {
  test('oracle binary', () => {
    throw new Error(
      'ORACLE_BIN is not set: run `npm run test:oracle` (test/oracle/run.sh), which builds the oracle',
    );
  });
}
