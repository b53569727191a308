// review hostile32: the small files a flag names (plan --disks, serve --config) were read whole,
// with no cap: `plan --disks /dev/zero` read 600 MB in 16 s and said "Invalid string length"; a
// 100 MB file named by mistake was read and parsed whole. `check` caps every input (32 MiB); these
// files are a few KB, so past 16 MiB they are refused, in one line naming the file and the cap.
import { afterAll, describe, expect, it } from '@jest/globals';
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-flag-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `bytes` zero bytes: no disk used, read like any other. */
function sparse(name: string, bytes: number): string {
  const file = join(dir, name);
  const fd = openSync(file, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

const CR = 'examples/multi-target/01-aistore.yaml';
const oneLine = (r: { status: number | null; stderr: string; stdout: string }, pattern: RegExp) => {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(pattern)]);
};

describe('a flag file larger than any such file', () => {
  it('plan --disks /dev/zero: refused after 16 MiB, one line', () => {
    oneLine(
      runCli(['plan', '--disks', '/dev/zero', CR]),
      /^ais-guard plan: cannot read \/dev\/zero: over 16 MiB/,
    );
  });

  it('plan --disks a 100 MB file: refused, one line', () => {
    const file = sparse('disks.yaml', 100 * 1024 * 1024);
    oneLine(runCli(['plan', '--disks', file, CR]), /^ais-guard plan: cannot read .*disks\.yaml: over 16 MiB/);
  });

  it('serve --config /dev/zero: refused after 16 MiB, one line', () => {
    oneLine(
      runCli([
        'serve',
        '--config',
        '/dev/zero',
        '--no-cluster',
        '--port',
        '0',
        '--cert-dir',
        join(dir, 'certs'),
      ]),
      /^ais-guard serve: --config \/dev\/zero: over 16 MiB/,
    );
  });

  it('a disk map of 16 MiB exactly is read (and judged as usual)', () => {
    const file = sparse('exact.yaml', 16 * 1024 * 1024);
    const r = runCli(['plan', '--disks', file, CR]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/over 16 MiB/);
  });
});
