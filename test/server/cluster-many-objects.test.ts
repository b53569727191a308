// A cluster with more PVs than a JavaScript call takes arguments. client-node's ListWatch.list()
// spreads a namespace's objects into one push() (`allObjects.push(...nsObjects.values())`), and
// every PV is in the one cluster-scoped bucket: past ~125,000 that throws "Maximum call stack size
// exceeded". The guard asked it for the count at sync (the "listed" log line) and in every
// /readyz and /metrics answer (status()), so in such a cluster it never became ready; at 100,000
// PVs each probe and scrape built a 100,000-element array, straight into the old generation,
// which brought the full collections of the whole cache closer together (docs/performance.md,
// "At scale"). The count is now kept as ListWatch adds and deletes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubeCluster, type ClusterSource } from '../../src/server/cluster.js';
import { aistore, claimName, node, pv } from '../support/builders.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { until } from '../support/until.js';

const PVS = 130_000;
let fake: FakeApiServer;
let source: ClusterSource;
const logged: { msg: string; fields: object }[] = [];
const logger = {
  info: (fields: object, msg?: string) => void logged.push({ msg: msg ?? '', fields }),
  warn: (fields: object, msg?: string) => void logged.push({ msg: msg ?? '', fields }),
};

beforeAll(async () => {
  fake = await FakeApiServer.start();
  fake.put('aistores', aistore() as StoredObject);
  fake.put('nodes', node('node-1') as StoredObject);
  for (let i = 0; i < PVS; i++)
    fake.put('persistentvolumes', pv(`pv-${i}`, { claim: claimName(i % 6) }) as StoredObject, {
      quietly: true,
    });
  source = kubeCluster(fake.kubeConfig(), {
    syncTimeoutMs: 100_000,
    retryBaseMs: 20,
    retryMaxMs: 200,
    logger,
  });
}, 120_000);

afterAll(async () => {
  await source?.stop();
  await fake?.close();
});

describe(`a cluster of ${PVS} PVs`, () => {
  it('syncs, logs the count it listed, and reports it in status() as PVs come and go', async () => {
    await source.start();
    const listed = logged.find(
      (l) => l.msg === 'listed' && (l.fields as { resource?: string }).resource === 'persistentvolumes',
    );
    expect(listed?.fields).toMatchObject({ objects: PVS });
    expect(source.status().kinds.persistentvolumes?.objects).toBe(PVS);
    await until('watches open', () => fake.openWatches() === 4);
    fake.put('persistentvolumes', pv('pv-new', { claim: claimName(1) }) as StoredObject);
    await until('the new PV counted', () => source.status().kinds.persistentvolumes?.objects === PVS + 1);
    fake.remove('persistentvolumes', 'pv-0');
    await until('the deleted PV uncounted', () => source.status().kinds.persistentvolumes?.objects === PVS);
    expect(logged.filter((l) => l.msg !== 'listed')).toEqual([]);
  }, 150_000);
});
