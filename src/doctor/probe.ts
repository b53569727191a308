// GET <origin>/readyz of a guard the webhooks call by URL, keeping the certificate it served. The
// certificate is not verified here (rejectUnauthorized: false): whether the caBundle signed it is
// the ca-bundle check's question, answered with a message instead of a TLS error.
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Probe } from './types.js';

export function probe(url: string, timeoutMs = 5_000): Promise<Probe> {
  return new Promise((resolve) => {
    let certPem = '';
    const req = request(
      url,
      { method: 'GET', rejectUnauthorized: false, agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0, certPem }));
        res.on('error', (err) => resolve({ ok: false, reason: err.message }));
      },
    );
    req.on('socket', (socket) =>
      socket.once('secureConnect', () => {
        const raw = (socket as TLSSocket).getPeerCertificate(false)?.raw;
        if (raw) certPem = new X509Certificate(raw).toString();
      }),
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, reason: err.message }));
    req.end();
  });
}
