// review rot23: patchCaBundle against the same kind of fake apiserver as webhook-config.test.ts
// (real client, real HTTP, JSON patch applied with fast-json-patch, a failed `test` op = 422).
import { beforeEach, describe, expect, it } from '@jest/globals';
import { patchCaBundle } from '../../src/k8s/webhook-config.js';
import { b64, caPem, names } from './support/ca.js';
import { MUTATING, VALIDATING, webhookApiserver } from './support/webhook-apiserver.js';

const NAMES = { validating: 'ais-guard', mutating: 'ais-guard' };

interface Config {
  metadata: { name: string };
  webhooks: { name: string; clientConfig: Record<string, unknown> }[];
}

const config = (name: string, hooks: string[], caBundle?: string): Config => ({
  metadata: { name },
  webhooks: hooks.map((hook) => ({
    name: hook,
    clientConfig: {
      service: { name: 'ais-guard', namespace: 'ais-guard', path: '/validate', port: 443 },
      ...(caBundle && { caBundle }),
    },
  })),
});

const api = webhookApiserver<Config>();

const A_PEM = caPem('replica-a', '2026-01-01T00:00:00Z', '2036-01-01T00:00:00Z');
const B_PEM = caPem('replica-b', '2026-02-01T00:00:00Z', '2036-01-01T00:00:00Z');

beforeEach(() => {
  // A fresh install whose webhooks have no caBundle yet (chart certificates.caBundle '' with
  // manageWebhookConfig: "the webhooks have none until the guard writes it", docs/helm.md).
  api.objects = new Map([
    [VALIDATING, config('ais-guard', ['a.validate'])],
    [MUTATING, config('ais-guard', ['a.mutate'])],
  ]);
  api.beforePatch = undefined;
});

describe('review rot23: the caBundle `test` op when an entry has no caBundle yet', () => {
  // Defect: caBundlePatch (src/k8s/webhook-config.ts) emits a `test` op on the current caBundle
  // only when there is one. For an entry without a caBundle the patch is `test name` + `add
  // caBundle`, and "add" replaces an existing member: when another replica wrote its CA between
  // our read and our patch, our patch still applies and silently drops the other replica's CA.
  // The commit promises "Patches test the caBundle they read, so two replicas' steps cannot
  // overwrite each other"; this is the one case where they can: two replicas starting at once on
  // a fresh install (both patch at start), with different ca.crt (self-managed certificates: each
  // pod makes its own CA; or a Secret updated while the Deployment rolls).
  // User impact: the other replica is not trusted by the apiserver (x509: unknown authority) until
  // it happens to write again (its settle step, --ca-overlap seconds later, default 10 minutes);
  // with failurePolicy Fail the calls routed to it refuse AIStore writes.
  // Expected: the patch fails its precondition (the apiserver answers 422), the guard reads again
  // and keeps the other replica's CA beside its own (as it does when a caBundle was present:
  // webhook-config.test.ts "reads again when another replica wrote a bundle ...").
  it('does not overwrite a caBundle another replica wrote between our read and our patch', async () => {
    let raced = false;
    api.beforePatch = (path) => {
      if (path !== VALIDATING || raced) return;
      raced = true;
      // Replica B's overlap step lands first.
      for (const w of api.objects.get(VALIDATING)!.webhooks) w.clientConfig.caBundle = b64(B_PEM);
    };
    await patchCaBundle(api.kc, NAMES, A_PEM, 'overlap');
    expect(raced).toBe(true);
    expect(names(api.objects.get(VALIDATING)!.webhooks[0]!.clientConfig.caBundle as string).sort()).toEqual([
      'replica-a',
      'replica-b',
    ]);
  });
});
