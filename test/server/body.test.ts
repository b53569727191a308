// readBody on its own: a body is the bytes sent, however they are cut into chunks, and its place in
// the byte budget is given back once it is answered.
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
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
