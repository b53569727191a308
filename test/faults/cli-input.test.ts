// The CLI under hostile input and interrupted writes (issue 15: "Data loss in check --fix
// --write", "The CLI on bad input"), run as a user runs it: `node bin/ais-guard.js` from dist/.
import { describe, expect, it } from '@jest/globals';
import { spawn, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../support/fixtures.js';
import { BIN, childEnv, ROOT } from './support/cli.js';
import { record } from './support/report.js';

const SUPPORT = join(ROOT, 'test/faults/support');
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-cli-faults-'));
const isRoot = process.getuid?.() === 0;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its exit; the suite's timeout is the bound, never a timer here. */
async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<Run> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

const node = (args: string[], env: Record<string, string> = {}, options: SpawnOptions = {}) =>
  run(process.execPath, args, { env: childEnv(env), ...options });

/**
 * Without the capabilities that let root read and write any file (root reads any directory, so
 * EACCES needs them gone). Still uid 0, so the checkout stays readable wherever it was cloned (a
 * mktemp -d folder is 0700: another user could not even load the CLI).
 */
const unprivileged = (args: string[]) =>
  isRoot
    ? run('setpriv', ['--bounding-set=-all', '--inh-caps=-all', process.execPath, ...args], {
        env: childEnv(),
      })
    : node(args);

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);

const LEGACY = readFileSync(fixture('03'), 'utf8');
// Over 2 KiB, so `ulimit -f 1` and `-f 2` (KiB blocks) cut the write short.
const PADDED =
  LEGACY +
  '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: pad, namespace: ais}\n' +
  '# padding\n'.repeat(250);

describe('check --fix --write interrupted at any point leaves the old file or the new one', () => {
  it('a power cut at byte N of the write, and around the rename', async () => {
    const dir = tmp();
    const reference = join(dir, 'reference.yaml');
    writeFileSync(reference, PADDED);
    expect((await node([BIN, 'check', '--fix', '--write', reference])).code).toBe(0);
    const fixed = readFileSync(reference, 'utf8');
    expect(fixed).not.toBe(PADDED);
    const size = Buffer.byteLength(fixed);
    const points = [
      ...new Set([
        0,
        1,
        2,
        511,
        512,
        1023,
        1024,
        1025,
        size - 1,
        size,
        ...Array.from({ length: 16 }, (_, i) => Math.floor(((i + 1) * size) / 17)),
      ]),
    ];
    const stages = [...points.map((n) => `write:${n}`), 'rename:before', 'rename:after'];
    const outcomes = { old: 0, new: 0, other: 0 };
    for (const stage of stages) {
      const work = join(dir, stage.replace(':', '-'));
      mkdirSync(work);
      const file = join(work, 'manifest.yaml');
      writeFileSync(file, PADDED);
      const r = await node(
        ['--import', join(SUPPORT, 'crash-at-write.mjs'), BIN, 'check', '--fix', '--write', file],
        {
          AIS_GUARD_CRASH_AT: stage,
        },
      );
      expect(r.signal).toBe('SIGKILL');
      const now = readFileSync(file, 'utf8');
      const outcome = now === PADDED ? 'old' : now === fixed ? 'new' : 'other';
      outcomes[outcome]++;
      expect({ stage, outcome }).toEqual({ stage, outcome: stage === 'rename:after' ? 'new' : 'old' });
    }
    record('cli-interrupted-write', { fileBytes: size, crashPoints: stages.length, ...outcomes });
  });

  it.each([0, 1, 2])('ulimit -f %i (KiB): the file is never cut', async (blocks) => {
    const dir = tmp();
    const file = join(dir, 'manifest.yaml');
    writeFileSync(file, PADDED);
    const r = await run(
      'bash',
      ['-c', `ulimit -f ${blocks}; exec "$0" "$@"`, process.execPath, BIN, 'check', '--fix', '--write', file],
      {
        env: childEnv(),
      },
    );
    expect(r.code === 0 ? 'wrote' : 'refused').toBe('refused');
    expect(readFileSync(file, 'utf8')).toBe(PADDED);
    if (r.signal === null) {
      expect(r.stderr).toMatch(/manifest\.yaml: error: cannot write: EFBIG/);
      noStack(r.stderr);
      expect(readdirSync(dir)).toEqual(['manifest.yaml']); // the temp file removed
    }
  });
});

