// patchCaBundle against a tiny fake apiserver on 127.0.0.1: the real client, real HTTP, and a
// server that applies the JSON patch the way the apiserver does (test ops included).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { patchCaBundle } from '../../src/k8s/webhook-config.js';

const BASE = '/apis/admissionregistration.k8s.io/v1';

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

interface Seen {
  method: string;
  path: string;
  contentType?: string;
}

// Objects by URL path; `beforePatch` lets a test change an object between our GET and our PATCH.
let objects = new Map<string, Config>();
let seen: Seen[] = [];
let beforePatch: ((path: string) => void) | undefined;

function status(res: http.ServerResponse, code: number, message: string) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ method: req.method ?? '', path, contentType: req.headers['content-type'] });
    const object = objects.get(path);
    if (!object) return status(res, 404, `${path} not found`);
    if (req.method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/json-patch+json')
        return status(res, 415, 'unsupported');
      beforePatch?.(path);
      try {
        jsonpatch.applyPatch(object, JSON.parse(body) as jsonpatch.Operation[], true);
      } catch (err) {
        // The apiserver answers a failed `test` op with 422 Unprocessable Entity.
        return status(res, 422, (err as Error).message);
      }
    } else if (req.method !== 'GET') return status(res, 405, 'method not allowed');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(object));
  });
});

let kc: k8s.KubeConfig;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'guard', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'guard' }],
    currentContext: 'fake',
  });
});

afterAll(() => {
  server.close();
});

const VALIDATING = `${BASE}/validatingwebhookconfigurations/ais-guard`;
const MUTATING = `${BASE}/mutatingwebhookconfigurations/ais-guard`;
const OTHER = `${BASE}/validatingwebhookconfigurations/someone-else`;
const NAMES = { validating: 'ais-guard', mutating: 'ais-guard' };
const OLD = Buffer.from('old CA').toString('base64');
const NEW = Buffer.from('new CA').toString('base64');

beforeEach(() => {
  objects = new Map([
    [
      VALIDATING,
      config('ValidatingWebhookConfiguration', 'ais-guard', ['a.validate', 'b.validate', 'c.validate'], OLD),
    ],
    [MUTATING, config('MutatingWebhookConfiguration', 'ais-guard', ['a.mutate', 'b.mutate'])],
    [OTHER, config('ValidatingWebhookConfiguration', 'someone-else', ['x.other'], OLD)],
  ]);
  seen = [];
  beforePatch = undefined;
});

const bundles = (path: string) => objects.get(path)!.webhooks.map((w) => w.clientConfig.caBundle);

describe('patchCaBundle', () => {
  it('sets the caBundle of every webhook in both configurations, set or not before', async () => {
    await patchCaBundle(kc, NAMES, NEW);
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
    expect(bundles(MUTATING)).toEqual([NEW, NEW]);
    // The rest of each entry is untouched.
    expect(objects.get(VALIDATING)!.webhooks[1]).toMatchObject({
      name: 'b.validate',
      sideEffects: 'None',
      clientConfig: { service: { name: 'ais-guard', path: '/validate' } },
    });
  });

  it('touches only the two named objects, with JSON patches', async () => {
    await patchCaBundle(kc, NAMES, NEW);
    expect(bundles(OTHER)).toEqual([OLD]);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `GET ${VALIDATING}`,
      `PATCH ${VALIDATING}`,
      `GET ${MUTATING}`,
      `PATCH ${MUTATING}`,
    ]);
    expect(seen.filter((s) => s.method === 'PATCH').map((s) => s.contentType)).toEqual([
      'application/json-patch+json',
      'application/json-patch+json',
    ]);
  });

  it('does not write when every caBundle is already current', async () => {
    await patchCaBundle(kc, NAMES, NEW);
    seen = [];
    await patchCaBundle(kc, NAMES, NEW);
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);
  });

  it('reads again and retries when the webhook list changed between read and patch', async () => {
    let raced = false;
    beforePatch = (path) => {
      if (path !== VALIDATING || raced) return;
      raced = true;
      // Someone reorders the entries: our index-based patch would now hit the wrong webhooks.
      objects.get(VALIDATING)!.webhooks.reverse();
    };
    await patchCaBundle(kc, NAMES, NEW);
    expect(raced).toBe(true);
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
    expect(objects.get(VALIDATING)!.webhooks.map((w) => w.name)).toEqual([
      'c.validate',
      'b.validate',
      'a.validate',
    ]);
    expect(seen.filter((s) => s.path === VALIDATING).map((s) => s.method)).toEqual([
      'GET',
      'PATCH',
      'GET',
      'PATCH',
    ]);
  });

  it('gives up with a clear error when the validating configuration does not exist', async () => {
    await expect(patchCaBundle(kc, { validating: 'missing', mutating: 'ais-guard' }, NEW)).rejects.toThrow(
      /^reading ValidatingWebhookConfiguration missing: .*404/s,
    );
  });

  it('skips a mutating configuration that does not exist (a validate-only install)', async () => {
    objects.delete(MUTATING);
    await patchCaBundle(kc, NAMES, NEW);
    expect(bundles(VALIDATING)).toEqual([NEW, NEW, NEW]);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `GET ${VALIDATING}`,
      `PATCH ${VALIDATING}`,
      `GET ${MUTATING}`,
    ]);
  });

  it('gives up after a few attempts when the patch keeps failing', async () => {
    beforePatch = (path) => {
      if (path === MUTATING) objects.get(MUTATING)!.webhooks.reverse();
    };
    await expect(patchCaBundle(kc, NAMES, NEW)).rejects.toThrow(
      /^patching the caBundle of MutatingWebhookConfiguration ais-guard: .*422/s,
    );
    expect(seen.filter((s) => s.path === MUTATING && s.method === 'PATCH')).toHaveLength(3);
  });
});
