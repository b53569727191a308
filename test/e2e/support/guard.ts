// `ais-guard serve` as a real child process from dist/, with a certificate from `ais-guard certs`,
// ready once /readyz says so (certificate loaded, cluster cache synced). Its JSON log goes to a file
// (a pipe could fill and block the guard's synchronous logger); it is stopped by pid, always.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ARTIFACTS, CLI, KUBECONFIG, STATE, suffix } from './env.js';
import { aisGuard, ok } from './run.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Guard {
  name: string;
  pid: number;
  port: number;
  /** https://127.0.0.1:PORT, for renderManifests({ url }). */
  url: string;
  /** base64 PEM of the CA that signed the serving certificate. */
  caBundle: string;
  ca: string;
  certDir: string;
  logFile: string;
  /** Every JSON line the guard has logged so far. */
  logs(): LogLine[];
  /** The review lines ("msg":"review") for one object. */
  reviews(kind: string, namespace: string | undefined, name: string): LogLine[];
  /** GET a path over HTTPS, trusting the guard's CA: status and body. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** SIGTERM by pid, wait for the exit (SIGKILL after 15 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
// Last resort if a test run dies without its afterAll: no guard outlives the jest process.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (the guard binds it right after; a clash would fail its start loudly). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** `ais-guard certs --dir DIR --ip 127.0.0.1`: the CA and a serving certificate for 127.0.0.1. */
export async function makeCerts(dir: string): Promise<string> {
  const result = ok(await aisGuard(['certs', '--dir', dir, '--ip', '127.0.0.1']), 'ais-guard certs');
  // The last line printed is the caBundle.
  return result.stdout.trim().split('\n').at(-1) ?? '';
}

export interface StartOptions {
  /** A name for the log file and the artifacts directory. */
  name: string;
  /** More `serve` flags, e.g. ['--exclude-namespaces', '...']. */
  args?: string[];
  env?: Record<string, string>;
  /** An existing certificate directory (from makeCerts); a new one by default. */
  certDir?: string;
  /** Serve these files instead of certDir/tls.crt and tls.key (a Secret-style mount, say). */
  tlsCert?: string;
  tlsKey?: string;
}

function httpsGet(port: number, ca: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', ca, agent: false, timeout: 5_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

export async function startGuard(opts: StartOptions): Promise<Guard> {
  const id = `${opts.name}-${suffix()}`;
  const home = join(ARTIFACTS, id);
  mkdirSync(home, { recursive: true });
  const certDir = opts.certDir ?? join(home, 'certs');
  const caBundle = await makeCerts(certDir);
  const ca = readFileSync(join(certDir, 'ca.crt'), 'utf8');
  const port = await freePort();
  const logFile = join(home, 'guard.log');
  const fd = openSync(logFile, 'a');
  const args = [
    CLI,
    'serve',
    '--kubeconfig',
    KUBECONFIG,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--tls-cert',
    opts.tlsCert ?? join(certDir, 'tls.crt'),
    '--tls-key',
    opts.tlsKey ?? join(certDir, 'tls.key'),
    // A graceful stop waits for connections the apiserver opened but never sent a request on
    // (Go dials ahead under concurrency; Node's closeIdleConnections leaves such sockets open) until
    // --shutdown-timeout cuts them: 20 s by default. Bounded here; see test/e2e/NOTES.md.
    '--shutdown-timeout',
    '5',
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', ...opts.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (!child.pid) throw new Error('ais-guard serve did not start');
  const pid = child.pid;
  running.add(child);
  // run.sh kills what is listed here if the jest process itself is killed.
  appendFileSync(join(STATE, 'guard.pids'), `${pid}\n`);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      exitCode = code;
      resolve(code);
    }),
  );

  const logs = (): LogLine[] =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .slice(0, -1) // complete lines only: the guard may be writing the last one
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  const guard: Guard = {
    name: id,
    pid,
    port,
    url: `https://127.0.0.1:${port}`,
    caBundle,
    ca,
    certDir,
    logFile,
    logs,
    reviews: (kind, namespace, name) =>
      logs().filter(
        (l) => l.msg === 'review' && l.kind === kind && l.namespace === namespace && l.name === name,
      ),
    get: (path) => httpsGet(port, ca, path),
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const killer = setTimeout(() => exitCode === undefined && child.kill('SIGKILL'), 15_000);
      const code = await exit;
      clearTimeout(killer);
      return code;
    },
  };

  // Ready = certificate loaded and the informers' first list done (the guard's own /readyz).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`ais-guard serve exited ${exitCode} before ready:\n${readFileSync(logFile, 'utf8')}`);
    const ready = await guard.get('/readyz').catch(() => undefined);
    if (ready?.status === 200) return guard;
    if (Date.now() > deadline) {
      await guard.stop();
      throw new Error(`ais-guard serve not ready in 60 s: ${ready?.body}\n${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
