// `npm start` stopped by a SIGTERM sent to npm (a process manager, an IDE's stop button, `timeout`,
// `kill <npm pid>`) must stop the guard, not only npm. npm runs the script through `sh -c` and
// forwards the signal to that shell; /bin/sh (dash on Debian/Ubuntu) does not exec a lone command,
// so the shell died and the guard kept listening on 8443 as an orphan, and the next `npm start`
// failed with EADDRINUSE. npm waits for its script's process to exit, so once npm has exited the
// port must refuse connections. (Ctrl-C in a terminal signals the whole process group, which
// always reached the guard.) --ignore-scripts skips only the prestart build, not start itself.
import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const certDir = mkdtempSync(join(tmpdir(), 'ais-guard-npm-start-'));
let npm: ChildProcess | undefined;

afterAll(() => {
  // npm was started in a process group of its own: whatever is left of it (an orphaned guard) goes.
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }
});

/** Resolves true when something accepts a TCP connection on the port, false when it is refused. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

it('a SIGTERM to `npm start` stops the guard it started', async () => {
  npm = spawn(
    'npm',
    ['start', '--ignore-scripts', '--', '--port=0', `--cert-dir=${certDir}`, '--no-cluster'],
    {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const child = npm;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const serving = out.split('\n').find((l) => l.includes('"msg":"ais-guard serving"'));
      if (serving) resolve(JSON.parse(serving).port as number);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${out}`)));
  });
  expect(await listening(port)).toBe(true);

  child.kill('SIGTERM');
  await exited;
  expect(await listening(port)).toBe(false);
  expect(out).toContain('"signal":"SIGTERM"');
}, 120_000);
