// A list/watch that keeps failing the same way (the ClusterRole lacks a resource: 403 on every
// retry; an apiserver down for an hour) logged a warning per retry, every 15-30 s for as long as it
// lasted, and nothing when it worked again. One warning per distinct error, and one line when it
// works again, as the certificate reloader does (README "TLS"); /readyz keeps the error per kind.
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import request from 'supertest';
import { kubeCluster, type ClusterSource } from '../../src/server/cluster.js';
import { claimName, node, pv } from '../support/builders.js';
import { testApp } from '../support/app.js';
import { FakeApiServer } from '../support/fake-apiserver.js';
import { until } from '../support/until.js';

const FAST = { syncTimeoutMs: 30_000, retryBaseMs: 10, retryMaxMs: 50 };

let fake: FakeApiServer;
let source: ClusterSource | undefined;
const lines: { level: string; msg: string; resource?: string; error?: string }[] = [];
const logger = {
  info: (o: object, msg = '') => void lines.push({ level: 'info', msg, ...o }),
  warn: (o: object, msg = '') => void lines.push({ level: 'warn', msg, ...o }),
};
const failedLines = (resource: string) =>
  lines.filter((l) => l.msg === 'list/watch failed' && l.resource === resource);
const workingLines = (resource: string) =>
  lines.filter((l) => l.msg === 'list/watch working again' && l.resource === resource);

beforeEach(async () => {
  lines.length = 0;
  fake = await FakeApiServer.start();
  fake.put('persistentvolumes', pv('pv-0', { claim: claimName(0) }));
  fake.put('nodes', node('node-1'));
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await fake.close();
});

it('RBAC forbids PVs: one warning however often it is retried, unready with the reason, one line once allowed', async () => {
  fake.forbid('persistentvolumes', true);
  const c = (source = kubeCluster(fake.kubeConfig(), { ...FAST, logger }));
  const { app } = testApp({ cluster: c });
  void c.start().catch(() => undefined);
  await until('PVs listed 8 times', () => fake.listCalls.persistentvolumes >= 8);
  expect(failedLines('persistentvolumes')).toHaveLength(1);
  expect(failedLines('persistentvolumes')[0]?.error).toMatch(/403 persistentvolumes is forbidden/);
  const unready = await request(app).get('/readyz');
  expect(unready.status).toBe(503);
  expect(unready.body.cluster.kinds.persistentvolumes.lastError).toMatch(/403 .*cannot list/);

  fake.forbid('persistentvolumes', false);
  await until('PVs watched', () => c.synced() && fake.openWatches('persistentvolumes') === 1);
  await until('said so', () => workingLines('persistentvolumes').length === 1);
  expect((await request(app).get('/readyz')).status).toBe(200);

  // A new failure after the recovery is said again, once.
  fake.forbid('persistentvolumes', true);
  fake.dropWatches();
  const calls = fake.watchCalls.persistentvolumes;
  await until('PVs watched 5 more times', () => fake.watchCalls.persistentvolumes >= calls + 5);
  expect(failedLines('persistentvolumes').length).toBeGreaterThanOrEqual(2);
  expect(failedLines('persistentvolumes').length).toBeLessThanOrEqual(3); // the cut, then the 403
  expect(failedLines('persistentvolumes').at(-1)?.error).toMatch(/Forbidden|403/);
  expect(workingLines('persistentvolumes')).toHaveLength(1);
});
