// readBody on its own: a body is the bytes sent, however they are cut into chunks, and its place in
// the byte budget is given back once it is answered.
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { ByteBudget, readBody, type BodyError } from '../../src/server/body.js';
import { until } from '../support/until.js';

/** A request whose body arrives as `chunks`, with a content-length header unless `chunked`. */
function requestOf(chunks: Buffer[], chunked = false): IncomingMessage {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const req = Readable.from(chunks, { objectMode: false }) as unknown as IncomingMessage;
  req.headers = chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) };
  return req;
}

function read(req: IncomingMessage, budget = new ByteBudget(1 << 20)) {
  return new Promise<{ err?: BodyError; body: Buffer; inUseAtDone: number; budget: ByteBudget }>((resolve) =>
    readBody(req, 1 << 20, budget, (err, body) =>
      // Copied: the body's own buffer is released once the callback returns.
      resolve({ err, body: Buffer.from(body), inUseAtDone: budget.inUse, budget }),
    ),
  );
}

const text = '{"kind":"AdmissionReview","padding":"' + 'x'.repeat(5000) + '"}';

describe('readBody', () => {
  it('a body in one chunk is that chunk, bytes unchanged', async () => {
    const chunk = Buffer.from(text);
    let seen: Buffer | undefined;
    const budget = new ByteBudget(1 << 20);
    await new Promise<void>((resolve) =>
      readBody(requestOf([chunk]), 1 << 20, budget, (err, body) => {
        expect(err).toBeUndefined();
        seen = body;
        resolve();
      }),
    );
    expect(seen).toBe(chunk);
    expect(chunk.toString()).toBe(text);
    expect(budget.inUse).toBe(0);
  });

  it.each([
    [2, [10]],
    [3, [1, 4000]],
    [4, [1, 2, 3]],
  ])('a body in %i chunks is put together in order', async (_count, cuts) => {
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    let from = 0;
    for (const at of [...cuts, bytes.length]) {
      chunks.push(bytes.subarray(from, at));
      from = at;
    }
    const { err, body, inUseAtDone, budget } = await read(requestOf(chunks));
    expect(err).toBeUndefined();
    expect(body.toString()).toBe(text);
    expect(inUseAtDone).toBe(bytes.length); // held while it is answered
    expect(budget.inUse).toBe(0);
  });

  it('a chunked body (no declared length) is put together too', async () => {
    const bytes = Buffer.from(text);
    const { err, body } = await read(requestOf([bytes.subarray(0, 100), bytes.subarray(100)], true));
    expect(err).toBeUndefined();
    expect(body.toString()).toBe(text);
  });
});

describe('the byte budget, short of room', () => {
  /** A request that declares `declared` bytes and sends none of them. */
  function silent(declared: number): IncomingMessage {
    const req = new PassThrough() as unknown as IncomingMessage;
    req.headers = { 'content-length': String(declared) };
    return req;
  }
  /** Its outcome, and whether it has come yet. */
  function outcome(req: IncomingMessage, budget: ByteBudget) {
    const state: { done: boolean; err?: BodyError } = { done: false };
    const settled = new Promise<BodyError | undefined>((resolve) =>
      readBody(req, 1 << 20, budget, (err) => {
        Object.assign(state, { done: true, err });
        resolve(err);
      }),
    );
    return { state, settled };
  }
  // Sweeps every 20 ms; deadlines hours away (a byte a second).
  const budgetOf = (limit: number) => new ByteBudget(limit, { graceMs: 20, bytesPerSecond: 1 });
  const stalledCount = (budget: ByteBudget) => [...budget.reading].filter((r) => r.stalled).length;
  const review = (bytes: number) => requestOf([Buffer.from(text.slice(0, bytes))]);

  it('cuts a body that declared its size and sent nothing over two sweeps, so a review that came fits (review serve46)', async () => {
    const budget = budgetOf(10_000);
    const hoarder = outcome(silent(8_000), budget);
    expect(budget.inUse).toBe(8_000);
    await until('the hoarder counted as stalled', () => stalledCount(budget) === 1);
    const newcomer = outcome(review(4_000), budget);
    expect((await hoarder.settled)?.message).toMatch(
      /^review body stalled: 0 bytes come of 8000, none in 20 ms; cut to make room for another review$/,
    );
    expect(await newcomer.settled).toBeUndefined();
    expect(budget.inUse).toBe(0);
  });

  it('cuts nothing when cutting every stalled body would not make room: the newcomer gets 429', async () => {
    const budget = budgetOf(10_000);
    const hoarder = outcome(silent(4_000), budget);
    await until('the hoarder counted as stalled', () => stalledCount(budget) === 1);
    // Just begun, so not stalled: 9,000 held, 4,000 of it stalled, and 6,000 asked for.
    const begun = outcome(silent(5_000), budget);
    const refused = outcome(
      review(6_000).on('data', () => undefined),
      budget,
    );
    expect((await refused.settled)?.status).toBe(429);
    expect(hoarder.state.done).toBe(false);
    expect(begun.state.done).toBe(false);
    expect(budget.inUse).toBe(9_000);
    for (const r of [...budget.reading]) r.req.destroy();
  });
});
