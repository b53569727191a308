// readBody on its own: a body is the bytes sent, however they are cut into chunks, and its place in
// the byte budget is given back once it is answered.
import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { ByteBudget, readBody, type BodyError } from '../../src/server/body.js';

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
  /** A request that declares `declared` bytes and sends `sent` of them, then nothing. */
  function stalled(declared: number, sent: Buffer = Buffer.alloc(0)): IncomingMessage {
    const req = new PassThrough() as unknown as IncomingMessage;
    req.headers = { 'content-length': String(declared) };
    if (sent.length > 0) (req as unknown as PassThrough).write(sent);
    return req;
  }
  const outcome = (req: IncomingMessage, budget: ByteBudget) =>
    new Promise<BodyError | undefined>((resolve) => readBody(req, 1 << 20, budget, (err) => resolve(err)));

  it('cuts a body that declared its size and sent nothing, so a review that arrives whole fits (review serve46)', async () => {
    // Lagging from the first moment: no grace, a byte a second.
    const budget = new ByteBudget(10_000, { graceMs: 60_000, bytesPerSecond: 1, lagGraceMs: 0 });
    const hoarder = outcome(stalled(8_000), budget);
    expect(budget.inUse).toBe(8_000);
    const whole = Buffer.from(text.slice(0, 4_000));
    const review = outcome(requestOf([whole]), budget);
    expect((await hoarder)?.status).toBe(408);
    expect(await review).toBeUndefined();
    expect(budget.inUse).toBe(0);
  });

  it('keeps a body that keeps up with the pace: the newcomer gets 429', async () => {
    // No grace, a byte a second: ten bytes sent are ahead of the pace for ten seconds.
    const budget = new ByteBudget(10_000, { graceMs: 60_000, bytesPerSecond: 1, lagGraceMs: 0 });
    const sending = stalled(8_000, Buffer.alloc(10, 0x20));
    let done = false;
    void outcome(sending, budget).then(() => (done = true));
    await once(sending as unknown as PassThrough, 'data'); // its ten bytes are read
    const refused = await outcome(requestOf([Buffer.from(text.slice(0, 4_000))]), budget);
    expect(refused?.status).toBe(429);
    expect(done).toBe(false);
    expect(budget.inUse).toBe(8_000);
    (sending as unknown as PassThrough).destroy();
  });
});
