// GET <origin>/readyz of a guard the webhooks call by URL, keeping the certificates it served: the
// leaf and the intermediates after it, from which the apiserver builds its chain to the caBundle.
// They are not verified here (rejectUnauthorized: false): whether the caBundle signed them is the
// ca-bundle check's question, answered with a message instead of a TLS error.
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { noAnswerWithin } from '../k8s/deadline.js';
import type { Probe } from './types.js';

export function probe(url: string, timeoutMs = 5_000): Promise<Probe> {
  return new Promise((resolve) => {
    let certPem = '';
    // `timeout` below is the socket's idle time: a body that trickles in a byte at a time never
    // reaches it. The whole probe has the deadline too; destroying the request ends it by 'error'.
    const deadline = setTimeout(() => req.destroy(new Error(noAnswerWithin(timeoutMs))), timeoutMs);
    const done = (answer: Probe) => {
      clearTimeout(deadline);
      resolve(answer);
    };
    const req = request(
      url,
      { method: 'GET', rejectUnauthorized: false, agent: false, timeout: timeoutMs },
      (res) => {
        const body: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if ((size += chunk.length) <= MAX_BODY) body.push(chunk);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const notReady = status === 200 ? undefined : failedChecks(Buffer.concat(body).toString('utf8'));
          done({ ok: true, status, certPem, ...(notReady && { notReady }) });
        });
        res.on('error', (err) => done({ ok: false, reason: err.message }));
      },
    );
    req.on('socket', (socket) =>
      socket.once('secureConnect', () => {
        certPem = peerChain((socket as TLSSocket).getPeerCertificate(true))
          .map((raw) => new X509Certificate(raw).toString())
          .join('');
      }),
    );
    req.on('timeout', () => req.destroy(new Error(noAnswerWithin(timeoutMs))));
    req.on('error', (err) => done({ ok: false, reason: err.message }));
    req.end();
  });
}

/**
 * The DER of the peer's chain, leaf first: getPeerCertificate(true) links each certificate to its
 * issuer (issuerCertificate), a self-signed one to itself; the walk stops there or at a repeat.
 * Node may end the served chain with a root of its own store; as a spare intermediate it changes
 * nothing in the ca-bundle check's answer (a root in the caBundle already ends any chain through it).
 */
function peerChain(leaf: DetailedPeerCertificate | undefined): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (let c = leaf; c?.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
  }
  return out;
}

/** /readyz answers a few hundred bytes; more is not the guard's answer. */
const MAX_BODY = 64 * 1024;

/**
 * The checks a guard's /readyz body names as failed (src/server/app.ts: tls, cluster, caBundle
 * false; draining true), with its reason; undefined when the body is not that JSON.
 */
function failedChecks(text: string): string | undefined {
  try {
    const { checks, reason } = JSON.parse(text) as { checks?: Record<string, unknown>; reason?: unknown };
    const failed = Object.entries(checks ?? {})
      .filter(([name, value]) => (name === 'draining' ? value === true : value === false))
      .map(([name]) => name);
    const said = [...failed, ...(typeof reason === 'string' ? [reason] : [])].join(', ');
    return said || undefined;
  } catch {
    return undefined;
  }
}
