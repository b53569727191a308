// Child processes as a user's shell runs them: kubectl against the e2e cluster, and the built CLI.
import { spawn } from 'node:child_process';
import { CLI, KUBECONFIG, ROOT } from './env.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (asynchronously: the event loop keeps serving timers and watches). */
export function run(
  command: string,
  args: string[],
  input?: string,
  timeoutMs = 120_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, KUBECONFIG, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(input ?? '');
  });
}

/** kubectl (the dispatcher on PATH picks a client matching the server) against the e2e cluster. */
export function kubectl(args: string[], input?: string): Promise<RunResult> {
  return run('kubectl', ['--kubeconfig', KUBECONFIG, ...args], input);
}

/** The built `ais-guard` CLI. */
export function aisGuard(args: string[], input?: string): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], input);
}

/** Throws with the output when the command failed. */
export function ok(result: RunResult, what: string): RunResult {
  if (result.code !== 0)
    throw new Error(`${what} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}
