// review ops22: certificate reload must not trade a good serving pair for one the apiserver refuses.
//
// DEFECT: watchPair (src/server/tls.ts) swaps in any pair whose key matches its certificate; it
// never looks at the new certificate's validity. When the mounted Secret is rewritten with an
// expired pair (Argo CD/Flux self-heal re-applying a Secret committed a year ago, a restore from a
// backup, `kubectl apply` of an old certs/ directory) every replica reloads it within seconds:
// createGuardServer (src/server/server.ts onChange) sets certificate.notAfter to the past, /readyz
// answers 503 "certificate expired" on every replica at once (src/server/certificate.ts
// certificateReport), the Service loses all endpoints, and the apiserver refuses the handshake
// anyway: the Fail entries (aistores, storage, volumes) reject every AIStore change.
// The last good pair, still valid for months, would have kept the webhook up.
// IMPACT: a stale Secret write turns into a cluster-wide fail-closed outage instead of the
// "serving the last good one" degradation the guard already has for unreadable or mismatched files
// (README "serve", TLS: "When the files cannot be read ... the last good pair is served on").
// EXPECTED: a new pair that is already expired (or not yet valid) is refused like a mismatched
// one: the last good pair keeps being served, /readyz stays ready ("degraded", reload failing).
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { certificateReport } from '../../src/server/certificate.js';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer, type GuardServer } from '../../src/server/server.js';
import { pairValid } from '../faults/support/certs.js';
import { until } from '../faults/support/client.js';
import { fixedCluster } from '../support/review.js';

const DAY_MS = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'ais-guard-ops22-'));
let guard: GuardServer | undefined;

afterAll(async () => {
  await guard?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** As a Secret update or `ais-guard certs` lands: each file renamed into place, key first. */
function writePair(pair: { cert: string; key: string }): void {
  for (const [name, text] of [
    ['tls.key', pair.key],
    ['tls.crt', pair.cert],
  ] as const) {
    writeFileSync(join(dir, `.${name}.new`), text, { mode: 0o600 });
    renameSync(join(dir, `.${name}.new`), join(dir, name));
  }
}

describe('review ops22: reloading an expired pair', () => {
  it('keeps serving the valid pair and stays ready', async () => {
    const now = Date.now();
    writePair(pairValid(new Date(now - DAY_MS), new Date(now + 200 * DAY_MS)));
    let changes = 0;
    guard = await createGuardServer({
      config: {
        ...DEFAULTS,
        tlsCert: join(dir, 'tls.crt'),
        tlsKey: join(dir, 'tls.key'),
        noCluster: true,
        shutdownDelayMs: 0,
      },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
      onCertificateChange: () => changes++,
    });
    const certificate = guard.state.certificate!;
    expect(certificateReport(certificate, Date.now()).ready).toBe(true);

    // A stale Secret: a matching pair that expired ten days ago.
    writePair(pairValid(new Date(now - 400 * DAY_MS), new Date(now - 10 * DAY_MS)));
    // Wait for the reload to have judged it: swapped in, or refused as failing.
    await until('the expired pair was read', () => changes > 0 || certificate.reloadFailing, 20_000);

    const report = certificateReport(certificate, Date.now());
    expect({ ready: report.ready, expiry: report.expiry, swapped: changes }).toEqual({
      ready: true,
      expiry: 'valid',
      swapped: 0,
    });
  }, 30_000);
});
