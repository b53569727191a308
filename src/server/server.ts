// The guard as a running HTTPS server: TLS material (given, or self-managed in certDir with
// renewal), hot certificate reload, timeouts against slow clients, graceful shutdown.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { createApp, MAX_BYTES_IN_FLIGHT, type AppState } from './app.js';
import { BODY_PACE } from './body.js';
import { expiryState, type CertificateStatus, type ExpiryState } from './certificate.js';
import type { ClusterSource } from './cluster-source.js';
import type { ServerConfig } from './config.js';
import { Metrics } from './metrics.js';
import { trackConnections } from './connections.js';
import { watchHandshakes } from './handshake.js';
import { readPair, TLS_OPTIONS, watchPair, type RetryPolicy, type ServingPair } from './tls.js';

export interface GuardServer {
  server: Server;
  metrics: Metrics;
  state: AppState;
  /** The limits in force (SERVER_TIMEOUTS unless a test gave shorter ones). */
  timeouts: Readonly<ServerTimeouts>;
  capacity: Readonly<ServerCapacity>;
  /** Resolves with the bound address once listening. */
  listen(): Promise<AddressInfo>;
  /** Graceful: readiness off, stop accepting, finish in-flight, then close; bounded by shutdownTimeoutMs. */
  shutdown(): Promise<void>;
  /** Where the CA of the serving certificate is read (ca.crt beside tls.crt), if anywhere. */
  caFile: string;
}

export interface GuardServerDeps {
  config: ServerConfig;
  cluster: ClusterSource;
  logger: Logger;
  /** Called after the serving certificate changed (e.g. to re-patch the webhook caBundle). */
  onCertificateChange?: () => void;
  /** Shorter limits for tests; production uses SERVER_TIMEOUTS (the README's "Limits"). */
  timeouts?: Partial<ServerTimeouts>;
  /** Smaller caps for tests; production uses SERVER_CAPACITY. */
  capacity?: Partial<ServerCapacity>;
  /** Faster certificate reload retries for tests; production uses RELOAD_RETRY. */
  certificateRetry?: Partial<RetryPolicy>;
}

export interface ServerCapacity {
  /** Open connections; more are closed as they are accepted. */
  maxConnections: number;
  /** Review body bytes held at once; beyond it, 429 with Retry-After. */
  maxBytesInFlight: number;
}

/**
 * What fits in the Deployment's 384Mi with room to spare: ~33 KiB per idle TLS connection (100 MiB
 * for 3,000), six maximal reviews' bodies, the heap. The apiserver keeps a few dozen connections.
 */
export const SERVER_CAPACITY: Readonly<ServerCapacity> = {
  maxConnections: 3_000,
  maxBytesInFlight: MAX_BYTES_IN_FLIGHT,
};

export interface ServerTimeouts {
  /** The TLS handshake and then the whole header block (slowloris). */
  headersMs: number;
  /** The whole request, a 7 MiB body included. */
  requestMs: number;
  /** A review body must arrive within this long after its headers, plus... */
  bodyGraceMs: number;
  /** ...a second per this many bytes it declares, or it gets 408 (body.ts BODY_PACE: 12 s for 7 MiB). */
  bodyMinBytesPerSecond: number;
  /** Idle keep-alive connection between requests. */
  keepAliveMs: number;
  /** A connection with no bytes moving either way, e.g. a client that stopped reading mid-response. */
  idleMs: number;
}

export const SERVER_TIMEOUTS: Readonly<ServerTimeouts> = {
  headersMs: 10_000,
  requestMs: 30_000,
  bodyGraceMs: BODY_PACE.graceMs,
  bodyMinBytesPerSecond: BODY_PACE.bytesPerSecond,
  // The apiserver keeps connections alive (Go's idle timeout is 90 s): outlive it, so the server is
  // never the side that closes an idle connection just as a request is sent on it.
  keepAliveMs: 95_000,
  idleMs: 120_000,
};

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Logs the serving certificate's expiry when its state changes (valid, expiring: certificate.ts
 * expiryWarningMs, expired) and once a day while it stays expiring or expired; checks hourly and
 * after each reload.
 */
