// The MutatingAdmissionPolicies change an object exactly as the engine does, for the mutations they
// cover: on every case, the object after the policies' JSON Patches (evaluated with a CEL library,
// applied in order as the apiserver applies them) equals evaluate()'s object (the object alone, as
// the apiserver sees it: no PVs, Nodes or CRs). The table in docs/map.md is this test's output.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mutatingPolicies, mutationCoverage } from '../../src/map/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  hostAntiAffinityWith,
  run,
  TERM_SCOPES,
  targetPod,
} from '../support/builders.js';
import type { AgreementCase } from '../vap/cases.js';
import { mapCases } from './cases.js';
import { mutate } from './support/map-eval.js';
import { expectAgreementTable } from '../support/agreement-table.js';

const POLICIES = mutatingPolicies().filter((o) => o.kind === 'MutatingAdmissionPolicy');
const COVERED = new Map(mutationCoverage().map((c) => [c.kind, c.rules]));

interface Outcome {
  /** Rules whose mutation the engine reported. */
  engineRules: string[];
  /** Mutating rules the policies do not cover (must stay empty: the object alone decides). */
  uncovered: string[];
  engine: KubeObject;
  enginePatch: { op: string; path: string }[];
  map: KubeObject;
  mapPatch: { op: string; path: string }[];
  errors: string[];
}

export function judge(c: AgreementCase): Outcome {
  const covered = COVERED.get(c.object.kind ?? '') ?? [];
  const ev = run({ name: c.name, object: c.object, operation: c.operation, oldObject: c.oldObject });
  const rules = [...new Set(ev.findings.filter((f) => f.mutation).map((f) => f.ruleId))].sort();
  let object = c.object;
  const mapPatch: Outcome['mapPatch'] = [];
  const errors: string[] = [];
  for (const policy of POLICIES) {
    const m = mutate(policy, c.operation, object, c.oldObject);
    object = m.object;
    mapPatch.push(...m.patches.flat());
    errors.push(...m.errors);
  }
  return {
    engineRules: rules,
    uncovered: rules.filter((r) => !covered.includes(r)),
    engine: ev.object,
    enginePatch: ev.patch,
    map: object,
    mapPatch,
    errors,
  };
}

const CASES = mapCases();

describe("MAP results equal the engine's for the mutations they cover", () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = judge(c);
    expect(o.errors).toEqual([]);
    expect(o.uncovered).toEqual([]);
    expect(o.map).toEqual(o.engine);
  });

  it('every covered mutation changes some case, so no rule agrees only by never firing', () => {
    const fired = new Set(CASES.flatMap((c) => judge(c).engineRules.map((r) => `${c.object.kind} ${r}`)));
    for (const { kind, rules } of mutationCoverage())
      for (const rule of rules) expect(fired).toContain(`${kind} ${rule}`);
  });

  it('every JSONPatch the CEL library evaluated was rewritten from patchOp() form (none left typed)', () => {
    for (const p of POLICIES)
      for (const m of (p.spec as { mutations: { jsonPatch: { expression: string } }[] }).mutations) {
        const ops = m.jsonPatch.expression.match(/JSONPatch\{/g)?.length ?? 0;
        const plain = m.jsonPatch.expression.match(
          /JSONPatch\{op: '[a-z]+', path: '[^']*'(, value: |\})/g,
        )?.length;
        expect(plain).toBe(ops);
      }
  });
});

describe('on random objects from the builders', () => {
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const pinned = opt(fc.constant({ 'kubernetes.io/hostname': 'node-1' }));
  const objects: fc.Arbitrary<KubeObject> = fc.oneof(
    fc
      .record({
        size: opt(fc.integer({ min: -1, max: 4 })),
        disable: opt(fc.boolean()),
        legacyDisable: opt(fc.boolean()),
        hostPort: opt(fc.constantFrom(0, 51081)),
        nodeSelector: pinned,
        affinity: opt(
          fc.constantFrom(
            HOST_ANTI_AFFINITY(),
            HOST_ANTI_AFFINITY('other'),
            { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
            ...TERM_SCOPES.map(({ extra }) => hostAntiAffinityWith(extra)),
          ),
        ),
      })
      .map((o) => aistore(o)),
    fc
      .record({
        hostPort: opt(fc.constantFrom(0, 51081)),
        nodeSelector: pinned,
        ordinal: fc.integer({ min: 0, max: 3 }),
        terms: fc.subarray(['target', 'other-cr', 'cache']),
        scope: fc.nat(TERM_SCOPES.length),
        preferred: fc.boolean(),
        nodeAffinity: fc.boolean(),
      })
      .map(({ terms, scope, preferred, nodeAffinity, ...o }) => {
        const term = (t: string) =>
          t === 'cache'
            ? { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }
            : {
                ...HOST_ANTI_AFFINITY(t === 'target' ? 'ais' : 'other').podAntiAffinity
                  .requiredDuringSchedulingIgnoredDuringExecution[0],
                ...TERM_SCOPES[scope]?.extra, // one past the end: no scope fields
              };
        const anti: Record<string, unknown> = {};
        if (terms.length > 0) anti.requiredDuringSchedulingIgnoredDuringExecution = terms.map(term);
        if (preferred)
          anti.preferredDuringSchedulingIgnoredDuringExecution = [
            { weight: 1, podAffinityTerm: term('cache') },
          ];
        const affinity: Record<string, unknown> = {};
        if (Object.keys(anti).length > 0) affinity.podAntiAffinity = anti;
        if (nodeAffinity)
          affinity.nodeAffinity = {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }],
            },
          };
        return targetPod({ ...o, affinity: Object.keys(affinity).length > 0 ? affinity : undefined });
      }),
  );

  it('CREATE, and UPDATE of a CR: the same object', () => {
    fc.assert(
      fc.property(objects, objects, fc.boolean(), (object, other, asUpdate) => {
        const update = asUpdate && object.kind === 'AIStore' && other.kind === 'AIStore';
        const o = judge(
          update
            ? { name: 'random', operation: 'UPDATE', object, oldObject: other }
            : { name: 'random', operation: 'CREATE', object },
        );
        expect(o.errors).toEqual([]);
        expect(o.uncovered).toEqual([]);
        expect(o.map).toEqual(o.engine);
      }),
      { numRuns: 1000 },
    );
  });
});

// The table in docs/map.md, between its markers. AIS_GUARD_WRITE_DOCS=1 rewrites it.
describe('docs/map.md', () => {
  it('shows this agreement table', () => {
    const ops = (patch: { op: string; path: string }[]) =>
      patch.length > 0 ? patch.map((p) => `\`${p.op} ${p.path}\``).join('<br>') : '—';
    const rows = CASES.map((c) => {
      const o = judge(c);
      const same = JSON.stringify(o.map) === JSON.stringify(o.engine) && o.errors.length === 0;
      const rules = o.engineRules.length > 0 ? o.engineRules.map((r) => `\`${r}\``).join(', ') : '—';
      return `| ${c.name} | ${c.operation} | ${rules} | ${ops(o.enginePatch)} | ${ops(o.mapPatch)} | ${same ? 'yes' : '**NO**'} |`;
    });
    const table = [
      '| object | operation | engine mutates with | engine patch | MAP patch | same object |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
    expectAgreementTable('docs/map.md', table);
  });
});
