// serve's lists, page by page, when the apiserver throttles a page or expires a continue token
// (outside attack atk54). Each page of a list was one plain GET, and any failure restarted the
// whole list after a backoff: a 429 on one page of a 100,000-PV relist (200 pages) or a continue
// token older than etcd's compaction on a slow list kept the kind from ever syncing, /readyz 503,
// and each retry logged a new warning, its continue token making every message distinct. Now
// (src/k8s/pager.ts, as client-go's pager): a throttled page is asked again, an expired token
// gives one list without limit, and errors leave the token out.
import { afterEach, describe, expect, it } from '@jest/globals';
import { kubeCluster, type ClusterSource } from '../../src/server/cluster.js';
import { claimName, node, pv } from '../support/builders.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { until } from '../support/until.js';

const PVS = 1_200; // three pages of 500
let fake: FakeApiServer;
let source: ClusterSource;
const warned: { msg: string; fields: Record<string, unknown> }[] = [];
const logger = {
  info: () => undefined,
  warn: (fields: object, msg?: string) =>
    void warned.push({ msg: msg ?? '', fields: fields as Record<string, unknown> }),
};

async function cluster(refuse: FakeApiServer['refuseList']): Promise<void> {
  warned.length = 0;
  fake = await FakeApiServer.start();
  fake.put('nodes', node('node-1') as StoredObject);
  fake.seed(
    'persistentvolumes',
    Array.from({ length: PVS }, (_, i) => pv(`pv-${i}`, { claim: claimName(i % 6) }) as StoredObject),
  );
  fake.refuseList = refuse;
  source = kubeCluster(fake.kubeConfig(), {
    syncTimeoutMs: 60_000,
    retryBaseMs: 20,
    retryMaxMs: 200,
    logger,
  });
}

afterEach(async () => {
  await source?.stop();
  await fake?.close();
});

const pvsCached = () => source.status().kinds.persistentvolumes?.objects;

describe('a paged list of PVs', () => {
  it('a page answered 429 is asked again: synced in one list, nothing warned', async () => {
    const throttled = new Set<string>();
    await cluster((resource, url) => {
      const token = url.searchParams.get('continue');
      if (resource !== 'persistentvolumes' || !token || throttled.has(token)) return undefined;
      throttled.add(token);
      return { code: 429, retryAfter: 1 };
    });
    await source.start();
    expect(pvsCached()).toBe(PVS);
    expect(throttled.size).toBe(2); // pages two and three, each once
    expect(fake.listCalls.persistentvolumes).toBe(5); // three pages, two asked twice
    expect(warned).toEqual([]);
  }, 60_000);

  it('an expired continue token: one list without limit, synced, nothing warned', async () => {
    const asked: string[] = [];
    await cluster((resource, url) => {
      if (resource === 'persistentvolumes') asked.push(url.search);
      return resource === 'persistentvolumes' && url.searchParams.get('continue') ? { code: 410 } : undefined;
    });
    await source.start();
    expect(pvsCached()).toBe(PVS);
    expect(asked).toEqual(['?limit=500', expect.stringMatching(/^\?limit=500&continue=/), '']);
    expect(warned).toEqual([]);
  }, 60_000);

  it('a page that keeps failing: one warning, without the token, however often it is retried', async () => {
    await cluster((resource, url) =>
      resource === 'persistentvolumes' && url.searchParams.get('continue') ? { code: 500 } : undefined,
    );
    void source.start().catch(() => undefined);
    await until('the list retried five times', () => fake.listCalls.persistentvolumes >= 10);
    const failures = warned.filter((w) => w.msg === 'list/watch failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.fields.error).toMatch(/continue=…: 500/);
    expect(source.status().kinds.persistentvolumes?.synced).toBe(false);
  }, 60_000);
});
