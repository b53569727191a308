// A tiny stand-in apiserver on 127.0.0.1 for the caBundle tests: the real client, real HTTP, and
// webhook configurations by URL path that a PATCH changes the way the apiserver does (a JSON patch,
// `test` ops included; a failed one is 422 Unprocessable Entity). Started before and closed after
// the test file; each test sets `objects` and the knobs afresh.
import { afterAll, beforeAll } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const BASE = '/apis/admissionregistration.k8s.io/v1';
export const VALIDATING = `${BASE}/validatingwebhookconfigurations/ais-guard`;
export const MUTATING = `${BASE}/mutatingwebhookconfigurations/ais-guard`;

export interface Seen {
  method: string;
  path: string;
  contentType?: string;
}

export interface WebhookApiserver<T> {
  /** The objects served, by URL path. */
  objects: Map<string, T>;
  /** Every request asked, in order. */
  seen: Seen[];
  /** Runs between our GET and our PATCH landing: another writer's change. */
  beforePatch?: (path: string) => void;
  /** Every request answered 503 while set. */
  down: boolean;
  /** Every request taken and never answered while set (a half-open connection). */
  silent: boolean;
  /** A client configuration for this server. */
  kc: k8s.KubeConfig;
}

function status(res: http.ServerResponse, code: number, message: string) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
}

/** Registers the stand-in's start and stop with the test file's hooks; `kc` is set once it listens. */
export function webhookApiserver<T extends object>(): WebhookApiserver<T> {
  const api: WebhookApiserver<T> = {
    objects: new Map(),
    seen: [],
    down: false,
    silent: false,
    kc: new k8s.KubeConfig(),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      api.seen.push({ method: req.method ?? '', path, contentType: req.headers['content-type'] });
      if (api.silent) return;
      if (api.down) return status(res, 503, 'the server is currently unable to handle the request');
      const object = api.objects.get(path);
      if (!object) return status(res, 404, `${path} not found`);
      if (req.method === 'PATCH') {
        if (req.headers['content-type'] !== 'application/json-patch+json')
          return status(res, 415, 'unsupported');
        api.beforePatch?.(path);
        try {
          jsonpatch.applyPatch(object, JSON.parse(body) as jsonpatch.Operation[], true);
        } catch (err) {
          return status(res, 422, (err as Error).message);
        }
      } else if (req.method !== 'GET') return status(res, 405, 'method not allowed');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(object));
    });
  });
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    api.kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'guard', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'guard' }],
      currentContext: 'fake',
    });
  });
  afterAll(() => {
    server.close();
  });
  return api;
}
