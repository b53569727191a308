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
const dir = mkdtempSync(join(tmpdir(), 'ais-guard-slow-senders-'));
let guard: GuardServer;
let target: Target;

beforeAll(async () => {
  guard = await createGuardServer({
    config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 1_000 },
    cluster: noCluster(),
    logger: pino({ level: 'silent' }),
    timeouts: { requestMs: 600_000, ...PACE },
  });
  target = { port: (await guard.listen()).port, ca: readFileSync(join(dir, 'ca.crt')) };
});

afterAll(async () => {
  await guard.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

interface Sender {
  socket: TLSSocket;
  /** The answer's status line, and all it sent. */
  answer: string;
  text: string;
  closed: boolean;
}

/** Declares a maximal body, then sends one byte every 200 ms until the server answers or cuts. */
function slowSender(): Promise<Sender> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: target.port, ca: target.ca }, () => {
      socket.write(
        `POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${MAX_REVIEW_BYTES}\r\n\r\n{`,
      );
      resolve(sender);
    });
    const sender: Sender = { socket, answer: '', text: '', closed: false };
    const trickle = setInterval(() => socket.destroyed || socket.write(' '), 200);
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

const inFlight = async () => {
  const text = (await send(target, undefined, { path: '/metrics', method: 'GET' })).text;
  return Number(/^ais_guard_review_bytes_in_flight (\S+)$/m.exec(text)?.[1]);
};

describe('slow senders holding the byte budget', () => {
  it('six trickling 7 MiB bodies are cut with 408 at their deadline, and reviews are judged again', async () => {
    const started = Date.now();
    const senders = await Promise.all(Array.from({ length: 6 }, slowSender));
    // The budget is theirs: all six reserved. A review that comes whole is judged all the same once
    // they have stalled (under 16 KiB between two sweeps): the oldest is cut to make room (review serve46:
    // before, every review got 429 until the deadlines, and again as they reconnected).
    await until('six bodies reserved', async () => (await inFlight()) === MAX_BYTES_IN_FLIGHT, 30_000);
    await until('a review judged while they hold the budget', async () => {
      const status = (await send(target, REVIEW)).status;
      expect([200, 429]).toContain(status);
      return status === 200;
    });

    await until('every slow sender cut', () => senders.every((s) => s.closed), 60_000);
    const cutAfterMs = Date.now() - started;
    expect(senders.map((s) => s.answer)).toEqual(Array(6).fill('HTTP/1.1 408 Request Timeout'));
    // The first was cut for the review, not by its deadline.
    expect(senders.some((s) => s.text.includes('cut to make room for another review'))).toBe(true);
    expect(await inFlight()).toBe(0);
    const judged = await send(target, REVIEW);
    expect(judged.status).toBe(200);
    record('slow-senders', { senders: 6, declaredBytes: MAX_REVIEW_BYTES, ...PACE, cutAfterMs });
  });

  it('a small review that arrives in pieces before its deadline is judged', async () => {
    expect(await slowPost(target, REVIEW, 300, 10)).toBe('HTTP/1.1 200 OK');
  });
});
