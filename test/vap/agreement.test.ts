// The CEL policies agree with the engine, rule by rule, on every shared fixture and builder case:
// for each rule a policy covers, the policy rejects exactly when evaluate() (the object alone, as the
// apiserver sees it) denies. Evaluated with a CEL library, so the expressions themselves are tested,
// not a re-reading of them. The table in docs/vap.md is this test's output.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { coverage } from '../../src/vap/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  hostAntiAffinityWith,
  pvc,
  TERM_SCOPES,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { builderCases, fixtureCases, type AgreementCase } from './cases.js';
import { judgeAgreement } from './support/agreement.js';
import { expectAgreementTable } from '../support/agreement-table.js';

const CASES = [...fixtureCases(), ...builderCases()];

describe("VAP verdicts equal the engine's for the rules they cover", () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const outcome = judgeAgreement(c);
    expect(outcome.errors).toEqual([]);
    expect(outcome.vap).toEqual(outcome.engine);
  });

  it('every covered rule is denied by some case, so no rule agrees only by never firing', () => {
    const fired = new Set(CASES.flatMap((c) => judgeAgreement(c).vap.map((r) => `${c.object.kind} ${r}`)));
    for (const { kind, rules } of coverage())
      for (const rule of rules) expect(fired).toContain(`${kind} ${rule}`);
  });
});

/**
 * Where the policies knowingly differ (docs/vap.md "Differences"): objects the operator never makes,
 * which the webhook judges and the policies do not. Held here so a change of either side is seen.
 */
describe('documented differences: the engine denies, the policy is not asked', () => {
  const PINNED = { 'kubernetes.io/hostname': 'node-1' };
  const AIS_OWNER = { apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: 'ais', uid: 'u1' };
  const withMeta = (o: KubeObject, m: Record<string, unknown>): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, ...m },
  });
  const cases: AgreementCase[] = [
    // recognise.ts takes <cr>-target owned by AIStore <cr> without target labels; the policies'
    // matchConditions ask for a component label (what the operator's NewTargetSS always sets).
    {
      name: 'StatefulSet ais-target owned by AIStore ais, no component label, hostPort',
      operation: 'CREATE',
      object: withMeta(targetStatefulSet({ hostPort: 51081, nodeSelector: PINNED }), {
        labels: { 'app.kubernetes.io/name': 'ais' },
        ownerReferences: [AIS_OWNER],
      }),
    },
    {
      name: 'Pod ais-target-1 owned by AIStore ais, no labels, hostPort',
      operation: 'CREATE',
      object: withMeta(targetPod({ ordinal: 1, hostPort: 51081, nodeSelector: PINNED }), {
        labels: {},
        ownerReferences: [AIS_OWNER],
      }),
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const outcome = judgeAgreement(c);
    expect(outcome.errors).toEqual([]);
    expect(outcome.engine).not.toEqual([]);
    expect(outcome.vap).toEqual([]);
  });

  it('a CR whose mount pairs cost past the budget, two on one directory: only the engine compares them', () => {
    // 300 mounts x (5 x 300 + ~2,700 characters / 10) is past PAIRWISE_BUDGET.
    const paths = Array.from({ length: 300 }, (_, i) => `/mnt/d${i}`);
    const mounts = [...paths.map((path) => ({ path, size: '1Ti' })), { path: '/mnt/d0', useHostPath: true }];
    const outcome = judgeAgreement({
      name: 'many mounts',
      operation: 'CREATE',
      object: aistore({ disable: true, mounts }),
    });
    expect(outcome.errors).toEqual([]);
    expect(outcome.engine).toEqual(['mount-path-unique', 'target-host-path-shared']);
    expect(outcome.vap).toEqual(['target-host-path-shared']);
  });

  it('a pod with two AIStore owners: the engine reads the first, the policy any (it denies, the engine not)', () => {
    const outcome = judgeAgreement({
      name: 'two owners',
      operation: 'CREATE',
      object: withMeta(targetPod({ ordinal: 1, hostPort: 51081, nodeSelector: PINNED }), {
        labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
        ownerReferences: [{ ...AIS_OWNER, name: 'other', uid: 'u0' }, AIS_OWNER],
      }),
    });
    expect(outcome.engine).toEqual([]);
    expect(outcome.vap).toEqual(['target-host-port']);
  });
});

