// review ops22: a caller that refuses the guard's certificate is invisible to the guard's metrics.
//
// DEFECT: src/server/server.ts has no 'tlsClientError' handler and src/server/metrics.ts no counter
// for failed TLS handshakes. When the apiserver does not trust the serving certificate (a caBundle
// of another CA after a CA rotation, a certificate that does not name <service>.<namespace>.svc:
// the faults that doctor's ca-bundle check looks for), every webhook call dies in the handshake: the
// guard logs nothing, ais_guard_errors_total and ais_guard_reviews_total stay flat, and no shipped
// alert can fire (AisGuardAdmissionErrors divides errors_total by reviews_total, both unchanged).
// IMPACT: the most common webhook outage (Fail entries then reject every AIStore change, the
// apiserver logging "x509: certificate signed by unknown authority") shows on the guard's
// dashboard as a quiet, healthy guard with zero traffic; the on-call operator has to find the
// apiserver's log to learn why.
// EXPECTED: failed handshakes are counted (a counter of TLS handshake failures, e.g. by reason),
// so an alert and the dashboard can show that callers are refusing the certificate.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer, type GuardServer } from '../../src/server/server.js';
import { newCA } from '../faults/support/certs.js';
import { fixedCluster } from '../support/review.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-ops22-tls-'));
let guard: GuardServer;
let port: number;

beforeAll(async () => {
  guard = await createGuardServer({
    config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
    cluster: fixedCluster(),
    logger: pino({ level: 'silent' }),
  });
  port = (await guard.listen()).port;
});

afterAll(async () => {
  await guard.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('review ops22: handshakes refused by the caller', () => {
  it('are counted in /metrics', async () => {
    const refused = once(guard.server, 'tlsClientError');
    // A caller with another CA in its trust store (the apiserver with a stale caBundle).
    const client = connect({
      host: '127.0.0.1',
      port,
      ca: newCA().cert,
      servername: 'ais-guard.ais-guard.svc',
    });
    const clientError = await once(client, 'error').then(([e]) => e as Error);
    expect(clientError.message).toMatch(/self[- ]signed|unable to verify|unknown/i);
    // The server saw the failed handshake ("socket hang up" from Node's client, an alert from Go's).
    await refused;

    const text = await guard.metrics.registry.metrics();
    const handshakeFailures = text
      .split('\n')
      .filter((l) => /^ais_guard_\w*(tls|handshake)\w*(\{[^}]*\})? /.test(l))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(handshakeFailures).toBeGreaterThan(0);
  });
});

// DEFECT (same gap, second path): connections over `maxConnections` (3,000 in production,
// src/server/server.ts SERVER_CAPACITY; README "Limits": "more are closed as they are accepted")
// are closed by Node before any request is read: no log line, no metric. The apiserver's calls on
// them fail (Fail entries reject the change), and the guard's errors_total (whose help lists
// "overloaded" for the byte budget's 429) never moves.
// EXPECTED: connections refused at the cap are counted, like the 429s of the byte budget.
describe('review ops22: connections refused at maxConnections', () => {
  it('are counted in /metrics', async () => {
    const capped = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
      capacity: { maxConnections: 1 },
    });
    const cappedPort = (await capped.listen()).port;
    try {
      const first = connect({ host: '127.0.0.1', port: cappedPort, rejectUnauthorized: false });
      await once(first, 'secureConnect');
      const dropped = once(capped.server, 'drop');
      const second = connect({ host: '127.0.0.1', port: cappedPort, rejectUnauthorized: false });
      second.on('error', () => undefined);
      await dropped; // Node closed it at accept: the cap is what refused it
      first.destroy();
      second.destroy();

      const text = await capped.metrics.registry.metrics();
      const refusedSamples = text
        .split('\n')
        .filter((l) => /^ais_guard_\w*(connection|drop|refus|reject)\w*(\{[^}]*\})? /.test(l))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
      const overloaded = text
        .split('\n')
        .filter((l) => /^ais_guard_errors_total\{[^}]*reason="overloaded"/.test(l))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
      expect(refusedSamples + overloaded).toBeGreaterThan(0);
    } finally {
      await capped.shutdown();
    }
  });
});
