// Runs the CLI in-process with captured streams, as a user's shell would see it.
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function cli(argv: string[], stdin = ''): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const code = await main(argv, {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([Buffer.from(stdin)]),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