function expiryWatch(logger: Logger, certificate: CertificateStatus): () => void {
  let last: { state: ExpiryState; at: number } | undefined;
  return () => {
    const now = Date.now();
    const state = expiryState(certificate.notAfter, now, certificate.notBefore);
    if (last?.state === state && (state === 'valid' || now - last.at < DAY_MS)) return;
    const wasBad = last !== undefined && last.state !== 'valid';
    last = { state, at: now };
    const notAfter = certificate.notAfter.toISOString();
    if (state === 'expired')
      logger.error(
        { notAfter },
        'serving certificate has expired: the apiserver refuses the TLS handshake; /readyz fails until it is replaced',
      );
    else if (state === 'expiring')
      logger.warn(
        { notAfter, daysLeft: Math.floor((certificate.notAfter.getTime() - now) / DAY_MS) },
        'serving certificate expires soon',
      );
    else if (wasBad) logger.info({ notAfter }, 'serving certificate valid again');
  };
}

/** The serving files in use: explicit ones, or the self-managed pair in certDir (created or renewed). */
async function servingFiles(
  config: ServerConfig,
  logger: Logger,
): Promise<{ cert: string; key: string; selfManaged: boolean }> {
  if (config.tlsCert && config.tlsKey)
    return { cert: config.tlsCert, key: config.tlsKey, selfManaged: false };
  const result = await renewSelfManaged(config);
  logger.info(
    {
      certDir: config.certDir,
      createdCA: result.createdCA,
      issued: result.issued,
      notAfter: result.notAfter,
      reason: result.servingReason,
    },
    'serving certificate ready (self-managed)',
  );
  if (result.caNotBefore.getTime() > Date.now())
    logger.warn(
      { caCert: result.paths.caCert, caNotBefore: result.caNotBefore },
      'the CA is not valid yet by this clock (a clock ahead made it): clients whose clock agrees with this one refuse every call until then',
    );
  return { cert: result.paths.cert, key: result.paths.key, selfManaged: true };
}

/** Creates or renews the self-managed pair. node-forge (~6 MB of RSS) loads only for this, not
 * when the certificate comes from a Secret or cert-manager. */
async function renewSelfManaged(config: ServerConfig) {
  const { ensureCerts, serviceDnsNames } = await import('../tls/index.js');
  const ns = config.ownNamespace ?? 'ais-guard';
  return ensureCerts(config.certDir, {
    dnsNames: ['localhost', ...serviceDnsNames('ais-guard', ns)],
    ipAddresses: ['127.0.0.1', '::1'],
    renewBeforeDays: 30,
    // The directory may hold a pair `ais-guard certs --ip/--dns` issued for the address the
    // apiserver dials: a reissue for serve's own names must keep those.
    keepNames: true,
  });
}

