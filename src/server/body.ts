// Reads a request body with a hard size limit, without a framework parser: the admission routes
// need exactly "bytes → JSON.parse", and express.json() costs more than the policy itself.
import type { IncomingMessage } from 'node:http';

/**
 * The apiserver caps a request body at 3 MiB; an UPDATE review carries the object and the old
 * object, plus request metadata. 7 MiB admits every review the apiserver can send, and no more.
 */
export const MAX_REVIEW_BYTES = 7 * 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';', 1)[0]?.trim().toLowerCase();
  return type === 'application/json';
}

export function readBody(req: IncomingMessage, limit = MAX_REVIEW_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // drain, so the 413 can still be written on this connection
    return Promise.reject(new BodyError(413, `review of ${declared} bytes is over the ${limit}-byte limit`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new BodyError(413, `review is over the ${limit}-byte limit`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('aborted', () => reject(new BodyError(400, 'request aborted')));
  });
}
