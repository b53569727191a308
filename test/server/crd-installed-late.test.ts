// The AIStore CRD installed after the guard started, together with its first CR: what a fresh
// install does (the operator's chart, or one `kubectl apply -f` with the CRD and the CR). Until the
// guard lists AIStores again it judges target claims and pods without their CR, so it neither binds
// a claim to its disk's PV nor pins a pod to its disks' node, and the scheduler may put targets on
// the wrong disks. The periodic look for a CRD that is not served comes every 15-30 s by default;
// the operator's first target claims come seconds after the CR. But the apiserver sends the CR
// itself to the guard first (aistores.mutate, CREATE), which proves the CRD is served: the guard
// lists AIStores right then.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { decodeReview } from '../../src/server/admission.js';
import { kubeCluster, type ClusterSource } from '../../src/server/cluster.js';
import { review, type Endpoint } from '../../src/server/review.js';
import { aistore, claimName, node, pv, pvc } from '../support/builders.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { decodePatch, reviewOf } from '../support/review.js';
import { until } from '../support/until.js';

// A periodic look far beyond the test's wait: only the CR's own review can make the guard list.
const SLOW_LOOK = { syncTimeoutMs: 30_000, retryBaseMs: 20, retryMaxMs: 600_000 };
const CONFIG = {
  modes: { default: 'enforce' as const },
  failureMode: 'allow' as const,
  includeNamespaces: [],
  excludeNamespaces: [],
};
const MULTI = aistore({ size: 2, disable: true });

let fake: FakeApiServer;
let source: ClusterSource;

const judge = (endpoint: Endpoint, object: KubeObject) =>
  review(endpoint, decodeReview(reviewOf(object)), { config: CONFIG, cluster: source });

beforeEach(async () => {
  fake = await FakeApiServer.start();
  fake.put('nodes', node('node-1'));
  fake.put('persistentvolumes', pv('pv-0', { claim: claimName(0), host: 'node-1' }) as StoredObject);
  fake.serve('aistores', false);
  source = kubeCluster(fake.kubeConfig(), SLOW_LOOK);
  await source.start();
  expect(source.status().kinds.aistores?.lastError).toMatch(/CRD/);
});

afterEach(async () => {
  await source.stop();
  await fake.close();
});

describe('the AIStore CRD installed after the guard, with its first CR', () => {
  it("the CR's own review makes the guard list AIStores, so its first claim is bound to its disk", async () => {
    fake.serve('aistores', true);
    fake.put('aistores', MULTI as StoredObject);

    expect(judge('mutate', MULTI).body.response).toMatchObject({ allowed: true });
    await until('the CR cached', () => source.context().aistore('ais', 'ais') !== undefined);

    const claim = judge('mutate', pvc(claimName(0))).body.response as { patch?: string };
    expect(decodePatch(claim)).toEqual([{ op: 'add', path: '/spec/volumeName', value: 'pv-0' }]);
  });

  // An outside attack (atk53): anyone who reaches the webhook can send AIStore reviews, and while the
  // CRD was not served each one made the guard list AIStores as soon as the last list ended (~30 a
  // second). Reviews now ask for at most one list a second (LIST_NOW_EVERY_MS in cluster.ts).
  it('AIStore reviews while the CRD is not served ask for at most one list a second', async () => {
    const before = fake.listCalls.aistores ?? 0;
    const started = Date.now();
    judge('mutate', MULTI);
    await until('the first list', () => (fake.listCalls.aistores ?? 0) > before);
    for (let i = 0; i < 150; i++) {
      judge('mutate', MULTI);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsedMs = Date.now() - started;
    // Each list of the fake ends within milliseconds: without the floor this was ~one per review.
    expect(fake.listCalls.aistores! - before).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1_000) + 1);
  });

  it('an AIStore review while the CRD is served and cached asks for no list', async () => {
    fake.serve('aistores', true);
    fake.put('aistores', MULTI as StoredObject);
    judge('mutate', MULTI);
    await until('the CR cached', () => source.context().aistore('ais', 'ais') !== undefined);
    const lists = fake.listCalls.aistores;
    for (let i = 0; i < 5; i++) judge('validate', MULTI);
    await until('watch open', () => source.status().kinds.aistores?.connected === true);
    expect(fake.listCalls.aistores).toBe(lists);
  });
});
