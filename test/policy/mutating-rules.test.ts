// The mutating webhook runs only the rules that may change the object (MUTATING_RULES). Its answer
// is the patch and the mutation findings, so those must be exactly what all the rules give, for
// any object: the fixtures, and random objects mutated from seeds (fast-check), with and without
// a cluster context, on CREATE and on UPDATE, in enforce and in audit mode.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseSource } from '../../src/cli/load.js';
import {
  ClusterContext,
  evaluate,
  MUTATING_RULES,
  RULES,
  type Evaluation,
  type KubeObject,
  type Modes,
  type Subject,
} from '../../src/policy/index.js';
import {
  aistore,
  claimName,
  HOST_ANTI_AFFINITY,
  oneNodeDisks,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { FIXTURE_FILES, fixture } from '../support/fixtures.js';
import { paths, replaceAt } from '../support/mutate.js';

/** What the mutating call answers with. */
const mutatingAnswer = (ev: Evaluation) => ({
  patch: ev.patch,
  findings: ev.findings.filter((f) => f.mutation),
  multiTarget: ev.multiTarget,
  signal: ev.signal,
});

const contexts = [new ClusterContext(), new ClusterContext([aistore({ disable: true }), ...oneNodeDisks()])];
const MODES: (Modes | undefined)[] = [
  undefined,
  { default: 'audit' },
  { default: 'enforce', rules: { 'anti-affinity-not-disabled': 'audit', 'target-host-port': 'audit' } },
];

function expectSameAnswer(subject: Subject) {
  for (const ctx of contexts)
    for (const modes of MODES) {
      const all = evaluate(subject, ctx, { modes, rules: RULES });
      const mutating = evaluate(subject, ctx, { modes, rules: MUTATING_RULES });
      expect(mutatingAnswer(mutating)).toEqual(mutatingAnswer(all));
    }
}

const fixtureObjects = FIXTURE_FILES.flatMap((file) =>
  parseSource(file, readFileSync(fixture(file.slice(0, 2)), 'utf8'), []).manifests.map((m) => m.object),
);

const seeds: KubeObject[] = [
  aistore({ disable: true, hostPort: 1, legacyDisable: true, affinity: HOST_ANTI_AFFINITY() }),
  aistore({ legacyDisable: true }),
  targetStatefulSet({ hostPort: 1, affinity: HOST_ANTI_AFFINITY() }),
  targetPod({ ordinal: 1, affinity: HOST_ANTI_AFFINITY() }),
  pvc(claimName(1)),
  pv('p', { claim: claimName(0) }),
  ...fixtureObjects,
];

describe('MUTATING_RULES', () => {
  it('are the rules that may change an object, in catalogue order', () => {
    expect(MUTATING_RULES.map((r) => r.id)).toEqual(RULES.filter((r) => r.mutates).map((r) => r.id));
    expect(MUTATING_RULES.length).toBeGreaterThan(0);
  });

  it.each(fixtureObjects.map((object) => ({ name: `${object.kind} ${object.metadata?.name}`, object })))(
    'fixture $name: the same patch and mutation findings as all rules',
    ({ object }) => {
      expectSameAnswer({ operation: 'CREATE', object, namespace: 'ais' });
      expectSameAnswer({ operation: 'UPDATE', object, oldObject: object, namespace: 'ais' });
    },
  );

  it('random objects: the same patch and mutation findings as all rules (2,000 runs)', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.nat(), fc.oneof(fc.jsonValue(), fc.constant(true), fc.integer()))
      .map(([seed, n, value]) => {
        const all = paths(seed);
        return replaceAt(seed, all[n % all.length] as (string | number)[], value) as KubeObject;
      });
    fc.assert(
      fc.property(mutated, fc.constantFrom('CREATE' as const, 'UPDATE' as const), (object, operation) => {
        const oldObject = operation === 'UPDATE' ? aistore({ disable: true }) : undefined;
        expectSameAnswer({ operation, object, oldObject, namespace: 'ais' });
      }),
      { numRuns: 2000 },
    );
  });
});
