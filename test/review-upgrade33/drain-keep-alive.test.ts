// review upgrade33: during --shutdown-delay a kept-alive connection stays on the terminating guard.
//
// The delay exists so that the apiserver stops calling a terminating replica before its listener
// closes (deploy/base passes --shutdown-delay=5; docs/reliability.md). But the apiserver does not
// follow readiness connection by connection: it calls the Service's ClusterIP over kept-alive
// connections, and kube-proxy routes only new connections to the endpoints left; an established one
// stays on the old pod. The guard answered every review of the delay with "Connection: keep-alive",
// so every busy connection was still on the terminating replica when the delay ended and drain()
// closed them, each one between two reviews (idle for an instant) closed under a review the
// apiserver was already writing: that review fails ("EOF", "connection reset"), the apiserver does not
// retry a POST, and on the Fail entries an AIStore write is refused during a plain rolling restart.
// (test/faults/restart.test.ts models a client that stops sending when /readyz fails, which the
// apiserver is not.)
// Expected: once shutdown begins, every answer says "Connection: close", so each busy connection
// is closed cleanly after its answer and the apiserver's next one goes to a ready replica; by the
// end of the delay only connections idle for all of it are left.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer } from '../../src/server/server.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

function post(port: number, ca: Buffer, agent: Agent, uid: string) {
  const body = JSON.stringify(reviewOf(aistore({}), { uid }));
  return new Promise<{ status: number; connection?: string; reused: boolean }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/validate',
        method: 'POST',
        ca,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            reused: req.reusedSocket,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('review upgrade33: answers during the shutdown delay', () => {
  it('say Connection: close, so kept-alive connections leave the terminating replica', async () => {
    // The delay's clock is faked, the sockets are real: it ends when the test says, after the review
    // of the delay is answered. On the real clock a busy machine could let the 1 s pass first.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'],
    });
    const dir = mkdtempSync(join(tmpdir(), 'upgrade33-drain-'));
    const guard = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownDelayMs: 1_000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
    });
    const { port } = await guard.listen();
    const ca = readFileSync(join(dir, 'ca.crt'));
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
    try {
      const before = await post(port, ca, agent, 'before');
      expect(before).toMatchObject({ status: 200, connection: 'keep-alive' });

      const done = guard.shutdown(); // SIGTERM: readiness fails now, the listener closes after the delay
      expect(guard.state.draining).toBe(true);
      const during = await post(port, ca, agent, 'during');
      expect(during.reused).toBe(true); // the apiserver's kept-alive connection
      expect(during).toMatchObject({ status: 200, connection: 'close' });
      jest.advanceTimersByTime(1_000); // the delay ends
      await done;
    } finally {
      agent.destroy();
      jest.useRealTimers();
    }
  });
});
