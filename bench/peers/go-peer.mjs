// What the Go-built peers (OPA, Kyverno, gator) share: locating their binary through their build
// script (cached under ~/.cache/ais-guard, built on first use), and starting a server process that
// is ready when its health URL answers.
import { execFile, spawn } from 'node:child_process';
import { request } from 'node:https';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Run `build.sh ARGS` beside `moduleUrl` and return the binary path it prints last, or throw with the
 * script's last lines of stderr. Cold builds take minutes; warm ones return at once.
 */
export function buildPeer(moduleUrl, script = 'build.sh', args = []) {
  const path = fileURLToPath(new URL(script, moduleUrl));
  return new Promise((resolve, reject) => {
    execFile(path, args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const tail = String(stderr).trim().split('\n').slice(-5).join(' | ');
        reject(new Error(`${path} failed: ${tail || error.message}`));
        return;
      }
      const lines = String(stdout).trim().split('\n');
      resolve(lines[lines.length - 1]);
    });
  });
}

/** One GET over TLS (the peer's own certificate: not verified, it is our own 127.0.0.1 server). */
function probe(url) {
  return new Promise((resolve) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Spawn `bin args` and resolve once `healthUrl` answers 200, or reject when the process exits
 * first or `limitMs` passes (a bound for a broken start, not a timing assumption: on a loaded
 * machine the start itself takes however long it takes below that).
 */
export async function startServer(name, bin, args, healthUrl, limitMs = 120_000) {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`${name} exited (${signal ?? code}) before answering: ${stderr.trim().slice(-600)}`);
  });
  const deadline = Date.now() + limitMs;
  const ready = (async () => {
    while (!(await probe(healthUrl))) {
      if (Date.now() > deadline) throw new Error(`${name} did not answer ${healthUrl} within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  exited.catch(() => {});
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** A free-enough port for a peer when the caller gives none. */
export const anyPort = () => 20000 + Math.floor(Math.random() * 20000);
