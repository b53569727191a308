// Shared by the certificate tests: temp dirs and an in-memory Io for the CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { Io } from '../../src/cli/usage.js';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ais-guard-tls-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export function captureIo(): CapturedIo {
  const stdout = sink();
  const stderr = sink();
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: new PassThrough(),
    out: stdout.text,
    err: stderr.text,
  };
}
