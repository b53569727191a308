// A watch the server answers with 200 and ends at once, again and again (a proxy that cuts
// streams, an apiserver shedding watches): ListWatch re-watches after every clean end with no
// delay, so the guard asked again hundreds of times a second, forever, and said nothing (client-go's
// reflector backs off from such "very short watch"es). Such a watch must count as a failure: backed
// off, said in the kind's lastError, and caught up once watches stay open again.
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { kubeCluster, type ClusterSource } from '../../src/server/cluster.js';
import { node } from '../support/builders.js';
import { FakeApiServer } from '../support/fake-apiserver.js';
import { until } from '../support/until.js';

const FAST = { syncTimeoutMs: 30_000, retryBaseMs: 20, retryMaxMs: 100 };

let fake: FakeApiServer;
let source: ClusterSource | undefined;

beforeEach(async () => {
  fake = await FakeApiServer.start();
  fake.put('nodes', node('node-1'));
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await fake.close();
});

it('backs off from watches the server ends at once, says why, and catches up when they stay open', async () => {
  const c = (source = kubeCluster(fake.kubeConfig(), FAST));
  await c.start();
  await until('watches open', () => fake.openWatches() === 4);
  fake.endWatchesAtOnce = true;
  fake.endWatches('nodes');
  // Counted from the first short watch, not from this end: the watch it ends is short only when a
  // busy machine ended it within 1 s of its start; otherwise its end is clean and the next watch is
  // asked at once, not backed off.
  await until('a short watch failed', () =>
    /watch ended by the server/.test(c.status().kinds.nodes?.lastError ?? ''),
  );
  const from = fake.watchCalls.nodes;
  const at = Date.now();
  await until('10 more watches of nodes', () => fake.watchCalls.nodes >= from + 10);
  const elapsed = Date.now() - at;
  // With the backoff, the 9 waits between those 10 watches are at least half of 40+80+7×100 ms (the
  // first may have been under way when counting began); without, ~20 ms in all.
  expect(elapsed).toBeGreaterThanOrEqual(410);
  expect(c.status().kinds.nodes?.lastError).toMatch(/watch ended by the server .* with no event/);

  fake.endWatchesAtOnce = false;
  await until('the nodes watch open again', () => fake.openWatches('nodes') === 1);
  fake.put('nodes', node('node-2'));
  await until('the change seen', () => c.context().nodes.length === 2);
  expect(c.synced()).toBe(true);
});

it('backs off from watches that end with an ERROR event other than 410, and keeps its message', async () => {
  const c = (source = kubeCluster(fake.kubeConfig(), FAST));
  await c.start();
  await until('watches open', () => fake.openWatches() === 4);
  fake.failWatchesAtOnce = 'etcd: request timed out';
  const from = fake.watchCalls.nodes;
  const at = Date.now();
  fake.failWatches(500, 'etcd: request timed out');
  await until('10 more watches of nodes', () => fake.watchCalls.nodes >= from + 10);
  expect(Date.now() - at).toBeGreaterThanOrEqual(420);
  expect(c.status().kinds.nodes?.lastError).toMatch(/etcd: request timed out/);

  fake.failWatchesAtOnce = undefined;
  await until('the nodes watch open again', () => fake.openWatches('nodes') === 1);
  fake.put('nodes', node('node-2'));
  await until('the change seen', () => c.context().nodes.length === 2);
  expect(fake.listCalls.nodes).toBe(1); // resumed, never relisted
});
