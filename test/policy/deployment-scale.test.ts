// A PV review costs what the PVs beside it cost (its claim, its target, its node), not what its whole
// AIStore deployment holds: `check`, `plan` and `audit` review every PV of a set, and each review
// walking the set made 10,000 PVs of one CR take 50 s to check (quadratic), 3.6 s with the index
// (target-volumes.ts targetVolumesNear). Counted with the context's `visited` counter, not timed.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, evaluateSet, type KubeObject } from '../../src/policy/index.js';
import { targetVolumes, targetVolumesNear } from '../../src/policy/target-volumes.js';
import { aistore, claimName, node, pv, released, targetStatefulSet } from '../support/builders.js';

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

  it('the index gives the PVs a walk of the list gives, for every PV of a set with clashes, before and after PV events', () => {
    const objects = deployment(80);
    objects.push(
      pv('pv-rival', { claim: claimName(1), host: 'node-0', path: '/ais/d1', local: true }),
      pv('pv-same-disk', { claim: claimName(70), host: 'node-0', path: '/ais/d0', local: true }),
      pv('pv-gone-node', { claim: claimName(9), host: 'node-gone', path: '/ais/d0', local: true }),
      pv('pv-nested', { claim: claimName(75), host: 'node-2', path: '/ais/d1/sub', local: true }),
      pv('pv-no-host', { claim: claimName(3), host: null, path: '/ais/d3', local: true }),
      pv('spare', { claim: 'data', claimNamespace: 'team', host: 'node-1', path: '/ais/d2', local: true }),
    );
    const ctx = new ClusterContext(objects);
    const cr = ctx.aistore('ais', 'ais')!;
    const names = (volumes: { pv: KubeObject }[]) => volumes.map((v) => v.pv.metadata?.name);
    let compared = 0;
    const compare = () => {
      const list = targetVolumes(ctx, 'ais', 'ais', { cr });
      expect(list.length).toBeGreaterThan(64); // past WALKED: the index answers
      for (const { pv: reviewed, claim, ordinal, host } of list) {
        const spot = { claim, ordinal, host };
        const self = reviewed.metadata?.name;
        const walked = list.filter(
          (v) =>
            (v.claim === claim || v.ordinal === ordinal || (v.host !== undefined && v.host === host)) &&
            v.pv.metadata?.name !== self,
        );
        const { near } = targetVolumesNear(ctx, 'ais', 'ais', { reviewed, cr }, spot);
        expect(names(near)).toEqual(names(walked));
        compared += near.length;
      }
    };
    compare();
    // Events the kept index is brought up to date with: a PV gone, one moved to another node and
    // target, one added beside another's disk, one's binding state.
    ctx.remove(ctx.pv('pv-12')!);
    ctx.upsert(pv('pv-13', { claim: claimName(40), host: 'node-3', path: '/ais/d2', local: true }));
    ctx.upsert(pv('pv-new', { claim: claimName(41), host: 'node-10', path: '/ais/d1', local: true }));
    ctx.upsert({ ...ctx.pv('pv-20')!, status: { phase: 'Available' } });
    compare();
    expect(compared).toBeGreaterThan(500);
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

  // The webhook's context takes events all the time (StatefulSet status, other deployments' PVs),
  // and every one used to remake every set's list on its next review: 1,000 PVs parsed and sorted
  // again, and walked again until indexed (target-volumes.ts volumeSet, context.ts memoForSet).
  it.each<[string, (ctx: ClusterContext) => void]>([
    [
      'another deployment’s StatefulSet status',
      (ctx) => ctx.upsert(withStatus(targetStatefulSet({ cr: 'other' }))),
    ],
    [
      'another deployment’s PV',
      (ctx) => ctx.upsert(pv('pv-other', { claim: claimName(0, 'other'), host: 'node-0' })),
    ],
    ['another deployment’s CR', (ctx) => ctx.upsert(aistore({ name: 'other' }))],
    ['a Node status update', (ctx) => ctx.upsert({ ...node('node-3'), status: { phase: 'Running' } })],
    // Node events moved every set's record and the schedulable node count to be made afresh: a walk
    // of every Node, and 70-170 ms for a set of 10,000 PVs (context.ts hostsMoved, countNodes).
    ['a Node joining', (ctx) => ctx.upsert(node('node-new'))],
    ['a Node of the set cordoned', (ctx) => ctx.upsert({ ...node('node-3'), spec: { unschedulable: true } })],
    [
      'a PV of the set losing its claim (binding state only)',
      (ctx) => ctx.upsert(released(ctx.pv('pv-7')!, 'gone')),
    ],
  ])('after %s, a PV review costs what it did before', (_event, event) => {
    const [before, after] = costAround(1000, event);
    expect(after.cost).toBe(before.cost);
    expect(after.findings).toEqual(before.findings);
  });

  // The set's PVs on the Node are read again (its target count there may change), and no other.
  it.each<[string, (ctx: ClusterContext) => void]>([
    ['a Node of the set labelled', (ctx) => ctx.upsert(node('node-3', { pool: 'a' }))],
    ['a Node of the set leaving', (ctx) => ctx.remove(node('node-3'))],
  ])('after %s, a PV review costs the same in a deployment of 100 and of 1,000 targets', (_event, event) => {
    const small = costAround(100, event).map((c) => c.cost);
    const [before, after] = costAround(1000, event).map((c) => c.cost);
    expect([before, after]).toEqual(small);
    expect(after! - before!).toBeLessThanOrEqual(4 * DISKS);
  });
});

/** The cost and findings of a PV review, before and after an event, once every PV was reviewed. */
function costAround(targets: number, event: (ctx: ClusterContext) => void) {
  const objects = deployment(targets);
  const ctx = new ClusterContext(objects);
  const volumes = objects.filter((o) => o.kind === 'PersistentVolume');
  for (const object of volumes) evaluate({ operation: 'CREATE', object }, ctx);
  const object = volumes[5]!;
  const review = () => {
    ctx.visited = 0;
    const { findings } = evaluate({ operation: 'CREATE', object }, ctx);
    return { cost: ctx.visited, findings };
  };
  const before = review();
  event(ctx);
  return [before, review()] as const;
}

describe('a bulk apply of a deployment’s PVs through the webhook', () => {
  // Each PV is reviewed, then its ADDED and its phase change arrive: the set's record is brought up
  // to date with the one PV (target-volumes.ts setVolumesOf), and the review of the next meets its
  // neighbours through the index kept in step. It was made anew per PV: 8,000 PVs took 133 s.
  it('the review of the 1,000th PV touches what the 100th’s did', () => {
    const objects = deployment(1000);
    const ctx = new ClusterContext(objects.filter((o) => o.kind !== 'PersistentVolume'));
    const costs: number[] = [];
    for (const object of objects.filter((o) => o.kind === 'PersistentVolume')) {
      ctx.visited = 0;
      expect(evaluate({ operation: 'CREATE', object }, ctx).allowed).toBe(true);
      costs.push(ctx.visited);
      ctx.upsert(object);
      ctx.upsert({ ...object, status: { phase: 'Available' } });
    }
    expect(costs[999]).toBe(costs[99]);
    expect(costs[99]).toBeLessThan(100);
  });
});

const withStatus = (sts: KubeObject): KubeObject => ({ ...sts, status: { replicas: 2, readyReplicas: 1 } });
