// Reads a request body with a hard size limit, without a framework parser: the admission routes
// need exactly "bytes → JSON.parse", and express.json() costs more than the policy itself.
//
// Callback-shaped on purpose: a Promise here (and an async handler awaiting it) measured 14 % of
// the fast path's throughput against the bare node:https baseline (docs/performance.md).
import type { IncomingMessage } from 'node:http';

/**
 * The apiserver caps a request body at 3 MiB; an UPDATE review carries the object and the old
 * object, plus request metadata. 7 MiB admits every review the apiserver can send, and no more.
 */
export const MAX_REVIEW_BYTES = 7 * 1024 * 1024;

/**
 * JSON.parse's time follows the arrays and objects a body holds more than its bytes: 7 MiB of empty
 * arrays (2.3 million) take over a second, 3.5 million nested ones several, and every other review
 * waits behind it. The apiserver sends no such review: the AIStore CRD is structural and Pods and
 * claims are typed, and an UPDATE of a 3 MiB CR of 60,000 mounts holds some 150,000. Only a direct
 * caller can, so past this many the body is refused unparsed.
 */
export const MAX_REVIEW_CONTAINERS = 500_000;
/** Under this size a body cannot hold MAX_REVIEW_CONTAINERS ("[]" is two bytes): not counted. */
const COUNTED_FROM = MAX_REVIEW_CONTAINERS * 2;

/**
 * A 413 when the body holds more than MAX_REVIEW_CONTAINERS `[` and `{` (those in strings too: no
 * review the apiserver sends comes near), counted by the native byte search, stopping at the limit.
 */
export function containersOver(raw: Buffer): BodyError | undefined {
  if (raw.length < COUNTED_FROM) return undefined;
  let count = 0;
  for (const byte of [0x5b, 0x7b])
    // '[' and '{'
    for (let at = raw.indexOf(byte); at !== -1; at = raw.indexOf(byte, at + 1))
      if (++count > MAX_REVIEW_CONTAINERS)
        return new BodyError(413, `review holds more than ${MAX_REVIEW_CONTAINERS} JSON arrays and objects`);
  return undefined;
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 415 | 429,
    message: string,
  ) {
    super(message);
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  if (header === 'application/json') return true; // what the apiserver sends, without parsing
  if (!header) return false;
  const type = header.split(';', 1)[0]?.trim().toLowerCase();
  return type === 'application/json';
}

export type BodyCallback = (err: BodyError | undefined, body: Buffer) => void;

const EMPTY = Buffer.alloc(0);

/** How long a body may take to arrive: `graceMs`, plus a second per `bytesPerSecond` of its length. */
export interface BodyPace {
  graceMs: number;
  bytesPerSecond: number;
}

/**
 * The apiserver sends a review at the speed of the cluster network, in one go, and gives up on it
 * after the webhook's timeoutSeconds (5 s in deploy/). Six senders trickling 7 MiB each held the
 * whole byte budget for the 30 s request limit, so every other review got 429 meanwhile. Now a
 * body must have arrived within 5 s plus 1 s per MiB it declares (12 s for 7 MiB; a chunked one
 * is given the 7 MiB limit's time), or it is cut with a 408 and its bytes given back. A deadline,
 * not a running rate: an admitted body that starts late because its sender is busy (a burst of
 * 200 uploads from one client) still arrives within it.
 */
export const BODY_PACE: Readonly<BodyPace> = { graceMs: 5_000, bytesPerSecond: 1024 * 1024 };

/** How often the bodies still arriving are looked at (their deadlines, whether they stalled). */
const SWEEP_MS = 250;

interface Reading {
  req: IncomingMessage;
  /** performance.now() by which the whole body must have come. */
  deadline: number;
  /** The bytes declared (0: chunked), come, and held in the budget (the declared ones, or those come). */
  declared: number;
  size: number;
  held: number;
  /** Its size at the last sweep (-1 before the first), and whether it stalled between the last two. */
  sizeAtSweep: number;
  stalled: boolean;
  cut: (err: BodyError) => void;
}

/**
 * The body bytes held by all requests together, against one limit: one number, added to when a
 * request's declared length is reserved (or, for a chunked body, per chunk) and taken from when its
 * review is answered (the answer is written in the same tick as the parse). O(1) per request.
 *
 * It also keeps the bodies still arriving, and while there are any, checks their deadlines and
 * whether they stalled every 250 ms (one timer for all, none per request, none while no body is pending).
 */
