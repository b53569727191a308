// The README's examples that talk to a running `npm start` (plain ``` blocks whose command is a curl
// to https://127.0.0.1:8443): test/readme/examples.test.ts runs only the ```console blocks, which need
// no server, so these were shown output nobody compared. Here the built CLI serves on a free port
// with a fresh certs directory, the block's command runs as written (only the port and the cert
// directory swapped for the test's), and what it prints must be what the README shows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const ADDRESS = 'https://127.0.0.1:8443';

interface Served {
  line: number;
  command: string;
  output: string[];
}

/** Plain ``` blocks whose first line is `$ curl … https://127.0.0.1:8443/…`: command and shown output. */
export function servedExamples(markdown: string): Served[] {
  const lines = markdown.split('\n');
  const found: Served[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```' || !lines[i + 1]?.startsWith('$ curl ')) continue;
    const line = i + 2;
    let command = (lines[++i] as string).slice(2);
    while (command.endsWith('\\')) command += '\n' + lines[++i];
    const output: string[] = [];
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) output.push(lines[i] as string);
    if (command.includes(ADDRESS)) found.push({ line, command, output });
  }
  return found;
}

const trimLines = (text: string) => {
  const out = text.split('\n').map((l) => l.replace(/\s+$/, ''));
  while (out.length && out.at(-1) === '') out.pop();
  return out;
};

const examples = servedExamples(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const certDir = mkdtempSync(join(tmpdir(), 'ais-guard-readme-served-'));
let server: ChildProcess;
let port = 0;

beforeAll(async () => {
  server = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/ais-guard.js'),
      'serve',
      '--port=0',
      '--address=127.0.0.1',
      `--cert-dir=${certDir}`,
      '--no-cluster',
    ],
    { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Ready when it logs the port it listens on (the serving line), or failed when it exits first.
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const serving = out.split('\n').find((l) => l.includes('"msg":"ais-guard serving"'));
      if (serving) resolve(JSON.parse(serving).port as number);
    });
    server.once('exit', (code) => reject(new Error(`serve exited (${code}) before serving:\n${out}`)));
  });
  server.stdout!.resume();
}, 60_000);

afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
});

describe('README examples against a running guard', () => {
  it('has the sample review example to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(examples.map((e) => [`README.md:${e.line}: $ ${e.command.split('\n')[0]}`, e]))(
    '%s',
    async (_, example) => {
      const { command, output } = example as Served;
      const script = command
        .replaceAll(ADDRESS, `https://127.0.0.1:${port}`)
        .replaceAll('certs/ca.crt', join(certDir, 'ca.crt'));
      const shell = spawn('sh', ['-c', `exec 2>&1\n${script}`], { cwd: ROOT, env: process.env });
      let stdout = '';
      shell.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      await new Promise((resolve) => shell.once('close', resolve));
      expect({ command, output: trimLines(stdout) }).toEqual({
        command,
        output: trimLines(output.join('\n')),
      });
    },
    60_000,
  );
});
