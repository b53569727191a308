// polish28: `ais-guard certs --dir FILE` printed `ais-guard: EEXIST: file already exists, mkdir
// 'FILE'`: the file system's error reached main's last-resort handler, which has no command to
// name, and its words (EEXIST, mkdir) do not say that --dir is the mistake. The other system errors
// of certs (a directory it may not write, a key it may not read, a directory where tls.crt should be)
// took the same way out. Each is an input error: one line `ais-guard certs: ...` naming the path,
// exit 2, no stack trace, and the file given as --dir left as it was.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/ais-guard.js');
const isRoot = process.getuid?.() === 0;
/** As the user runs it; `unprivileged` drops root's capabilities (root reads and writes any file). */
const run = (args: string[], unprivileged = false) =>
  spawnSync(
    unprivileged && isRoot ? 'setpriv' : process.execPath,
    [
      ...(unprivileged && isRoot ? ['--bounding-set=-all', '--inh-caps=-all', process.execPath] : []),
      BIN,
      'certs',
      ...args,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-polish28-certs-'));

function inputError(r: ReturnType<typeof run>, ...named: RegExp[]) {
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
  expect(r.stderr).toMatch(/^ais-guard certs: [^\n]+\n$/);
  for (const n of named) expect(r.stderr).toMatch(n);
}

const escape = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('polish28: certs keeps its prefix on file system errors', () => {
  it('--dir FILE (a regular file): names --dir and the file, which is left as it was', () => {
    const file = join(tmp(), 'certs');
    writeFileSync(file, 'not a directory\n');
    inputError(run(['--dir', file]), escape(`--dir ${file}`), /not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
  });

  it('--dir FILE/sub: a file on the way', () => {
    const file = join(tmp(), 'certs');
    writeFileSync(file, 'x');
    inputError(run(['--dir', join(file, 'sub')]), escape(`--dir ${join(file, 'sub')}`), /not a directory/);
  });

  // Session 30: Node's recursive mkdir (20 and 24) loops for ever when the kernel answers ENOENT
  // though the parent exists, as /proc and /sys do: `certs --dir /proc/x/certs` hung without a word.
  // The timeout only ends a hang (status null fails the test); it measures nothing.
  it('--dir under /proc (mkdir refused with ENOENT): one line, no hang', () => {
    const dir = '/proc/ais-guard-none/certs';
    const r = spawnSync(process.execPath, [BIN, 'certs', '--dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    inputError(r, escape(dir), /ENOENT|no such file/);
  });

  it('a directory it may not write: names the directory and the refusal', () => {
    const dir = tmp();
    chmodSync(dir, 0o555);
    try {
      inputError(run(['--dir', dir], true), escape(dir), /EACCES|permission denied/);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('a CA key it may not read: names the key', () => {
    const dir = tmp();
    expect(run(['--dir', dir]).status).toBe(0);
    chmodSync(join(dir, 'ca.key'), 0o000);
    inputError(run(['--dir', dir], true), escape(join(dir, 'ca.key')), /EACCES|permission denied/);
  });

  it('a directory where tls.crt should be: names tls.crt', () => {
    const dir = tmp();
    expect(run(['--dir', dir]).status).toBe(0);
    rmSync(join(dir, 'tls.crt'));
    mkdirSync(join(dir, 'tls.crt'));
    inputError(run(['--dir', dir]), escape(join(dir, 'tls.crt')), /EISDIR/);
  });
});