export class ByteBudget {
  inUse = 0;
  readonly reading = new Set<Reading>();
  private sweep: NodeJS.Timeout | undefined;
  constructor(
    readonly limit: number,
    readonly pace: Readonly<BodyPace> = BODY_PACE,
  ) {}

  pending(reading: Reading): void {
    this.reading.add(reading);
    if (!this.sweep) {
      this.sweep = setInterval(() => this.check(), this.sweepMs);
      this.sweep.unref();
    }
  }

  private get sweepMs(): number {
    return Math.min(SWEEP_MS, this.pace.graceMs);
  }

  private check(): void {
    if (this.reading.size === 0) {
      clearInterval(this.sweep);
      this.sweep = undefined;
      return;
    }
    const now = performance.now();
    for (const r of this.reading) {
      if (now > r.deadline) {
        r.cut(
          new BodyError(
            408,
            `review body too slow: ${r.size} bytes by its deadline (${describePace(this.pace)})`,
          ),
        );
        continue;
      }
      // Not a byte between two sweeps. They are two event-loop turns, with a read of every ready
      // socket between them, so a body the server was too busy to read (a review judged for a
      // second, a burst of 200 uploads drained) still gains: its sender's bytes wait in the socket.
      r.stalled = r.sizeAtSweep >= 0 && r.size === r.sizeAtSweep;
      r.sizeAtSweep = r.size;
    }
  }

  /**
   * Whether `bytes` more fit, after cutting (408) stalled bodies, oldest first, when that frees enough.
   * A declared size is reserved before its bytes come, so clients that declared 7 MiB and sent
   * nothing held the whole budget until their deadline, and again on reconnect, for no bandwidth:
   * every review meanwhile got 429 (review serve46). A body that gained nothing between the last two
   * sweeps, and nothing since, is not one the apiserver is sending. One that trickles a byte now and
   * then is not cut here: only its deadline cuts it (docs/reliability.md). Nothing is cut when
   * cutting every stalled body would still leave too little room.
   */
  makeRoom(bytes: number): boolean {
    const stalled = [...this.reading].filter((r) => r.stalled && r.size === r.sizeAtSweep);
    const freed = stalled.reduce((sum, r) => sum + r.held, 0);
    if (this.inUse - freed + bytes > this.limit) return false;
    for (const r of stalled) {
      if (this.inUse + bytes <= this.limit) break;
      r.cut(
        new BodyError(
          408,
          `review body stalled: ${r.size} bytes come of ${r.declared || 'a chunked body'}, none in ${this.sweepMs} ms; cut to make room for another review`,
        ),
      );
    }
    return this.inUse + bytes <= this.limit;
  }

  /** When a body of `bytes` (or of unknown length, up to `limit`) must have arrived by. */
  deadline(bytes: number): number {
    return performance.now() + this.paceMs(bytes);
  }

  /** How long a body of `bytes` may take to arrive, from its headers. */
  paceMs(bytes: number): number {
    return this.pace.graceMs + (bytes / this.pace.bytesPerSecond) * 1000;
  }
}

const describePace = (p: BodyPace) =>
  `${p.graceMs / 1000} s plus 1 s per ${Math.round(p.bytesPerSecond / 1024)} KiB declared`;

const overloaded = (budget: ByteBudget) =>
  new BodyError(429, `too many review bytes in flight (limit ${budget.limit}): retry shortly`);

/**
 * Calls `done` exactly once: with the whole body, or with a 413 (over `limit`), a 429 (the bytes
 * in flight over `budget`), a 408 (too slow) or a 400 (aborted). A refused body is drained, never kept.
 *
 * A body of declared length is copied into one buffer of that length as it arrives, and each chunk
 * (16 KiB TLS records) dropped at once: kept in a list until the end, a 7 MiB body's 450 chunks
 * outlived several young-generation collections, were promoted, and their memory (malloc'd by
 * Node, outside the JS heap) came back only at the next full collection; after a burst there was
 * none, and 100-200 MiB stayed resident (test/faults/memory.test.ts).
 */
