// review upgrade33: a caBundle taken away without ca.crt changing is never written back.
//
// An upgrade by re-applying manifests removes the caBundle the guard keeps: `ais-guard render
// --cert-dir certs | kubectl apply` at install puts caBundle in kubectl's last-applied annotation,
// and a later `ais-guard render --image NEW | kubectl apply` (no --cert-dir: deploy/base ships none,
// the guard writes it) makes client-side apply delete the field from every entry. A `helm upgrade`
// writes the chart's caBundle back over one the guard rotated. ca-bundle-keeper.ts wrote only at start
// and when ca.crt changed, so the webhooks stayed without the CA until some replica restarted: with
// the same image nothing restarts, and every Fail entry refuses every AIStore write ("x509:
// certificate signed by unknown authority") for good.
// Expected: each re-read of ca.crt (every 10 s, and check()) also puts our CA back where it is
// missing, keeping the other CAs, and writes nothing when nothing is missing.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { keepCaBundle } from '../../src/k8s/ca-bundle-keeper.js';
import { b64, caPem, names } from '../deploy/support/ca.js';
import { MUTATING, VALIDATING, webhookApiserver } from '../deploy/support/webhook-apiserver.js';

interface Config {
  [key: string]: unknown;
  webhooks: { name: string; clientConfig: { service: object; caBundle?: string } }[];
}

const config = (kind: string): Config => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind,
  metadata: { name: 'ais-guard' },
  webhooks: ['a', 'b'].map((n) => ({
    name: `${n}.ais-guard.io`,
    sideEffects: 'None',
    clientConfig: { service: { name: 'ais-guard' } },
  })),
});

const api = webhookApiserver<Config>();

function keeper(caFile: string) {
  return keepCaBundle({
    kc: api.kc,
    names: { validating: 'ais-guard', mutating: 'ais-guard' },
    caFile,
    overlapMs: 60_000,
    logger: pino({ level: 'silent' }),
    pollMs: 60_000, // the test drives the re-reads with check()
  });
}

const bundles = () =>
  [VALIDATING, MUTATING].flatMap((path) =>
    api.objects.get(path)!.webhooks.map((w) => names(w.clientConfig.caBundle)),
  );
const patches = () => api.seen.filter((s) => s.method === 'PATCH').length;

describe('review upgrade33: the caBundle lost to a re-apply', () => {
  const current = caPem('current', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z');
  const previous = caPem('previous', '2024-01-01T00:00:00Z', '2034-01-01T00:00:00Z');

  function setUp() {
    api.objects = new Map([
      [VALIDATING, config('ValidatingWebhookConfiguration')],
      [MUTATING, config('MutatingWebhookConfiguration')],
    ]);
    api.seen = [];
    const caFile = join(mkdtempSync(join(tmpdir(), 'upgrade33-')), 'ca.crt');
    writeFileSync(caFile, current);
    return keeper(caFile);
  }

  it('is written back when kubectl apply removed it, ca.crt unchanged', async () => {
    const k = setUp();
    try {
      k.check();
      await k.idle();
      expect(bundles()).toEqual([['current'], ['current'], ['current'], ['current']]);
      // kubectl apply of manifests rendered without --cert-dir over ones rendered with it.
      for (const path of [VALIDATING, MUTATING])
        for (const w of api.objects.get(path)!.webhooks) delete w.clientConfig.caBundle;
      k.check(); // what the 10 s poll does
      await k.idle();
      expect(bundles()).toEqual([['current'], ['current'], ['current'], ['current']]);
    } finally {
      k.stop();
    }
  });

  it('is added beside the CA a helm upgrade wrote back, which stays', async () => {
    const k = setUp();
    try {
      k.check();
      await k.idle();
      // helm upgrade with the release's certificates.caBundle of the CA before a rotation.
      for (const path of [VALIDATING, MUTATING])
        for (const w of api.objects.get(path)!.webhooks) w.clientConfig.caBundle = b64(previous);
      k.check();
      await k.idle();
      expect(bundles()).toEqual(Array(4).fill(['current', 'previous']));
    } finally {
      k.stop();
    }
  });

  it('writes nothing when the bundles still trust ca.crt', async () => {
    const k = setUp();
    try {
      k.check();
      await k.idle();
      const before = patches();
      k.check();
      await k.idle();
      k.check();
      await k.idle();
      expect(patches()).toBe(before);
    } finally {
      k.stop();
    }
  });
});
