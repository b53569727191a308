// review rot23: one failed caBundle write at start is never retried.
//
// Defect: src/cli/serve.ts runs `patch('overlap')` once at start and once per serving-certificate
// change; when it fails (patchCaBundle retries only 409/422, three times, within milliseconds)
// it logs "could not patch the webhook caBundle" and returns false, and then `settle` is not
// scheduled either (`if (await patch('overlap')) settle = setTimeout(...)`). Nothing tries again
// until the next certificate change (months with cert-manager, a year self-managed).
// A first request failing at pod start is ordinary: the apiserver briefly unavailable (an
// upgrade of the control plane, a 503 from an aggregated-API hiccup, a 429 from API priority
// and fairness), a service mesh sidecar not ready yet, NetworkPolicy programmed a moment late.
// User impact:
//  - fresh install with empty caBundles (chart: "Empty: the webhooks have none until the guard
//    writes it", docs/helm.md certificates.caBundle): the apiserver cannot call the guard at all;
//  - the restart path docs/deploy.md relies on ("a replica that lags (or restarts on a stale
//    volume) adds its old CA back"): if that write fails, the replica stays untrusted;
//  - a failed settle (same code path, `void patch('settle')`) leaves the replaced CA trusted
//    until the next certificate change.
// Expected: a failed write is retried (with backoff) until it succeeds, overlap and settle alike.
// The test serves the guard a fake apiserver whose first request for the webhook configuration
// answers 503, then behaves; it passes as soon as the guard reads the configuration again, and
// fails (jest timeout) when it never does. Run: npm run build, then
// NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.js test/faults/review-rot23
import { afterAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCerts } from '../../src/tls/index.js';
import { spawnGuard, type ChildGuard } from './support/guard.js';
import { writeKubeconfig } from './support/kubeconfig.js';

const BASE = '/apis/admissionregistration.k8s.io/v1';
const VALIDATING = `${BASE}/validatingwebhookconfigurations/ais-guard`;

let guard: ChildGuard | undefined;
let server: http.Server | undefined;
afterAll(async () => {
  await guard?.stop(2000);
  server?.close();
});

describe('review rot23: serve --manage-webhook-config after one failed write', () => {
  it('tries the caBundle write again', async () => {
    const object = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'ais-guard' },
      webhooks: [
        {
          name: 'a.validate',
          sideEffects: 'None',
          clientConfig: { service: { name: 'ais-guard', namespace: 'ais-guard' } },
        },
      ],
    };
    let validatingGets = 0;
    let sawSecondRead: () => void = () => undefined;
    const secondRead = new Promise<void>((r) => (sawSecondRead = r));
    server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const reply = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path === VALIDATING && req.method === 'GET') {
        validatingGets++;
        if (validatingGets === 1)
          return reply(503, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'the server is currently unable to handle the request',
            code: 503,
          });
        sawSecondRead();
        return reply(200, object);
      }
      // Everything else (the informers' lists, the mutating configuration): not here.
      reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'not found', code: 404 });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;

    const root = mkdtempSync(join(tmpdir(), 'rot23-retry-'));
    const made = join(root, 'made');
    await ensureCerts(made, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const tls = join(root, 'tls');
    mkdirSync(tls);
    for (const f of ['tls.crt', 'tls.key', 'ca.crt']) copyFileSync(join(made, f), join(tls, f));
    expect(readFileSync(join(tls, 'ca.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
    const kubeconfig = writeKubeconfig(root, `http://127.0.0.1:${port}`);
    guard = await spawnGuard([
      '--port=0',
      '--address=127.0.0.1',
      `--tls-cert=${join(tls, 'tls.crt')}`,
      `--tls-key=${join(tls, 'tls.key')}`,
      '--manage-webhook-config',
      '--ca-overlap=1',
      `--kubeconfig=${kubeconfig}`,
    ]);
    // The first write fails and is logged (the precondition of this test) ...
    const g = guard;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (g.logs(/could not patch the webhook caBundle/).length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    expect(validatingGets).toBe(1);
    // ... and then the guard should read and write again.
    await secondRead; // never resolves today: the failure is logged and nothing is retried
    expect(validatingGets).toBeGreaterThanOrEqual(2);
  }, 45_000);
});
