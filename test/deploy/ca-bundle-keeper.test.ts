// keepCaBundle's onTrusted, which serve's readiness waits for (src/server/app.ts, caBundleTrusted):
// called when a write left the bundles trusting ca.crt, never for a failed one, and when there is no
// ca.crt to manage. A tiny fake apiserver that can be told to answer 503.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { keepCaBundle } from '../../src/k8s/ca-bundle-keeper.js';
import { caPem } from './support/ca.js';

const BASE = '/apis/admissionregistration.k8s.io/v1';
let objects = new Map<string, unknown>();
let down = false;

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const object = objects.get(path);
    const fail = (code: number) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code }));
    };
    if (down) return fail(503);
    if (!object) return fail(404);
    if (req.method === 'PATCH') jsonpatch.applyPatch(object, JSON.parse(body) as jsonpatch.Operation[]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(object));
  });
});

const config = (kind: string) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind,
  metadata: { name: 'ais-guard' },
  webhooks: [
    { name: 'a.ais-guard.io', sideEffects: 'None', clientConfig: { service: { name: 'ais-guard' } } },
  ],
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

function keeper(caFile: string) {
  let trusted = 0;
  const k = keepCaBundle({
    kc,
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

const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('keepCaBundle onTrusted (readiness with --manage-webhook-config)', () => {
  it('waits for a write that lands, and a later failed one takes nothing back', async () => {
    objects = new Map([
      [`${BASE}/validatingwebhookconfigurations/ais-guard`, config('ValidatingWebhookConfiguration')],
      [`${BASE}/mutatingwebhookconfigurations/ais-guard`, config('MutatingWebhookConfiguration')],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'keeper-'));
    const caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, caPem('one', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z'));
    down = true;
    const { k, trusted } = keeper(caFile);
    try {
      k.check();
      await k.idle();
      expect(trusted()).toBe(0); // the first write failed: not trusted yet
      down = false;
      await until(() => trusted() > 0); // the retry lands
      expect(trusted()).toBe(1);
      // A new CA while the apiserver fails: logged and retried, and no call (readiness stays).
      down = true;
      writeFileSync(caFile, caPem('two', '2026-01-01T00:00:00Z', '2036-01-01T00:00:00Z'));
      k.check();
      await k.idle();
      expect(trusted()).toBe(1);
    } finally {
      k.stop();
      down = false;
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
