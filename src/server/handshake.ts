// Connections that never become a request: TLS handshakes that fail (most often the apiserver
// refusing the serving certificate, a caBundle of another CA) and connections Node closes at
// maxConnections. Neither reaches the app, so without this the guard shows a quiet, healthy
// process while every webhook call fails. Counted by a small fixed set of reasons, and logged at
// most once a minute with how many were not logged: a caller retrying a refused handshake does so
// many times a second.
import type { Server } from 'node:https';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export const HANDSHAKE_REASONS = ['certificate_refused', 'closed', 'timeout', 'protocol'] as const;
export type HandshakeReason = (typeof HANDSHAKE_REASONS)[number];
const LOG_EVERY_MS = 60_000;

/**
 * Node's code for the error: the peer's TLS alert (OpenSSL ERR_SSL_<alert>, as Go's crypto/tls
 * sends bad_certificate or unknown_ca when verification fails: handshake_client.go,
 * verifyServerCertificate), a socket closed mid-handshake (Node's and curl's clients just close),
 * tls.Server's handshakeTimeout (ERR_TLS_HANDSHAKE_TIMEOUT), or anything else OpenSSL refused
 * (plain HTTP on the port, no shared version or cipher).
 */
export function handshakeReason(err: Error & { code?: string }): HandshakeReason {
  const code = err.code ?? '';
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'timeout';
  if (/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_|UNSUPPORTED_CERTIFICATE|DECRYPT_ERROR)/.test(code))
    return 'certificate_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(err.message)) return 'closed';
  return 'protocol';
}

/** A warn line at most once per LOG_EVERY_MS, saying how many events it stands for. */
function everyMinute(logger: Logger, msg: string): (fields: Record<string, unknown>) => void {
  let last = -Infinity;
  let unlogged = 0;
  return (fields) => {
    const now = Date.now();
    if (now - last < LOG_EVERY_MS) {
      unlogged++;
      return;
    }
    logger.warn({ ...fields, notLoggedSinceLast: unlogged }, msg);
    last = now;
    unlogged = 0;
  };
}

export function watchHandshakes(server: Server, metrics: Metrics, logger: Logger): void {
  const logHandshake = everyMinute(logger, 'TLS handshake failed (at most one line a minute)');
  // Node destroys the socket itself (lib/_tls_wrap.js, onerror); the listener only observes.
  server.on('tlsClientError', (err: Error & { code?: string }, socket) => {
    const reason = handshakeReason(err);
    metrics.handshakeErrors.inc({ reason });
    logHandshake({ reason, code: err.code, error: err.message, remote: socket.remoteAddress });
  });
  const logDrop = everyMinute(logger, 'connection closed at maxConnections (at most one line a minute)');
  // net.Server emits 'drop' for each connection it closes because maxConnections is reached.
  server.on('drop', (data?: { remoteAddress?: string }) => {
    metrics.connectionsDropped.inc();
    logDrop({ maxConnections: server.maxConnections, remote: data?.remoteAddress });
  });
}
