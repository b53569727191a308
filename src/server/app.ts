// The HTTP surface: two admission routes that only decode, judge and encode, plus health,
// readiness and metrics. Errors answer with a reason and never a stack trace.
//
// The admission routes are dispatched before express: its per-request work (prototype swaps, URL
// and query parsing, the router's layer walk) measured 3x the cost of a bare node:https handler,
// more than the whole policy. Express keeps the rest of the surface, where that cost is irrelevant.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { clip } from '../policy/index.js';
import { answerText, BadReview, decodeReview, type AdmissionRequest } from './admission.js';
import {
  BodyError,
  containersOver,
  ByteBudget,
  type BodyPace,
  isJsonContentType,
  MAX_REVIEW_BYTES,
  readBody,
} from './body.js';
import { certificateReport, type CertificateStatus, type ExpiryState } from './certificate.js';
import type { ClusterSource } from './cluster-source.js';
import type { ErrorReason, Metrics } from './metrics.js';
import { cannotJudge, review, type Endpoint, type ReviewDeps, type ReviewOutcome } from './review.js';

export interface AppState {
  /** Serving certificate loaded. */
  tlsReady: boolean;
  /** Set on SIGTERM: readiness fails so endpoints drop the pod while in-flight work finishes. */
  draining: boolean;
  /** The serving certificate's end and reload health (absent in tests that serve none). */
  certificate?: CertificateStatus;
  /**
   * With --manage-webhook-config (undefined without): whether the webhook caBundles have been seen
   * trusting the serving CA (written, or found so) once since start. Until then the apiserver may not
   * be able to call this replica at all (deploy/base ships no caBundle), and Ready is what Argo CD's
   * sync waves and Flux's health checks wait for before they apply AIStore objects. Once set it stays
   * set: a later failed write (a rotation step, an apiserver hiccup) is logged and retried by the
   * keeper, and a readiness that followed it would drop every replica's endpoints at once.
   */
  caBundleTrusted?: boolean;
}

export interface AppDeps {
  config: ReviewDeps['config'];
  cluster: ClusterSource;
  metrics: Metrics;
  logger: Logger;
  state: AppState;
  /** Review bytes held at once across requests (MAX_BYTES_IN_FLIGHT unless a test gives less). */
  maxBytesInFlight?: number;
  /** The slowest a review body may arrive (BODY_PACE unless a test gives another). */
  bodyPace?: BodyPace;
}

/**
 * Review bodies held in memory at once, all requests together: six reviews of the maximal size.
 * Beyond it a review gets 429 with Retry-After before its body is kept. The apiserver's own reviews
 * are a few KiB; 200 concurrent maximal ones took RSS past the pod's 384Mi limit without this.
 */
export const MAX_BYTES_IN_FLIGHT = 6 * MAX_REVIEW_BYTES;
const RETRY_AFTER_SECONDS = '1';

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  sendText(res, status, JSON.stringify(body));

const REASONS: Record<BodyError['status'], ErrorReason> = {
  400: 'bad_review',
  408: 'too_slow',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'overloaded',
};

/** Names and uids as the log quotes them: a caller can send megabyte-long ones (test/faults/fuzz.test.ts). */
function clipName(text: string | undefined): string | undefined {
  return text === undefined ? text : clip(text, 256);
}

/** `logger` is the route's child, which names the endpoint (see admissionRoute). */
function logReview(logger: Logger, req: AdmissionRequest, outcome: ReviewOutcome, ms: number): void {
  // Every review the guard acted on (a finding, a patch, a denial) at info; clean ones at debug:
  // the apiserver's audit log already records those, and a log line per clean review was the
  // largest cost on the hot path after TLS. The line is built only when it is written.
  const acted = outcome.findings.length > 0 || outcome.verdict === 'patched' || outcome.verdict === 'denied';
  const level = outcome.verdict === 'error' ? 'error' : acted ? 'info' : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  const meta = (req.object ?? req.oldObject)?.metadata;
  const fields = {
    uid: clipName(req.uid),
    operation: req.operation,
    kind: clipName(req.kind.kind),
    namespace: clipName(req.namespace),
    name: clipName(typeof meta?.name === 'string' ? meta.name : req.name),
    verdict: outcome.verdict,
    rules: outcome.findings.length ? outcome.findings.map((f) => `${f.ruleId}=${f.action}`) : undefined,
    dryRun: req.dryRun || undefined,
    ms: Math.round(ms * 1000) / 1000,
    error: outcome.error,
  };
  logger[level](fields, level === 'error' ? 'review could not be judged' : 'review');
}