export function readBody(req: IncomingMessage, limit: number, budget: ByteBudget, done: BodyCallback): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume(); // drain, so the 413 can still be written on this connection
    return done(new BodyError(413, `review of ${declared} bytes is over the ${limit}-byte limit`), EMPTY);
  }
  // A declared size is reserved when the headers arrive, and refused at once when it cannot fit:
  // under a burst, most reviews are turned away before a byte of their body is read (reserving
  // only as bytes arrived let all 200 of a burst start, and then refused them half-read). A chunked
  // body counts as it arrives.
  if (declared > 0 && budget.inUse + declared > budget.limit && !budget.makeRoom(declared)) {
    req.resume();
    return done(overloaded(budget), EMPTY);
  }
  // Node's parser delivers exactly the declared length, never more. A body that comes in one chunk
  // (a review of a few KiB does) is that chunk, uncopied; one in several is copied into a buffer of
  // its declared length, made at its second chunk (a per-request allocUnsafeSlow and copy cost ~2 µs
  // for 1 KB and ~5 µs for 5.5 KB on Node 20, of the ~50-150 µs a whole review costs).
  let one: Buffer | undefined;
  let whole: Buffer | undefined;
  const chunks: Buffer[] = [];
  let finished = false;
  const reading: Reading = {
    req,
    deadline: budget.deadline(declared > 0 ? declared : limit),
    declared: declared > 0 ? declared : 0,
    size: 0,
    held: declared > 0 ? declared : 0,
    sizeAtSweep: -1,
    stalled: false,
    cut: (err) => cut(err),
  };
  budget.inUse += reading.held;
  budget.pending(reading);
  const finish = (err: BodyError | undefined, body: Buffer) => {
    if (finished) return;
    finished = true;
    budget.reading.delete(reading);
    try {
      done(err, body);
    } finally {
      budget.inUse -= reading.held;
      reading.held = 0;
      chunks.length = 0;
      one = undefined;
      // The answer is written: the body's memory goes back now, not at the next full GC.
      if (whole) release(whole);
      whole = undefined;
    }
  };
  // Too slow: answered, then the connection closed (the rest of the body is not waited for).
  const cut = (err: BodyError) => {
    finish(err, EMPTY);
    req.pause();
  };
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    const size = reading.size + chunk.length;
    reading.size = size;
    if (size > reading.held) {
      budget.inUse += size - reading.held;
      reading.held = size;
    }
    if (size > limit || budget.inUse > budget.limit) {
      chunks.length = 0;
      req.resume();
      return finish(
        size > limit ? new BodyError(413, `review is over the ${limit}-byte limit`) : overloaded(budget),
        EMPTY,
      );
    }
    if (declared > 0 && size === chunk.length) {
      one = chunk;
      return;
    }
    if (declared > 0 && size <= declared) {
      if (whole === undefined) {
        whole = Buffer.allocUnsafeSlow(declared);
        if (one) one.copy(whole, 0);
        one = undefined;
      }
      chunk.copy(whole, size - chunk.length);
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    const size = reading.size;
    const body =
      one ??
      (whole ? whole.subarray(0, size) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    finish(undefined, body);
  });
  // A client that goes away mid-body: Node destroys the request with an "aborted" error. And any
  // other end without 'end' (a destroy with no error) must still give the budget back.
  // The error is made only when it is the outcome: 'close' follows 'end' on every request, and an
  // Error's stack capture there was 4 % of the server's busy time on judged reviews.
  const aborted = () => {
    if (!finished) finish(new BodyError(400, 'request aborted'), EMPTY);
  };
  req.on('error', aborted);
  req.on('close', aborted);
}

/**
 * Frees a body buffer's memory now, where the runtime can (ArrayBuffer.prototype.transfer, Node 22+:
 * the old buffer is detached and its store released). Only buffers allocated for one body here
 * (allocUnsafeSlow: never a slice of the shared pool) are released; nothing else holds them once
 * the answer is written. Elsewhere the next GC frees it.
 */
function release(buffer: Buffer): void {
  const ab = buffer.buffer as ArrayBuffer & {
    transfer?: (length: number) => ArrayBuffer;
    detached?: boolean;
  };
  if (typeof ab.transfer === 'function' && buffer.byteOffset === 0 && !ab.detached) ab.transfer(0);
}
