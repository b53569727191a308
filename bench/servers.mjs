// What the benches share to run servers and load them: the production Node flags, free ports,
// the certificate, the guard's `serve` arguments, starting a server and waiting for it, and one
// autocannon run in its own process (load.mjs). Used by run.mjs and peers/run.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

/** The V8 flags production runs with: the ones between node and the script in the ENTRYPOINT. */
export function productionNodeFlags() {
  const line = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^ENTRYPOINT\s+(\[.*\])\s*$/m);
  if (!line) throw new Error('Dockerfile: no exec-form ENTRYPOINT');
  return JSON.parse(line[1]).filter((arg) => arg.startsWith('--'));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A serving pair for 127.0.0.1 from `ais-guard certs`: { dir, cert, key, ca } (its CA in ca.crt). */
export function benchCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-bench-'));
  execFileSync(
    process.execPath,
    [join(ROOT, 'dist/cli/main.js'), 'certs', '--dir', dir, '--ip', '127.0.0.1'],
    {
      stdio: 'ignore',
    },
  );
  return { dir, cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca: join(dir, 'ca.crt') };
}

/**
 * `ais-guard serve` as the benches run it: loopback, the given pair, no cluster unless a kubeconfig
 * is given; `root` is the checkout whose dist/ runs (another build, for the scale bench's baseline).
 */
export const guardServeArgs = ({ port, cert, key, root = ROOT, kubeconfig, logLevel = 'info' }) => [
  join(root, 'dist/cli/main.js'),
  'serve',
  '--port',
  String(port),
  '--host',
  '127.0.0.1',
  '--tls-cert',
  cert,
  '--tls-key',
  key,
  ...(kubeconfig ? ['--kubeconfig', kubeconfig] : ['--no-cluster']),
  '--log-level',
  logLevel,
];

/** Waits until https://127.0.0.1:port/healthz answers. */
export async function waitHealthy(name, port, child) {
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    try {
      execFileSync('curl', ['-sk', '-o', '/dev/null', `https://127.0.0.1:${port}/healthz`], {
        timeout: 2000,
      });
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${name} did not start`);
}

/** A Node server (the guard or a baseline) with the production flags, once healthy. */
export async function startNode({ name, node = process.execPath, nodeFlags, args, port, cpus }) {
  const child = spawn(...pinned(cpus, node, [...nodeFlags, ...args]), {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  await waitHealthy(name, port, child);
  return { name, child, port };
}

/** `command args`, run on the CPUs listed (taskset's list, e.g. "0") when `cpus` is given. */
const pinned = (cpus, command, args) =>
  cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];

/** One autocannon run (options as load.mjs takes them) in its own process, on `cpus` if given; its result. */
export function load(options, cpus) {
  const out = execFileSync(
    ...pinned(cpus, process.execPath, [join(ROOT, 'bench/load.mjs'), JSON.stringify(options)]),
    {
      maxBuffer: 1 << 20,
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  return JSON.parse(out.toString());
}
