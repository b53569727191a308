// `serve --manage-webhook-config` against a fake apiserver: the serving pair on disk, the guard's
// arguments, and the ValidatingWebhookConfiguration / Status objects an apiserver answers with.
import { once } from 'node:events';
import { copyFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureCerts } from '../../../src/tls/index.js';
import { spawnGuard } from './guard.js';

export const VALIDATING = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ais-guard';

/** The configuration as deploy/base ships it: one webhook, no caBundle yet. */
export const validatingConfig = () => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'ais-guard' },
  webhooks: [
    {
      name: 'a.validate',
      sideEffects: 'None',
      clientConfig: { service: { name: 'ais-guard', namespace: 'ais-guard' } } as Record<string, unknown>,
    },
  ],
});

/** A failed API call's body. */
export const status = (code: number, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  code,
});

/**
 * A CA and serving pair made in root/made, and the files named copied into root/tls (the Secret
 * volume the guard reads, which the test may then change).
 */
export async function secretVolume(root: string, files = ['tls.crt', 'tls.key', 'ca.crt']) {
  const made = join(root, 'made');
  await ensureCerts(made, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const tls = join(root, 'tls');
  mkdirSync(tls);
  for (const f of files) copyFileSync(join(made, f), join(tls, f));
  return { made, tls };
}

/** `serve --manage-webhook-config` on a free port with the pair in `tls`; `extra` after that flag. */
export const spawnManaging = (tls: string, kubeconfig: string, extra: string[] = []) =>
  spawnGuard([
    '--port=0',
    '--address=127.0.0.1',
    `--tls-cert=${join(tls, 'tls.crt')}`,
    `--tls-key=${join(tls, 'tls.key')}`,
    '--manage-webhook-config',
    ...extra,
    `--kubeconfig=${kubeconfig}`,
  ]);

export type Reply = (code: number, body: unknown) => void;

/**
 * An apiserver stand-in on a free port of 127.0.0.1 that answers JSON: `handle` gets each request
 * with its path and body (once all of it arrived) and answers through `reply`.
 */
export async function jsonApiserver(
  handle: (req: http.IncomingMessage, path: string, body: string, reply: Reply) => void,
) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      handle(req, path, body, (code, obj) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}
