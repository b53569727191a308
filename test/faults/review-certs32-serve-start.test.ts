// review-certs32: `serve` refused its certificate files at start with a stack trace (exit 2 from
// main's last-resort handler) where `certs` says one line: a --cert-dir holding the Secret's files
// (ca.crt without ca.key: the CA it may not replace), a --tls-key that is not --tls-cert's key (a
// half-done rotation), a --tls-cert that is no PEM at all ("PEM routines::no start line", naming no
// file). Each is the operator's to fix: one line naming the file, exit 2, and the process exits.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/ais-guard.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-certs32-'));
// No cluster: no KUBECONFIG, a HOME without ~/.kube/config, not in a pod.
const { KUBECONFIG: _k, KUBERNETES_SERVICE_HOST: _h, ...rest } = process.env;
const env = {
  ...rest,
  NODE_OPTIONS: '',
  HOME: mkdtempSync(join(tmpdir(), 'ais-guard-review-certs32-home-')),
};

const run = (command: string, args: string[]) =>
  // The timeout only ends a hang (status null fails the test); it measures nothing.
  spawnSync(process.execPath, [BIN, command, ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 60_000 });

function oneLine(r: ReturnType<typeof run>, ...named: string[]) {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(/^ais-guard serve: [^\n]+\n$/);
  for (const n of named) expect(r.stderr).toContain(n);
  expect(r.status).toBe(2);
}

const serve = (...args: string[]) => run('serve', ['--host', '127.0.0.1', '--port', '0', ...args]);

describe('review-certs32: serve refuses unusable certificate files in one line', () => {
  it('--cert-dir with ca.crt but no ca.key (the Secret mounted as the directory)', () => {
    const dir = tmp();
    expect(run('certs', ['--dir', dir]).status).toBe(0);
    rmSync(join(dir, 'ca.key'));
    const r = serve('--cert-dir', dir);
    oneLine(r, join(dir, 'ca.key'), '--tls-cert');
  });

  it('--tls-key that is not the key of --tls-cert', () => {
    const [a, b] = [tmp(), tmp()];
    expect(run('certs', ['--dir', a]).status).toBe(0);
    expect(run('certs', ['--dir', b]).status).toBe(0);
    oneLine(serve('--tls-cert', join(a, 'tls.crt'), '--tls-key', join(b, 'tls.key')), join(b, 'tls.key'));
  });

  it('--tls-cert that is not a certificate names the file', () => {
    const dir = tmp();
    expect(run('certs', ['--dir', dir]).status).toBe(0);
    oneLine(
      serve('--tls-cert', join(dir, 'tls.key'), '--tls-key', join(dir, 'tls.key')),
      join(dir, 'tls.key'),
    );
  });
});
