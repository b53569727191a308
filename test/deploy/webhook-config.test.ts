// patchCaBundle against the stand-in apiserver of support/webhook-apiserver.ts.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { patchCaBundle } from '../../src/k8s/webhook-config.js';
import { b64, caPem, names } from './support/ca.js';
import { BASE, MUTATING, VALIDATING, webhookApiserver } from './support/webhook-apiserver.js';

interface Config {
  apiVersion: string;
  kind: string;
  metadata: { name: string; resourceVersion?: string };
  webhooks: { name: string; clientConfig: Record<string, unknown>; sideEffects: string }[];
}

function config(kind: string, name: string, hooks: string[], caBundle?: string): Config {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: hooks.map((hook) => ({
      name: hook,
      sideEffects: 'None',
      clientConfig: {
        service: { name: 'ais-guard', namespace: 'ais-guard', path: '/validate', port: 443 },
        ...(caBundle && { caBundle }),
      },
    })),
  };
}

const api = webhookApiserver<Config>();
const OTHER = `${BASE}/validatingwebhookconfigurations/someone-else`;
const NAMES = { validating: 'ais-guard', mutating: 'ais-guard' };
const OLD_PEM = caPem('old', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z');
const NEW_PEM = caPem('new', '2026-01-01T00:00:00Z', '2036-01-01T00:00:00Z');
const OLD = b64(OLD_PEM);
const NEW = b64(NEW_PEM);

beforeEach(() => {
  api.objects = new Map([
    [
      VALIDATING,
      config('ValidatingWebhookConfiguration', 'ais-guard', ['a.validate', 'b.validate', 'c.validate'], OLD),
    ],
    [MUTATING, config('MutatingWebhookConfiguration', 'ais-guard', ['a.mutate', 'b.mutate'])],
    [OTHER, config('ValidatingWebhookConfiguration', 'someone-else', ['x.other'], OLD)],
  ]);
  api.seen = [];
  api.beforePatch = undefined;
  api.silent = false;
});

const bundles = (path: string) => api.objects.get(path)!.webhooks.map((w) => w.clientConfig.caBundle);

describe('patchCaBundle', () => {
  it('sets the caBundle of every webhook in both configurations, set or not before', async () => {
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
    expect(bundles(MUTATING)).toEqual([NEW, NEW]);
    // The rest of each entry is untouched.
    expect(api.objects.get(VALIDATING)!.webhooks[1]).toMatchObject({
      name: 'b.validate',
      sideEffects: 'None',
      clientConfig: { service: { name: 'ais-guard', path: '/validate' } },
    });
  });

  it('touches only the two named objects, with JSON patches', async () => {
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(bundles(OTHER)).toEqual([OLD]);
    expect(api.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `GET ${VALIDATING}`,
      `PATCH ${VALIDATING}`,
      `GET ${MUTATING}`,
      `PATCH ${MUTATING}`,
    ]);
    expect(api.seen.filter((s) => s.method === 'PATCH').map((s) => s.contentType)).toEqual([
      'application/json-patch+json',
      'application/json-patch+json',
    ]);
  });

  it('does not write when every caBundle is already current', async () => {
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    api.seen = [];
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(api.seen.map((s) => s.method)).toEqual(['GET', 'GET']);
  });

  it('reads again and retries when the webhook list changed between read and patch', async () => {
    let raced = false;
    api.beforePatch = (path) => {
      if (path !== VALIDATING || raced) return;
      raced = true;
      // Someone reorders the entries: our index-based patch would now hit the wrong webhooks.
      api.objects.get(VALIDATING)!.webhooks.reverse();
    };
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(raced).toBe(true);
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
    expect(api.objects.get(VALIDATING)!.webhooks.map((w) => w.name)).toEqual([
      'c.validate',
      'b.validate',
      'a.validate',
    ]);
    expect(api.seen.filter((s) => s.path === VALIDATING).map((s) => s.method)).toEqual([
      'GET',
      'PATCH',
      'GET',
      'PATCH',
    ]);
  });

  it('gives up with a clear error when the validating configuration does not exist', async () => {
    await expect(
      patchCaBundle(api.kc, { validating: 'missing', mutating: 'ais-guard' }, NEW_PEM, 'settle'),
    ).rejects.toThrow(/^reading ValidatingWebhookConfiguration missing: .*404/s);
  });

  it('skips a mutating configuration that does not exist (a validate-only install)', async () => {
    api.objects.delete(MUTATING);
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
    expect(api.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `GET ${VALIDATING}`,
      `PATCH ${VALIDATING}`,
      `GET ${MUTATING}`,
    ]);
  });

  it('gives up after a few attempts when the patch keeps failing', async () => {
    api.beforePatch = (path) => {
      if (path === MUTATING) api.objects.get(MUTATING)!.webhooks.reverse();
    };
    await expect(patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle')).rejects.toThrow(
      /^patching the caBundle of MutatingWebhookConfiguration ais-guard: .*422/s,
    );
    expect(api.seen.filter((s) => s.path === MUTATING && s.method === 'PATCH')).toHaveLength(3);
  });

  it('a rotation: the overlap step trusts both CAs, so replicas still serving the old pair keep working', async () => {
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'overlap');
    expect(
      api.objects.get(VALIDATING)!.webhooks.map((w) => names(w.clientConfig.caBundle as string)),
    ).toEqual([
      ['new', 'old'],
      ['new', 'old'],
      ['new', 'old'],
    ]);
    // The mutating entries had no bundle: nothing old to keep.
    expect(bundles(MUTATING)).toEqual([NEW, NEW]);
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
  });

  it('reads again when another replica wrote a bundle between our read and our patch, and keeps its CA', async () => {
    const NEWER_PEM = caPem('newer', '2026-06-01T00:00:00Z', '2036-01-01T00:00:00Z');
    let raced = false;
    api.beforePatch = (path) => {
      if (path !== VALIDATING || raced) return;
      raced = true;
      // A replica that already serves an even newer CA writes its overlap step first.
      for (const w of api.objects.get(VALIDATING)!.webhooks)
        w.clientConfig.caBundle = b64(`${NEWER_PEM}${OLD_PEM}`);
    };
    await patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle');
    expect(raced).toBe(true);
    // Without the caBundle `test` op our stale read would have written NEW alone over NEWER.
    expect(names(api.objects.get(VALIDATING)!.webhooks[0]!.clientConfig.caBundle as string)).toEqual([
      'new',
      'newer',
    ]);
  });

  it('writes nothing when ca.crt is not a certificate', async () => {
    await expect(patchCaBundle(api.kc, NAMES, 'not a certificate', 'overlap')).rejects.toThrow(
      'ca.crt is not a PEM certificate bundle',
    );
    expect(api.seen).toEqual([]);
  });

  // serve's caBundle keeper runs these one after another: one request never answered (a half-open
  // connection after a load balancer failed over) held every later write and recheck for good.
  it('gives a request the apiserver never answers up after the deadline, with a one-line reason', async () => {
    api.silent = true;
    await expect(patchCaBundle(api.kc, NAMES, NEW_PEM, 'settle', { timeoutMs: 200 })).rejects.toThrow(
      /^reading ValidatingWebhookConfiguration ais-guard: no answer within 0\.2 s$/,
    );
  });
});