describe('check on bad input, as a process', () => {
  it('a FIFO named *.yaml in a directory: skipped, the run ends; a process substitution is read', async () => {
    const dir = tmp();
    await run('mkfifo', [join(dir, 'pipe.yaml')]);
    writeFileSync(join(dir, 'cr.yaml'), LEGACY);
    const r = await node([BIN, 'check', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pipe\.yaml: note: skipped: a FIFO/);
    // What a user types to check rendered output without a temporary file.
    const substituted = await run(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" check <(cat "$0")`, fixture('02')],
      { env: childEnv() },
    );
    expect(substituted.code).toBe(1);
    expect(substituted.stdout).toMatch(/^\/dev\/fd\/\d+:2 \(document 1\) AIStore ais\/ais/m);
  });

  it('an unreadable subdirectory is reported, the rest is checked', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'x.yaml'), LEGACY);
    chmodSync(join(dir, 'locked'), 0o000);
    writeFileSync(join(dir, 'deny.yaml'), readFileSync(fixture('02')));
    const r = await unprivileged([BIN, 'check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/locked: error: cannot read directory: permission denied/);
    expect(r.stdout).toContain('DENY  target-host-port');
    noStack(r.stdout + r.stderr);
  });

  it('100,000 documents: max RSS under 300 MB; /dev/urandom on stdin stops at the cap', async () => {
    const dir = tmp();
    const file = join(dir, '100k.yaml');
    const doc = (i: number) =>
      `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data-web-${i}\n  namespace: shop\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 10Gi\n`;
    writeFileSync(file, Array.from({ length: 100_000 }, (_, i) => doc(i)).join('---\n'));
    const r = await node(['--import', join(SUPPORT, 'max-rss.mjs'), BIN, 'check', file]);
    expect(r.stdout).toMatch(/100000 object\(s\) checked/);
    const maxRssMB = Number(/maxRSS_KB (\d+)/.exec(r.stderr)?.[1]) / 1024;
    const json = await node(
      ['--import', join(SUPPORT, 'max-rss.mjs'), BIN, 'check', '-o', 'json', file],
      {},
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    expect(json.code).toBe(0);
    const jsonRssMB = Number(/maxRSS_KB (\d+)/.exec(json.stderr)?.[1]) / 1024;
    const random = await node(
      ['--import', join(SUPPORT, 'max-rss.mjs'), BIN, 'check', '-'],
      {},
      {
        stdio: [openSync('/dev/urandom', 'r'), 'pipe', 'pipe'],
      },
    );
    expect(random.code).toBe(2);
    expect(random.stdout).toMatch(/-: error: over 33554432 bytes \(raise it with --max-file-bytes\)/);
    const urandomRssMB = Number(/maxRSS_KB (\d+)/.exec(random.stderr)?.[1]) / 1024;
    record('cli-max-rss', {
      documents: 100_000,
      inputMB: Math.round(readFileSync(file).length / 1e5) / 10,
      maxRssMB: Math.round(maxRssMB),
      jsonMaxRssMB: Math.round(jsonRssMB),
      urandomMaxRssMB: Math.round(urandomRssMB),
    });
    expect(maxRssMB).toBeLessThanOrEqual(300);
    expect(jsonRssMB).toBeLessThanOrEqual(300);
    expect(urandomRssMB).toBeLessThanOrEqual(300);
  }, 600_000);
});

describe('serve and certs: system errors are one line, exit 2', () => {
  it('EADDRINUSE at serve start', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const dir = tmp();
    const r = await node([
      BIN,
      'serve',
      '--no-cluster',
      '--log-level',
      'silent',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--cert-dir',
      join(dir, 'certs'),
    ]);
    taken.close();
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`ais-guard: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  });

  it('ENOTDIR: a certificate directory under a file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), '');
    const r = await node([
      BIN,
      'serve',
      '--no-cluster',
      '--log-level',
      'silent',
      '--cert-dir',
      join(dir, 'file', 'certs'),
    ]);
    expect(r.code).toBe(2);
    // One line naming the path (serve may add what to do about it), no stack trace.
    expect(r.stderr.trim()).toMatch(
      /^ais-guard( serve)?: .*ENOTDIR: not a directory, mkdir '.*file\/certs'[^\n]*$/,
    );
  });

  it('EACCES on the certs directory', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'certs'));
    chmodSync(join(dir, 'certs'), 0o555);
    const r = await unprivileged([BIN, 'certs', '--dir', join(dir, 'certs')]);
    expect(r.code).toBe(2);
    // The command named (polish28: it was `ais-guard: EACCES...`), and the directory.
    expect(r.stderr.trim()).toMatch(
      /^ais-guard certs: cannot keep the certificates in .*certs: EACCES: permission denied, open '.*certs\/.*'$/,
    );
  });
});