/** Why a request could not be reviewed, as its HTTP status and the reason label of the errors metric. */
function refusal(err: unknown): { status: number; reason: ErrorReason; message: string; uid?: string } {
  if (err instanceof BodyError)
    return { status: err.status, reason: REASONS[err.status], message: err.message };
  if (err instanceof BadReview)
    return { status: 400, reason: 'bad_review', message: err.message, uid: err.uid };
  return { status: 500, reason: 'internal', message: 'internal error' };
}

// Plain callbacks from the request to the answer, no Promise and no async function: on the fast
// path those cost 14 % of the throughput of the bare node:https baseline (docs/performance.md).
function admissionRoute(endpoint: Endpoint, deps: AppDeps, budget: ByteBudget): Handler {
  const { metrics } = deps;
  // The endpoint bound once: pino writes a child's bindings pre-serialised, where `endpoint` was
  // (first after the base fields), so each line reads as before for one key less per line.
  const logger = deps.logger.child({ endpoint });

  function refuse(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    const { status, reason, message, uid } = refusal(err);
    metrics.errors.inc({ endpoint, reason });
    logger.warn(
      { status, uid: clipName(uid), reason, error: status === 500 ? String(err) : message },
      'bad admission request',
    );
    // A body we stopped reading leaves the connection in an unknown state: do not reuse it, and
    // say so (Connection: close), or a keep-alive client reuses a socket we are about to destroy.
    if (status === 413 || status === 408) res.shouldKeepAlive = false;
    // Overloaded: the body is drained, not kept, and the connection stays usable for the retry.
    if (status === 429 && !res.headersSent) res.setHeader('retry-after', RETRY_AFTER_SECONDS);
    const send = () => {
      if (!res.headersSent) sendJson(res, status, uid ? { error: message, uid } : { error: message });
    };
    // A refusal before the body is read (429, 415) on a connection that closes after the answer (the
    // client said Connection: close, or shutdown has begun): closed with body bytes unread or still
    // coming, the socket resets, and the client's kernel drops the answer with the connection. So
    // the body is drained first (kept nowhere), if it may be as long as a review.
    const declared = Number(req.headers['content-length'] ?? 0); // none (chunked): a maximal review's pace
    if (
      (status === 429 || status === 415) &&
      !res.shouldKeepAlive &&
      !req.readableEnded &&
      declared <= MAX_REVIEW_BYTES
    )
      return answerAfterBody(req, budget.paceMs(declared || MAX_REVIEW_BYTES), send);
    send();
    if (status === 413 || status === 408) res.once('finish', () => req.socket.destroySoon());
  }

  function answer(res: ServerResponse, raw: Buffer, started: number): void {
    if (raw.length === 0) throw new BodyError(400, 'empty body: expected an AdmissionReview');
    const tooMany = containersOver(raw);
    if (tooMany) throw tooMany;
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new BadReview(`body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
    }
    const request = decodeReview(body);
    let outcome: ReviewOutcome;
    try {
      outcome = review(endpoint, request, deps);
    } catch (err) {
      // review() already turns evaluation errors into the failure mode; this is the last net.
      outcome = cannotJudge(request, (err as Error).message, deps.config);
    }
    // Answer first, then account: the apiserver is waiting for the answer, not for our metrics and
    // log line (measured: +10 % throughput on the fast path). The duration includes the write.
    sendText(res, 200, answerText(outcome.body));
    const seconds = (performance.now() - started) / 1000;
    metrics.observe(endpoint, outcome.verdict, outcome.findings, seconds);
    // Counted in both reviews_total{verdict="error"} and errors_total{reason="internal"}: the
    // AisGuardAdmissionErrors ratio leaves the former out of its denominator.
    if (outcome.verdict === 'error') metrics.errors.inc({ endpoint, reason: 'internal' });
    logReview(logger, request, outcome, seconds * 1000);
  }

  return (req, res) => {
    const started = performance.now();
    metrics.reviewStarted();
    // The one way out of a review, answered or refused.
    const complete = (err: BodyError | undefined, raw: Buffer) => {
      try {
        if (err) throw err;
        answer(res, raw, started);
      } catch (failure) {
        refuse(req, res, failure);
      } finally {
        metrics.reviewDone();
      }
    };
    const contentType = req.headers['content-type'];
    if (isJsonContentType(contentType)) return readBody(req, MAX_REVIEW_BYTES, budget, complete);
    const message = `content-type must be application/json, got ${JSON.stringify(contentType ?? '')}`;
    complete(new BodyError(415, message), Buffer.alloc(0));
  };
}

/**
 * Calls `send` once the request's body has all come and been dropped, or at `ms` (an admitted body's
 * pace) with what is left unread: requestTimeout does not bound the wait once shutdown has begun
 * (server.close() stops Node's checks), and a client that reads while it sends waits no longer.
 */
function answerAfterBody(req: IncomingMessage, ms: number, send: () => void): void {
  const timer = setTimeout(send, ms);
  req
    .once('end', () => {
      clearTimeout(timer);
      send();
    })
    .once('close', () => clearTimeout(timer))
    .resume();
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The server's request handler: admission routes first, everything else through express. */
export function createApp(deps: AppDeps): Handler {
  const budget = new ByteBudget(deps.maxBytesInFlight ?? MAX_BYTES_IN_FLIGHT, deps.bodyPace);
  deps.metrics.trackBytesInFlight(() => budget.inUse);
  const admission: Record<string, Handler> = {
    '/validate': admissionRoute('validate', deps, budget),
    '/mutate': admissionRoute('mutate', deps, budget),
  };
  const app = surface(deps);
  return (req, res) => {
    const url = req.url ?? '';
    // A target in neither form (`[::1/x`, `*`): express would answer its HTML "Cannot POST" page, and
    // Node's url.parse print a deprecation warning among the JSON log lines.
    if (url[0] !== '/' && !URL.canParse(url))
      return sendJson(res, 400, { error: 'the request target is neither a path nor an absolute URL' });
    const route = req.method === 'POST' ? admission[pathOf(url)] : undefined;
    if (route) route(req, res);
    else app(req, res);
  };
}

function certificateJson(c: CertificateStatus, expiry: ExpiryState) {
  return {
    notAfter: c.notAfter.toISOString(),
    expiry,
    reloadFailing: c.reloadFailing,
    ...(c.reloadError && { reloadError: c.reloadError }),
  };
}

/**
 * The path without a query string (the apiserver may append ?timeout=5s), of a request target in
 * origin form (`/validate`) or absolute form (`https://host:8443/validate`, which RFC 9112 3.2.2 has
 * a server accept; the apiserver sends the first, other clients may send the second).
 */
function pathOf(url: string): string {
  if (url[0] !== '/') return new URL(url).pathname;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function surface(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const { state, cluster } = deps;
    const cache = cluster.status();
    const cert = state.certificate && certificateReport(state.certificate, Date.now());
    const tls = state.tlsReady && (cert?.ready ?? true);
    const caBundle = state.caBundleTrusted;
    const checks = {
      tls,
      cluster: cache.synced,
      draining: state.draining,
      ...(caBundle !== undefined && { caBundle }),
    };
    const ready = tls && cache.synced && !state.draining && caBundle !== false;
    const degraded = cert?.degraded.length ? cert.degraded : undefined;
    sendJson(res, ready ? 200 : 503, {
      status: ready ? (degraded ? 'degraded' : 'ready') : 'not ready',
      checks,
      ...(cert?.reason && { reason: cert.reason }),
      ...(degraded && { degraded }),
      ...(state.certificate && cert && { certificate: certificateJson(state.certificate, cert.expiry) }),
      cluster: cache,
    });
  });
  app.get('/metrics', async (_req, res) => {
    deps.metrics.cacheSynced.set(deps.cluster.synced() ? 1 : 0);
    for (const [kind, status] of Object.entries(deps.cluster.status().kinds))
      deps.metrics.watchConnected.set({ kind }, status.connected ? 1 : 0);
    const text = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    res.end(text);
  });

  app.use((req, res) => sendJson(res, 404, { error: `no route for ${req.method} ${req.path}` }));
  // Express's own errors (e.g. a malformed URL): a reason, never a stack trace.
  app.use((err: Error, _req: Request, res: Response, _next: express.NextFunction) => {
    deps.logger.warn({ error: err.message }, 'request failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
  });
  return app;
}
