// `ais-guard serve` as a child process, as it runs in a pod: the real CLI (bin/ais-guard.js, built
// by `npm run test:faults`), its own event loop and core, signals, exit codes and JSON logs.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process exited. */
  at: number;
}

export interface ChildGuard {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** What the process wrote to stdout (pino JSON lines; only the kept ones) and stderr. */
  stdout(): string;
  stderr(): string;
  /** Parsed log lines whose msg matches (kept ones only). */
  logs(msg: RegExp): Record<string, unknown>[];
  /** Every stdout line, kept or not: how many, and the longest (bytes). */
  lineStats(): { lines: number; longest: number };
  exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL if still alive after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<Exit>;
}

const SERVING = '"msg":"ais-guard serving"';

/**
 * Starts `ais-guard serve ARGS` and resolves once it logs that it is serving (with the port it
 * bound), or rejects with its stderr when it exits first or stays silent for `startMs`.
 */
export async function spawnGuard(
  args: string[],
  o: { startMs?: number; keep?: (line: string) => boolean; nodeArgs?: string[]; node?: string } = {},
): Promise<ChildGuard> {
  const startMs = o.startMs ?? 20_000;
  // NODE_OPTIONS from jest (--experimental-vm-modules) must not leak into the server under test.
  const child = spawn(
    o.node ?? process.execPath,
    [...(o.nodeArgs ?? []), 'bin/ais-guard.js', 'serve', ...args],
    {
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  // A long fuzz run logs a line per refused review: keep what `keep` wants, count the rest.
  let out = '';
  let err = '';
  let partial = '';
  const stats = { lines: 0, longest: 0 };
  child.stdout.on('data', (c: Buffer) => {
    const parts = (partial + c.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      stats.lines++;
      stats.longest = Math.max(stats.longest, Buffer.byteLength(line));
      if (!o.keep || line.includes(SERVING) || o.keep(line)) out += line + '\n';
    }
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + startMs;
  while (!out.includes(SERVING)) {
    if (gone || Date.now() > deadline) {
      if (!gone) child.kill('SIGKILL');
      throw new Error(`ais-guard serve ${args.join(' ')} did not start:\n${err || out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const line = out.split('\n').find((l) => l.includes(SERVING)) as string;
  const port = JSON.parse(line).port as number;

  const logs = (msg: RegExp) =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => msg.test(String(l.msg)));
  const stop = async (graceMs = 10_000) => {
    if (!gone) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };
  return {
    child,
    port,
    stdout: () => out,
    stderr: () => err,
    logs,
    lineStats: () => ({ ...stats }),
    exited,
    stop,
  };
}
