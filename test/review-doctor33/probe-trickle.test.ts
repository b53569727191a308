// Review doctor33: a webhook URL whose server answers /readyz and then sends its body a few bytes
// at a time, never ending (a proxy in front of a hung guard, a streaming endpoint the URL points at).
// DEFECT: the probe's only limit was the socket's idle timeout (5 s without a byte): a server that
// sends a byte every second kept doctor waiting for good, before it printed anything.
// EXPECTED: the whole probe has the deadline; past it the guard is "not answering", and doctor goes on.
import { afterEach, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { probe } from '../../src/doctor/probe.js';
import { makeCA, servingCert } from '../doctor/support.js';

const timers: NodeJS.Timeout[] = [];
const servers: Server[] = [];
// Here, not in the test: a test that timed out must not leave the server trickling.
afterEach(() => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

it('a body that never ends: the probe gives up at its deadline', async () => {
  const leaf = servingCert(makeCA());
  const server = createServer({ cert: leaf.cert, key: leaf.key }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // A byte well within any idle timeout, for ever.
    timers.push(setInterval(() => res.write(' '), 50));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const got = await probe(`https://127.0.0.1:${port}/readyz`, 1_000);
  expect(got).toEqual({ ok: false, reason: 'no answer within 1 s' });
}, 20_000);
