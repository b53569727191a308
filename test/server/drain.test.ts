// Shutdown does not wait on idle or never-used connections (the apiserver opens spare ones), and
// still answers a request that was in flight when it began.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer } from '../../src/server/server.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

describe('graceful shutdown', () => {
  it('closes a never-used connection at once and finishes the request in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-drain-'));
    const guard = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 10_000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
    });
    const { port } = await guard.listen();
    const ca = readFileSync(join(dir, 'ca.crt'));

    // A spare connection, as the apiserver keeps: TLS up, never a request.
    const spare = connect({ host: '127.0.0.1', port, ca });
    await new Promise((resolve) => spare.once('secureConnect', resolve));
    const spareClosed = new Promise((resolve) => spare.once('close', resolve));

    // A review whose body is still arriving when shutdown starts.
    const body = JSON.stringify(reviewOf(aistore({ disable: true, hostPort: 1 }), { uid: 'in-flight' }));
    const answer = new Promise<{ status: number; connection?: string; uid: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/validate',
          method: 'POST',
          ca,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection,
              uid: JSON.parse(Buffer.concat(chunks).toString()).response.uid,
            }),
          );
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 100));
      setTimeout(() => req.end(body.slice(100)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    const done = guard.shutdown();
    await spareClosed;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await answer).toEqual({ status: 200, connection: 'close', uid: 'in-flight' });
    await done;
    expect(Date.now() - started).toBeLessThan(3000);
  }, 20_000);
});
