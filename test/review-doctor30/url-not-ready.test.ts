// Review doctor30: webhooks that call a guard by URL (outside the cluster) whose /readyz answers 503
// (src/server/app.ts: its informer cache not synced, draining, its certificate expired, the
// caBundle not trusting it), with a body that says which check failed.
// DEFECT: webhook-service said "<entry> calls <url>, which does not answer: /readyz 503" and its fix
// was "start the guard at <origin>": the guard runs and answered; what it said was thrown away.
// EXPECTED: an answer other than 200 is named as not ready, with the checks /readyz says failed,
// and the fix does not ask to start a guard that runs.
import { expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { checkWebhookService } from '../../src/doctor/checks/webhook-service.js';
import { probe } from '../../src/doctor/probe.js';
import { allEntries, expectedFor, healthySnapshot, makeCerts, servingCert } from '../doctor/support.js';

it('a guard by URL whose /readyz is 503 (cache not synced): not ready, says why, not "start the guard"', async () => {
  const certs = makeCerts();
  const serving = servingCert(certs.ca, { dnsNames: [], ipAddresses: ['127.0.0.1'] });
  const server = createServer({ cert: serving.cert, key: serving.key }, (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'not ready', checks: { tls: true, cluster: false, draining: false } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    for (const w of allEntries(snapshot))
      w.clientConfig = { url: `${origin}/validate`, caBundle: w.clientConfig?.caBundle };
    snapshot.probes[origin] = await probe(`${origin}/readyz`);
    const r = checkWebhookService(snapshot, expected);
    expect(r.status).toBe('fail');
    expect(r.message).not.toMatch(/does not answer/);
    expect(r.message).toMatch(/not ready.*cluster/);
    expect(r.fix).not.toMatch(/start the guard/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
