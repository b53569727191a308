// Review sess29: a review's work must follow its own deployment, not the cluster (scale.test.ts).
// 97c3c70's namespace warnings look PVs up by claim name and CRs by name across namespaces
// (targetPvsForClaimNamed, aistoresNamed). Many teams each running an AIStore of the default name
// "ais" in their own namespace, with hand-made PVs, is a common shape: a review in one namespace
// then touched every team's CR (aistoresNamed: all of them, sorted) and every team's PV for each
// of its claims (one per namespace per claim name), growing with the number of teams.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject, type Operation } from '../../src/policy/index.js';
import { aistore, claimName, node, pv } from '../support/builders.js';

const TARGETS = 6;

/** `teams` namespaces team-<k>, each with an AIStore "ais" and a hand-made PV per target. */
function teams(count: number): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let k = 0; k < count; k++) {
    const namespace = `team-${k}`;
    objects.push(aistore({ namespace, size: TARGETS, disable: true }));
    for (let i = 0; i < TARGETS; i++)
      objects.push(
        pv(`team-${k}-pv-${i}`, {
          claim: claimName(i),
          claimNamespace: namespace,
          host: `node-${i}`,
          path: `/t${k}`,
        }),
      );
  }
  return objects;
}

// The PV reviewed is on a node of its own: a disk's check reads the other PVs of its node, by design.
const nodes = [...Array.from({ length: TARGETS }, (_, i) => node(`node-${i}`)), node('mine')];
const mine = aistore({ namespace: 'ais', size: TARGETS, disable: true }); // no PV of its own yet
const myPV = pv('my-pv-0', { claim: claimName(0), claimNamespace: 'ais', host: 'mine', path: '/mine' });

const REVIEWS: [string, Operation, KubeObject, KubeObject[]][] = [
  ['the CR’s CREATE, its PVs not made yet', 'CREATE', mine, []],
  ['the CR’s UPDATE, its PVs not made yet', 'UPDATE', mine, [mine]],
  ['a PV made before its CR (README’s order)', 'CREATE', myPV, []],
];

function cost(others: KubeObject[], operation: Operation, object: KubeObject, own: KubeObject[]): number {
  const ctx = new ClusterContext([...nodes, ...own, ...others]);
  const request = operation === 'UPDATE' ? { operation, object, oldObject: object } : { operation, object };
  evaluate(request, ctx);
  ctx.visited = 0;
  evaluate(request, ctx);
  return ctx.visited;
}

describe('teams running an AIStore "ais" each in their namespace', () => {
  it.each(REVIEWS)('%s: the same objects touched beside 10 and 100 teams', (_, operation, object, own) => {
    const small = cost(teams(10), operation, object, own);
    const large = cost(teams(100), operation, object, own);
    expect(large).toBe(small);
  });
});
