// Slow senders must not starve the byte budget (issue 15). Six clients that declare a maximal
// review (7 MiB) and then trickle a byte now and then reserve the whole budget (six maximal bodies).
// Before the body pace, every other review got 429 for the 30 s request limit, then again on
// reconnect. Now a body that has not arrived by its deadline (a grace plus a time per byte it
// declares) is cut with a 408 and its bytes given back, and one that has stalled is cut
// sooner when a review needs its room.
//
// The server here has a request limit of 10 minutes, so only the pace can cut the senders; it
// waits on events (the cuts, the answers), never on a wall-clock margin.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { pino } from 'pino';
import { MAX_BYTES_IN_FLIGHT } from '../../src/server/app.js';
import { MAX_REVIEW_BYTES } from '../../src/server/body.js';
import { noCluster } from '../../src/server/cluster-source.js';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer, type GuardServer } from '../../src/server/server.js';
import { aistore } from '../support/builders.js';
import { reviewOf } from '../support/review.js';
import { send, slowPost, until, type Target } from './support/client.js';
import { record } from './support/report.js';

const REVIEW = JSON.stringify(reviewOf(aistore({ disable: true, hostPort: 1 })));
/** A 7 MiB body's deadline: 2 s + 7/8 s. */
const PACE = { bodyGraceMs: 2_000, bodyMinBytesPerSecond: 8 * 1024 * 1024 };
/** Deadlines an hour away: only a stall can cut a body (the silent senders' test). */
const NO_DEADLINE = { bodyGraceMs: 3_600_000, bodyMinBytesPerSecond: 8 * 1024 * 1024 };
const dir = mkdtempSync(join(tmpdir(), 'ais-guard-slow-senders-'));
const guards: GuardServer[] = [];
let target: Target;
let patient: Target;

async function start(pace: typeof PACE, certDir: string): Promise<Target> {
  const guard = await createGuardServer({
    config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir, shutdownTimeoutMs: 1_000 },
    cluster: noCluster(),
    logger: pino({ level: 'silent' }),
    timeouts: { requestMs: 600_000, ...pace },
  });
  guards.push(guard);
  return { port: (await guard.listen()).port, ca: readFileSync(join(certDir, 'ca.crt')) };
}

beforeAll(async () => {
  target = await start(PACE, join(dir, 'paced'));
  patient = await start(NO_DEADLINE, join(dir, 'patient'));
});

afterAll(async () => {
  for (const guard of guards) await guard.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

interface Sender {
  socket: TLSSocket;
  /** The answer's status line, and all it sent. */
  answer: string;
  text: string;
  closed: boolean;
}

/**
 * Declares a maximal body, then sends one byte every 200 ms (or, `silent`, nothing more) until the
 * server answers or cuts.
 */
function slowSender(to: Target, silent = false): Promise<Sender> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: to.port, ca: to.ca }, () => {
      socket.write(
        `POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${MAX_REVIEW_BYTES}\r\n\r\n{`,
      );
      resolve(sender);
    });
    const sender: Sender = { socket, answer: '', text: '', closed: false };
    const trickle = setInterval(() => silent || socket.destroyed || socket.write(' '), 200);
    socket.on('data', (c: Buffer) => {
      sender.text += c.toString('latin1');
      sender.answer = sender.text.split('\r\n', 1)[0] ?? '';
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(trickle);
      sender.closed = true;
    });
    socket.once('error', reject);
  });
}

const inFlight = async (to = target) => {
  const text = (await send(to, undefined, { path: '/metrics', method: 'GET' })).text;
  return Number(/^ais_guard_review_bytes_in_flight (\S+)$/m.exec(text)?.[1]);
};

describe('slow senders holding the byte budget', () => {
  it('six trickling 7 MiB bodies are cut with 408 at their deadline, and reviews are judged again', async () => {
    const started = Date.now();
    const senders = await Promise.all(Array.from({ length: 6 }, () => slowSender(target)));
    // The budget is theirs: all six reserved, a seventh review is turned away (they send, so none
    // is stalled: only the deadline cuts them).
    await until('six bodies reserved', async () => (await inFlight()) === MAX_BYTES_IN_FLIGHT, 30_000);
    const refused = await send(target, REVIEW);
    expect(refused.status).toBe(429);

    await until('every slow sender cut', () => senders.every((s) => s.closed), 60_000);
    const cutAfterMs = Date.now() - started;
    expect(senders.map((s) => s.answer)).toEqual(Array(6).fill('HTTP/1.1 408 Request Timeout'));
    expect(await inFlight()).toBe(0);
    const judged = await send(target, REVIEW);
    expect(judged.status).toBe(200);
    record('slow-senders', { senders: 6, declaredBytes: MAX_REVIEW_BYTES, ...PACE, cutAfterMs });
  });

  // Review serve46: six that declare 7 MiB and send nothing held the budget for free until their
  // deadline, then again as they reconnected. Once they have sent nothing between two sweeps, a
  // review that comes whole is judged: the oldest is cut to make room.
  it('six silent 7 MiB bodies give way to a review that has come', async () => {
    const senders = await Promise.all(Array.from({ length: 6 }, () => slowSender(patient, true)));
    await until('six bodies reserved', async () => (await inFlight(patient)) === MAX_BYTES_IN_FLIGHT, 30_000);
    await until('a review judged while they hold the budget', async () => {
      const status = (await send(patient, REVIEW)).status;
      expect([200, 429]).toContain(status);
      return status === 200;
    });
    await until('one silent sender cut', () => senders.some((s) => s.closed));
    expect(senders.filter((s) => s.closed).map((s) => s.text)).toEqual([
      expect.stringMatching(
        /^HTTP\/1.1 408 [^]*review body stalled: 1 bytes come of 7340032, none in 250 ms; cut to make room for another review/,
      ),
    ]);
    for (const s of senders) s.socket.destroy();
    await until('the budget given back', async () => (await inFlight(patient)) === 0);
  });

  it('a small review that arrives in pieces before its deadline is judged', async () => {
    expect(await slowPost(target, REVIEW, 300, 10)).toBe('HTTP/1.1 200 OK');
  });
});
