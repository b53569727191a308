// An HTTPS client for the fault tests: one request with a hard deadline, the certificate a fresh
// connection is served, latency percentiles, and a bounded pool that keeps N requests in flight.
import { Agent, request } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { connect } from 'node:tls';
import { until as waitUntil } from '../../support/until.js';

export interface Target {
  port: number;
  /** The CA the server's certificate chains to (PEM). */
  ca: string | Buffer;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Milliseconds from sending to the last byte of the answer. */
  ms: number;
  /** Whether the request went out on a connection the agent had used before. */
  reused: boolean;
}

export interface PostOptions {
  agent?: Agent | false;
  path?: string;
  method?: string;
  headers?: Record<string, string | number>;
  timeoutMs?: number;
}

/** Sends `body` and resolves with the whole answer; rejects on a socket error or after timeoutMs. */
export function send(
  target: Target,
  body: string | Buffer | undefined,
  o: PostOptions = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: o.path ?? '/validate',
        method: o.method ?? 'POST',
        ca: target.ca,
        agent: o.agent ?? false,
        headers: {
          ...(body !== undefined && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          }),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
            reused: req.reusedSocket,
          }),
        );
      },
    );
    req.setTimeout(o.timeoutMs ?? 15_000, () =>
      req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })),
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const keepAlive = (target: Target, maxSockets = 16) =>
  new Agent({ keepAlive: true, maxSockets, ca: target.ca });

/** The SHA-256 fingerprint of the certificate a new TLS connection is served (verified against the CA). */
export function servedFingerprint(target: Target, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: target.port, ca: target.ca, timeout: timeoutMs },
      () => {
        const { fingerprint256 } = socket.getPeerCertificate();
        socket.end();
        resolve(fingerprint256);
      },
    );
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timeout')));
    socket.on('error', reject);
  });
}

/** The p-th percentile (0-100) of the values (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs task(i) for i in [0, count) with at most `concurrency` in flight; stops early when
 * `deadline` (Date.now() ms) passes or `stop()` turns true. Resolves with how many were started.
 */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  limits: { deadline?: number; stop?: () => boolean } = {},
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      if (limits.deadline !== undefined && Date.now() > limits.deadline) return;
      if (limits.stop?.()) return;
      await task(next++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** test/support's until(), with the fault suite's shorter deadline and slower polling. */
export const until = (
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<void> => waitUntil(what, condition, timeoutMs, everyMs);

/**
 * A review whose body trickles in over `durationMs` (a slow but legitimate caller): resolves with
 * the status line of the answer, or "error: CODE" when the connection was cut.
 */
export function slowPost(target: Target, body: string, durationMs: number, pieces = 10): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const timers: NodeJS.Timeout[] = [];
    const socket = connect({ host: '127.0.0.1', port: target.port, ca: target.ca }, () => {
      socket.write(
        `POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`,
      );
      const bytes = Buffer.from(body);
      const size = Math.ceil(bytes.length / pieces);
      for (let k = 0; k < pieces; k++)
        timers.push(
          setTimeout(
            () => socket.destroyed || socket.write(bytes.subarray(k * size, (k + 1) * size)),
            (durationMs * (k + 1)) / pieces,
          ),
        );
    });
    socket.on('data', (c: Buffer) => (answer ||= c.toString('latin1').split('\r\n', 1)[0] ?? ''));
    socket.on('error', (err: NodeJS.ErrnoException) => (answer ||= `error: ${err.code ?? err.message}`));
    socket.on('close', () => {
      for (const t of timers) clearTimeout(t);
      resolve(answer || 'error: closed without an answer');
    });
  });
}

/** Whether a TCP connection to the port is accepted now ('refused' when nothing listens). */
export function tcpProbe(port: number): Promise<'accepted' | 'refused' | 'other'> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'other'),
    );
  });
}

/** An answer rather than an error (`instanceof Error` fails for Node's own errors under jest's VM realm). */
export const isAnswer = (x: unknown): x is Answer =>
  typeof x === 'object' && x !== null && typeof (x as Answer).status === 'number';

/** The code of a failed request (ECONNREFUSED, ECONNRESET, ...). */
export const errorCode = (err: unknown): string =>
  String((err as NodeJS.ErrnoException).code ?? (err as Error).name ?? err);
