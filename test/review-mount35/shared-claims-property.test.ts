// mount-template-name's claims shared across CRs of a namespace, held to the StatefulSet controller's
// naming: CR c's target pod N claims <template>-<c>-target-<N> for each of its templates (the data
// mounts' c + path-with-dashes, Mount.GetPVCName, then the state template <ns>-<c>-state with
// spec.stateStorage.pvc, cmn/res.go getStatePVCName); ordinals start at 0 in every set, so two CRs
// share claims exactly when a <template>-<c> of one is a <template>-<c> of the other.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aistore, findingsOf, run, type MountSpec } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const NS = 'ais';
const segment = fc.constantFrom('data', 'ais', 'a', 'state', 'a-ais', 'x');
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => '/' + p.join('/'));
const cr = fc.record({
  name: fc.constantFrom('ais', 'ais-ais', 'a', 'a-a', 'ais-a'),
  state: fc.boolean(),
  paths: fc.array(path, { minLength: 1, maxLength: 3 }),
});
type Cr = { name: string; state: boolean; paths: string[] };

const templates = (c: Cr) => [
  ...c.paths.map((p) => c.name + p.replaceAll('/', '-')),
  ...(c.state ? [`${NS}-${c.name}-state`] : []),
];
const stems = (c: Cr) => templates(c).map((t) => `${t}-${c.name}`);
const object = (c: Cr): KubeObject => {
  const o = aistore({
    name: c.name,
    namespace: NS,
    mounts: c.paths.map((p): MountSpec => ({ path: p, size: '1Ti' })),
  });
  if (c.state) (o.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'local' } };
  return o;
};

describe('mount-template-name: claims of two CRs of a namespace', () => {
  it("denies the new CR exactly when a template of its own repeats or a claim of it is another CR's", () => {
    fc.assert(
      fc.property(cr, fc.array(cr, { maxLength: 2 }), (mine, others) => {
        const rest = others.filter(
          (o, i) => o.name !== mine.name && others.findIndex((p) => p.name === o.name) === i,
        );
        const own = templates(mine);
        const shared = rest.some((o) => stems(o).some((s) => stems(mine).includes(s)));
        const expected = new Set(own).size !== own.length || shared;
        const ev = run({ name: 'x', object: object(mine), context: rest.map(object) });
        const denied = findingsOf(ev, 'mount-template-name').some((f) => f.severity === 'deny');
        expect({ mine, rest, denied }).toEqual({ mine, rest, denied: expected });
      }),
      { numRuns: 3000 },
    );
  });
});