export async function createGuardServer({
  config,
  cluster,
  logger,
  onCertificateChange,
  timeouts,
  capacity: capacityOverride,
  certificateRetry,
}: GuardServerDeps): Promise<GuardServer> {
  const limits = { ...SERVER_TIMEOUTS, ...timeouts };
  const capacity = { ...SERVER_CAPACITY, ...capacityOverride };
  const metrics = new Metrics();
  const state: AppState = { tlsReady: false, draining: false };
  const files = await servingFiles(config, logger);
  let pair: ServingPair = await readPair(files.cert, files.key);
  state.tlsReady = true;
  const certificate: CertificateStatus = {
    notAfter: pair.notAfter,
    notBefore: pair.notBefore,
    reloadFailing: false,
  };
  state.certificate = certificate;
  metrics.certExpiry.set(pair.notAfter.getTime() / 1000);
  metrics.certNotBefore.set(pair.notBefore.getTime() / 1000);
  metrics.certReloadFailing.set(0);
  const checkExpiry = expiryWatch(logger, certificate);
  checkExpiry();
  const expiryTimer = setInterval(checkExpiry, HOUR_MS);
  expiryTimer.unref();

  const app = createApp({
    config,
    cluster,
    metrics,
    logger,
    state,
    maxBytesInFlight: capacity.maxBytesInFlight,
    bodyPace: { graceMs: limits.bodyGraceMs, bytesPerSecond: limits.bodyMinBytesPerSecond },
  });
  const server = createServer({
    ...TLS_OPTIONS,
    cert: pair.cert,
    key: pair.key,
    // A client that connects and never completes the handshake is not seen by headersTimeout
    // (HTTP starts after TLS), and tls.Server's default gives it 120 s: same bound as headers.
    handshakeTimeout: limits.headersMs,
    // Node enforces headersTimeout and requestTimeout only when it sweeps its connection list,
    // by default every 30 s: a "10 s" slowloris then lived up to 40 s (test/faults/abuse.test.ts).
    connectionsCheckingInterval: Math.min(1_000, limits.headersMs / 4),
  });
  server.keepAliveTimeout = limits.keepAliveMs;
  server.headersTimeout = limits.headersMs; // slowloris: the whole header block within 10 s
  server.requestTimeout = limits.requestMs; // and the whole request (a 7 MiB body included) within 30 s
  server.maxConnections = capacity.maxConnections;
  // Idle sockets (a client that stops reading mid-response) are cut by the connection sweep, not by
  // server.timeout: see connections.ts.
  const connections = trackConnections(server, limits.idleMs);
  watchHandshakes(server, metrics, logger);
  server.on('request', (req, res) => {
    connections.track(req, res);
    app(req, res);
  });

  const stopWatching = watchPair({
    certFile: files.cert,
    keyFile: files.key,
    current: pair,
    retry: certificateRetry,
    onChange: (next) => {
      server.setSecureContext({ ...TLS_OPTIONS, cert: next.cert, key: next.key });
      pair = next;
      certificate.notAfter = next.notAfter;
      certificate.notBefore = next.notBefore;
      metrics.certExpiry.set(next.notAfter.getTime() / 1000);
      metrics.certNotBefore.set(next.notBefore.getTime() / 1000);
      metrics.certReloads.inc({ result: 'ok' });
      logger.info({ notAfter: next.notAfter, fingerprint: next.fingerprint }, 'serving certificate reloaded');
      checkExpiry();
      onCertificateChange?.();
    },
    onAttempt: (ok) => {
      if (!ok) metrics.certReloads.inc({ result: 'error' });
    },
    // Once per change of state, not per attempt: a directory gone for hours is two log lines.
    onFailing: (err) => {
      certificate.reloadFailing = true;
      certificate.reloadError = err.message;
      metrics.certReloadFailing.set(1);
      logger.warn(
        { error: err.message, notAfter: certificate.notAfter },
        'serving certificate files unreadable: serving the last good certificate, retrying with backoff',
      );
    },
    onRecovered: () => {
      certificate.reloadFailing = false;
      certificate.reloadError = undefined;
      metrics.certReloadFailing.set(0);
      logger.info('serving certificate files readable again');
    },
  });
  // Self-managed certificates renew themselves well before they expire; the watcher picks them up.
  const renewal = files.selfManaged
    ? setInterval(() => {
        renewSelfManaged(config).catch((err: Error) =>
          logger.error({ error: err.message }, 'certificate renewal failed'),
        );
      }, DAY_MS / 2)
    : undefined;
  renewal?.unref();

  const listen = () =>
    new Promise<AddressInfo>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      state.draining = true;
      connections.closeAfterAnswers(); // kept-alive connections leave during the delay (connections.ts)
      logger.info({ delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      stopWatching();
      clearInterval(expiryTimer);
      if (renewal) clearInterval(renewal);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      connections.drain();
      connections.stop();
      const force = setTimeout(() => {
        logger.warn('shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      force.unref();
      await closed;
      clearTimeout(force);
      await cluster.stop();
      logger.info('stopped');
    })());

  const caFile = join(dirname(files.cert), 'ca.crt');
  return { server, metrics, state, timeouts: limits, capacity, listen, shutdown, caFile };
}
