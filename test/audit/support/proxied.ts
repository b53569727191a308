// The shared fixtures as objects, and the FakeCluster behind a small proxy that answers some
// requests itself (a 429, an expired continue token, a refused write): the audit tests' stand-ins for
// an apiserver that misbehaves the way real ones do.
import { afterEach, expect } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSource, type LoadError } from '../../../src/cli/load.js';
import type { KubeObject } from '../../../src/policy/index.js';
import { fixture } from '../../support/fixtures.js';
import { FakeCluster } from './fake-cluster.js';

/** The objects of the shared fixture files with these prefixes. */
export const objectsOf = (...prefixes: string[]): KubeObject[] =>
  prefixes.flatMap((p) => {
    const errors: LoadError[] = [];
    return parseSource(p, readFileSync(fixture(p), 'utf8'), errors).manifests.map((m) => m.object);
  });

/** The object with a uid, as the apiserver gives every stored object one. */
export const withUid = (o: KubeObject, i: number): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, uid: `uid-${i}` } as KubeObject['metadata'],
});

/**
 * Answers a request with an apiserver's failure Status (reason, code, message: the reason unless
 * given) and these headers; true, for an Intercept to return.
 */
export function answerStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  { message = reason, headers = {} }: { message?: string; headers?: Record<string, string> } = {},
): true {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message }));
  return true;
}

/** Answers a request itself (returns true) or lets it through to the fake cluster. */
export type Intercept = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

export interface Proxied {
  fake: FakeCluster;
  /** `--kubeconfig FILE` pointing at the proxy. */
  kubeconfig: string[];
  close(): Promise<void>;
}

/** The cluster (paged one object at a time) behind the proxy; every request is logged into `seen`. */
export async function startProxied(
  objects: KubeObject[],
  intercept: Intercept,
  seen: string[],
): Promise<Proxied> {
  const fake = await FakeCluster.start(objects);
  fake.pageSize = 1;
  const target = new URL(fake.kubeConfig().getCurrentCluster()!.server);
  const proxy: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (intercept(req, res, url)) return;
    const up = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as AddressInfo).port;
  const text = fake
    .kubeConfigYaml()
    .replace(/"server":"http:\/\/127\.0\.0\.1:\d+"/, `"server":"http://127.0.0.1:${port}"`);
  expect(text).toContain(`:${port}`);
  const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-audit-proxy-')), 'kubeconfig');
  writeFileSync(file, text);
  return {
    fake,
    kubeconfig: ['--kubeconfig', file],
    async close() {
      await fake.close();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}

/**
 * The stand-in of one test at a time (call at the top of a file): `start` it (startProxied logging
 * into `seen`); `close` ends it early; after each test it is closed and `seen` emptied.
 */
export function proxiedPerTest() {
  const seen: string[] = [];
  let current: Proxied | undefined;
  const close = async () => {
    await current?.close();
    current = undefined;
  };
  afterEach(async () => {
    await close();
    seen.length = 0;
  });
  const start = async (objects: KubeObject[], intercept: Intercept = () => false) =>
    (current = await startProxied(objects, intercept, seen));
  return { seen, start, close };
}
