// The certificate directory's lock (src/tls/lock.ts): one holder at a time, a lock left by a dead
// process is broken, a live one is waited on and then reported with its owner.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_NAME, LockTimeoutError, withDirLock } from '../../src/tls/lock.js';

const root = mkdtempSync(join(tmpdir(), 'ais-guard-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => mkdtempSync(join(root, `d${n++}-`));

/** The pid of a process that has exited (and so cannot be running). */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

describe('withDirLock', () => {
  it('runs holders one after the other, never two at once, and removes the lock', async () => {
    const dir = freshDir();
    const events: string[] = [];
    await Promise.all(
      [1, 2, 3].map((i) =>
        withDirLock(dir, async () => {
          events.push(`in ${i}`);
          await new Promise((r) => setImmediate(r));
          events.push(`out ${i}`);
        }),
      ),
    );
    for (let k = 0; k < events.length; k += 2) expect(events[k + 1]).toBe(events[k]!.replace('in', 'out'));
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  });

  it('breaks a lock whose owner on this host is gone', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_NAME), `${deadPid()} ${hostname()}\n`);
    await expect(withDirLock(dir, async () => 'ran')).resolves.toBe('ran');
  });

  it('waits on a live owner, then fails with who holds it', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_NAME), `${process.pid} ${hostname()}\n`);
    await expect(withDirLock(dir, async () => 'ran', { timeoutMs: 100 })).rejects.toThrow(LockTimeoutError);
    await expect(withDirLock(dir, async () => 'ran', { timeoutMs: 100 })).rejects.toThrow(
      new RegExp(`locked by another ais-guard \\(pid, host: ${process.pid} ${hostname()};`),
    );
  });

  it('releases the lock when the holder throws', async () => {
    const dir = freshDir();
    await expect(
      withDirLock(dir, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  });

  it('leaves alone a lock that another run took over while this holder was judged stale', async () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_NAME);
    const other = `${process.pid + 1} ${hostname()} token-of-the-other-run\n`;
    await withDirLock(dir, async () => {
      // What a waiter does to a lock it judged stale: moves it aside, then creates its own.
      rmSync(lock);
      writeFileSync(lock, other);
    });
    expect(readFileSync(lock, 'utf8')).toBe(other);
  });

  it('writes a token unique to each holder, and releases a lock already broken and not retaken', async () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_NAME);
    const seen: string[] = [];
    for (let i = 0; i < 2; i++)
      await withDirLock(dir, async () => {
        seen.push(readFileSync(lock, 'utf8'));
        if (i === 1) rmSync(lock);
      });
    expect(seen[0]).toMatch(new RegExp(`^${process.pid} ${hostname()} [0-9a-f]{24}\n$`));
    expect(seen[1]).not.toBe(seen[0]);
    expect(existsSync(lock)).toBe(false);
  });
});
