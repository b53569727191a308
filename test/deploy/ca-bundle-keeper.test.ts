// keepCaBundle's onTrusted, which serve's readiness waits for (src/server/app.ts, caBundleTrusted):
// called when a write left the bundles trusting ca.crt, never for a failed one, and when there is no
// ca.crt to manage. The stand-in apiserver of support/webhook-apiserver.ts, told to answer 503.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { keepCaBundle } from '../../src/k8s/ca-bundle-keeper.js';
import { caPem } from './support/ca.js';
import { MUTATING, VALIDATING, webhookApiserver } from './support/webhook-apiserver.js';

const config = (kind: string) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind,
  metadata: { name: 'ais-guard' },
  webhooks: [
    { name: 'a.ais-guard.io', sideEffects: 'None', clientConfig: { service: { name: 'ais-guard' } } },
  ],
});

const api = webhookApiserver<object>();

function keeper(caFile: string) {
  let trusted = 0;
  const k = keepCaBundle({
    kc: api.kc,
    names: { validating: 'ais-guard', mutating: 'ais-guard' },
    caFile,
    overlapMs: 60_000,
    logger: pino({ level: 'silent' }),
    pollMs: 60_000,
    retryMs: 20,
    maxRetryMs: 20,
    onTrusted: () => trusted++,
  });
  return { k, trusted: () => trusted };
}

/** Polls until `what` holds; jest's timeout bounds a hang (a 2 s cap gave up early on a busy machine). */
const until = async (what: () => boolean) => {
  while (!what()) await new Promise((r) => setTimeout(r, 10));
};

describe('keepCaBundle onTrusted (readiness with --manage-webhook-config)', () => {
  it('waits for a write that lands, and a later failed one takes nothing back', async () => {
    api.objects = new Map([
      [VALIDATING, config('ValidatingWebhookConfiguration')],
      [MUTATING, config('MutatingWebhookConfiguration')],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'keeper-'));
    const caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, caPem('one', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z'));
    api.down = true;
    const { k, trusted } = keeper(caFile);
    try {
      k.check();
      await k.idle();
      expect(trusted()).toBe(0); // the first write failed: not trusted yet
      api.down = false;
      await until(() => trusted() > 0); // the retry lands
      expect(trusted()).toBe(1);
      // A new CA while the apiserver fails: logged and retried, and no call (readiness stays).
      api.down = true;
      writeFileSync(caFile, caPem('two', '2026-01-01T00:00:00Z', '2036-01-01T00:00:00Z'));
      k.check();
      await k.idle();
      expect(trusted()).toBe(1);
    } finally {
      k.stop();
      api.down = false;
    }
  });

  it('no ca.crt: nothing to write, nothing to wait for', async () => {
    const { k, trusted } = keeper(join(mkdtempSync(join(tmpdir(), 'keeper-')), 'ca.crt'));
    try {
      k.check();
      await k.idle();
      expect(trusted()).toBe(1);
    } finally {
      k.stop();
    }
  });
});