describe('on random objects from the builders', () => {
  const SCOPED_TERMS = TERM_SCOPES.map(({ extra }) => hostAntiAffinityWith(extra));
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const podOptions = fc.record({
    hostPort: opt(fc.constantFrom(0, 51081)),
    hostNetwork: opt(fc.boolean()),
    nodeSelector: opt(fc.constant({ 'kubernetes.io/hostname': 'node-1' })),
    affinity: opt(fc.constantFrom(HOST_ANTI_AFFINITY(), HOST_ANTI_AFFINITY('other'), ...SCOPED_TERMS)),
  });
  const objects: fc.Arbitrary<KubeObject> = fc.oneof(
    fc
      .record({
        size: opt(fc.integer({ min: -1, max: 4 })),
        disable: opt(fc.boolean()),
        legacyDisable: opt(fc.boolean()),
        hostPort: opt(fc.constantFrom(0, 51081)),
        hostNetwork: opt(fc.boolean()),
        nodeSelector: opt(fc.constant({ 'kubernetes.io/hostname': 'node-1' })),
        affinity: opt(fc.constantFrom(HOST_ANTI_AFFINITY(), ...SCOPED_TERMS)),
        mounts: opt(
          fc.array(
            fc.record({
              path: fc.constantFrom(
                '/data',
                '/data/a',
                '/data-a',
                'data',
                '/x/',
                '/x',
                '/ais/sda',
                '/data//a',
                '/etc/ais',
                '/var/certs',
              ),
              useHostPath: opt(fc.boolean()),
            }),
            { minLength: 1, maxLength: 3 },
          ),
        ),
        // Fields that make the operator mount a directory of its own (rule mount-path-unique).
        specExtra: opt(
          fc.constantFrom({ tls: {} }, { awsSecretName: 'aws' }, { tls: {}, ociSecretName: 'oci' }),
        ),
      })
      .map(({ specExtra, ...o }) => {
        const cr = aistore(o);
        Object.assign(cr.spec as Record<string, unknown>, specExtra);
        return cr;
      }),
    fc
      .tuple(podOptions, fc.integer({ min: 0, max: 3 }))
      .map(([o, replicas]) => targetStatefulSet({ ...o, replicas })),
    fc.tuple(podOptions, fc.integer({ min: 0, max: 12 })).map(([o, ordinal]) => targetPod({ ...o, ordinal })),
    fc
      .tuple(
        fc.constantFrom('ais', 'a.b', 'x'),
        fc.constantFrom('data', 'data-aistore', 'ais-data'),
        fc.nat(12),
      )
      .chain(([cr, middle, n]) =>
        fc
          .constantFrom(
            `${cr}-${middle}-${cr}-target-${n}`,
            `${middle}-${cr}-target-${n}`,
            `${cr}-${middle}-${n}`,
            `ais-ais-state-ais-target-${n}`,
          )
          .map((name) =>
            pvc(name, { labels: { 'app.kubernetes.io/name': cr, 'app.kubernetes.io/component': 'target' } }),
          ),
      ),
  );

  it('CREATE and UPDATE (ratcheting) agree', () => {
    fc.assert(
      fc.property(objects, objects, fc.boolean(), (object, other, asUpdate) => {
        const sameKind = other.kind === object.kind;
        const c: AgreementCase =
          asUpdate && sameKind
            ? { name: 'random', operation: 'UPDATE', object, oldObject: other }
            : { name: 'random', operation: 'CREATE', object };
        const outcome = judgeAgreement(c);
        expect(outcome.errors).toEqual([]);
        if (c.operation === 'CREATE') return void expect(outcome.vap).toEqual(outcome.engine);
        // On UPDATE the engine ratchets per field (a violation at a path the old object had), the
        // policy per rule (CEL cannot pair list items by index): where the old object already broke
        // a rule the policy allows, elsewhere the two agree exactly.
        const before = judgeAgreement({ name: 'old', operation: 'UPDATE', object: other });
        for (const rule of outcome.covered) {
          if (before.engine.includes(rule)) expect(outcome.vap).not.toContain(rule);
          else expect(outcome.vap.includes(rule)).toBe(outcome.engine.includes(rule));
        }
      }),
      { numRuns: 1500 },
    );
  });
});

// The table in docs/vap.md, between its markers. AIS_GUARD_WRITE_DOCS=1 rewrites it.
describe('docs/vap.md', () => {
  it('shows this agreement table', () => {
    const cell = (rules: string[]) => (rules.length > 0 ? rules.map((r) => `\`${r}\``).join(', ') : '—');
    const rows = CASES.map((c) => {
      const o = judgeAgreement(c);
      const same = o.engine.join() === o.vap.join() && o.errors.length === 0;
      return `| ${c.name} | ${c.operation} | ${cell(o.engine)} | ${cell(o.vap)} | ${same ? 'yes' : '**NO**'} |`;
    });
    const table = [
      '| object | operation | engine denies (object alone) | VAP denies | agree |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
    expectAgreementTable('docs/vap.md', table);
  });
});
