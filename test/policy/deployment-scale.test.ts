// A PV review costs what the PVs beside it cost (its claim, its target, its node), not what its whole
// AIStore deployment holds: `check`, `plan` and `audit` review every PV of a set, and each review
// walking the set made 10,000 PVs of one CR take 50 s to check (quadratic), 3.6 s with the index
// (layout.ts targetVolumesNear). Counted with the context's `visited` counter, not timed.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, evaluateSet, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv } from '../support/builders.js';

const DISKS = 4;

/** A multi-target CR of `targets` targets, DISKS per node, a local PV per target on its own disk. */
function deployment(targets: number): KubeObject[] {
  const objects: KubeObject[] = [aistore({ size: targets, disable: true })];
  for (let n = 0; n < targets / DISKS; n++) objects.push(node(`node-${n}`));
  for (let i = 0; i < targets; i++) {
    const host = `node-${Math.floor(i / DISKS)}`;
    objects.push(pv(`pv-${i}`, { claim: claimName(i), host, path: `/ais/d${i % DISKS}`, local: true }));
  }
  return objects;
}

/**
 * Objects touched by a review of PV `i` once every PV of the set was reviewed (as check, plan and
 * audit do): the set's list is then indexed (a few reviews walk it first).
 */
function cost(objects: KubeObject[], i: number): number {
  const ctx = new ClusterContext(objects);
  const volumes = objects.filter((o) => o.kind === 'PersistentVolume');
  for (const pv of volumes) evaluate({ operation: 'CREATE', object: pv }, ctx);
  const object = volumes[i]!;
  ctx.visited = 0;
  evaluate({ operation: 'CREATE', object }, ctx);
  return ctx.visited;
}

describe('a PV review does not grow with its deployment', () => {
  it.each([0, 5, 99])('PV %i: the same objects touched in a deployment of 100 and of 1,000 targets', (i) => {
    const small = cost(deployment(100), i);
    const large = cost(deployment(1000), i);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it('a walked list and an indexed one give the same findings, for every PV of a set with clashes', () => {
    const objects = deployment(80);
    objects.push(
      pv('pv-rival', { claim: claimName(1), host: 'node-0', path: '/ais/d1', local: true }),
      pv('pv-same-disk', { claim: claimName(70), host: 'node-0', path: '/ais/d0', local: true }),
      pv('pv-gone-node', { claim: claimName(9), host: 'node-gone', path: '/ais/d0', local: true }),
      pv('pv-nested', { claim: claimName(75), host: 'node-2', path: '/ais/d1/sub', local: true }),
      pv('spare', { claim: 'data', claimNamespace: 'team', host: 'node-1', path: '/ais/d2', local: true }),
    );
    const volumes = objects.filter((o) => o.kind === 'PersistentVolume');
    const indexed = new ClusterContext(objects);
    for (const object of volumes) evaluate({ operation: 'CREATE', object }, indexed);
    let found = 0;
    for (const object of volumes) {
      const walked = new ClusterContext(objects);
      const first = evaluate({ operation: 'CREATE', object }, walked);
      indexed.visited = 0;
      const later = evaluate({ operation: 'CREATE', object }, indexed);
      expect(later.findings).toEqual(first.findings);
      // The two paths were both taken: the walk touches the whole list twice, the index a few PVs.
      expect(walked.visited - indexed.visited).toBeGreaterThan(volumes.length);
      found += first.findings.length;
    }
    expect(found).toBeGreaterThan(8);
  });

  it('the neighbours still clash: a second PV on a target disk is denied, found through the index', () => {
    const objects = deployment(1000);
    objects.push(pv('pv-rival', { claim: claimName(1), host: 'node-0', path: '/ais/d1', local: true }));
    const denied = evaluateSet(objects)
      .map((evaluation, at) => ({ name: objects[at]!.metadata?.name, evaluation }))
      .filter(({ evaluation }) => !evaluation.allowed)
      .map(({ name, evaluation }) => [name, evaluation.findings.map((f) => f.message)]);
    expect(denied).toEqual([
      ['pv-1', [expect.stringContaining('PVs pv-1 and pv-rival are both pre-bound to claim')]],
      ['pv-rival', [expect.stringContaining('PVs pv-rival and pv-1 are both pre-bound to claim')]],
    ]);
  });
});
