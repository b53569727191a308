// Pepr as a peer of the side-by-side bench (bench/peers/run.mjs): its admission server (PeprModule,
// as Pepr's controller runs a module) serving capability.mjs, against the e2e control plane, which
// holds Pepr's store. Log level: Pepr's default (info: a line per request), as deployed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { controlPlane, controlPlaneMissing } from '../cluster.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const VERSION = JSON.parse(readFileSync(join(HERE, 'install/package.json'), 'utf8')).dependencies.pepr;
const API_PATH = 'ais-guard-bench';
let dir;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export default {
  name: 'Pepr',
  version: VERSION,
  async prepare() {
    try {
      dir = execFileSync(join(HERE, 'install.sh'), { stdio: ['ignore', 'pipe', 'inherit'] })
        .toString()
        .trim()
        .split('\n')
        .pop();
    } catch (e) {
      return `npm ci of pepr ${VERSION} failed: ${e.message.split('\n')[0]}`;
    }
    return controlPlaneMissing();
  },
  async start({ certFile, keyFile, port }) {
    const cluster = controlPlane();
    // stderr to a file, not a pipe: the bench's load runs block this process's event loop.
    const log = join(mkdtempSync(join(tmpdir(), 'ais-guard-pepr-')), 'stderr.log');
    const child = spawn(
      process.execPath,
      [join(HERE, 'serve.mjs'), dir, String(port), certFile, keyFile, API_PATH],
      {
        stdio: ['ignore', 'ignore', openSync(log, 'w')],
        env: { ...process.env, NODE_OPTIONS: '', KUBECONFIG: cluster.kubeconfig, LOG_LEVEL: 'info' },
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Pepr binds its endpoints (/healthz among them) only once it has read its store.
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      try {
        execFileSync('curl', ['-sfk', '-o', '/dev/null', `https://127.0.0.1:${port}/healthz`], {
          timeout: 2000,
        });
        return {
          url: `https://127.0.0.1:${port}/validate/${API_PATH}`,
          pid: child.pid,
          async stop() {
            // Pepr's SIGTERM handler waits for open keep-alive connections: not for long.
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            await exited;
            clearTimeout(timer);
          },
        };
      } catch {
        await sleep(100);
      }
    }
    child.kill('SIGKILL');
    const last = readFileSync(log, 'utf8').trim().split('\n').pop();
    throw new Error(`Pepr did not become ready${last ? `: ${last}` : ''} (log: ${log})`);
  },
};
