// One writer at a time in a certificate directory. Three `ais-guard certs` started together on an
// empty directory each created a CA, and the last serving certificate written could be signed by a
// CA that another run then replaced (6 of 20 trials, test/faults/certs-race.test.ts). Whoever holds
// the lock reads, decides and writes; the others wait, then find the set complete and keep it.
//
// The lock is a file created with O_EXCL (atomic on local filesystems and NFSv3+), holding the
// owner's pid, host and a random token. A lock whose owner is gone (same host, no such pid) or that is older than
// STALE_MS is broken: moved aside under a unique name (one waiter wins), checked again, and put
// back if what was moved turns out to be a live lock. A crash between creating the lock and writing
// its pid leaves an empty file, broken by age. (proper-lockfile does the same with mtime refreshes;
// one small file here avoids a dependency for a lock held under a second.)
//
// Release removes only the holder's own lock: a holder judged stale (paused past STALE_MS, e.g. a
// stopped process or a clock jump) may find its lock broken and taken by another run, and removing
// that one would let a third run in beside the second. The lock is moved aside under a unique name
// (so what is read is what is removed), its token compared, and a lock that is not ours put back.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_NAME = '.ais-guard.lock';
/** Longer than any create-or-renew takes (two RSA keys and four small files: well under a second). */
const STALE_MS = 120_000;

export class LockTimeoutError extends Error {}

export interface LockOptions {
  /** Give up waiting after this long. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, someone else's
  }
}

/** Why the lock at `path` may be broken, or undefined while its owner may still be working. */
async function staleness(path: string): Promise<string | undefined> {
  let text: string;
  let age: number;
  try {
    [text, age] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => Date.now() - s.mtimeMs)]);
  } catch {
    return undefined; // gone already: the next create will tell
  }
  const [pid, host] = text.trim().split(' ');
  if (pid && host === hostname() && !alive(Number(pid))) return `its owner (pid ${pid}) is gone`;
  if (age > STALE_MS) return `it is ${Math.round(age / 1000)} s old`;
  return undefined;
}

/** Runs `fn` holding the directory's lock; waits (bounded) while another process holds it. */
export async function withDirLock<T>(dir: string, fn: () => Promise<T>, o: LockOptions = {}): Promise<T> {
  const path = join(dir, LOCK_NAME);
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const content = `${process.pid} ${hostname()} ${randomBytes(12).toString('hex')}\n`;
  let wait = 20;
  for (;;) {
    try {
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(content);
      } finally {
        await file.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await staleness(path)) {
      // Move it aside under a unique name: of several waiters, one rename wins, the rest get ENOENT.
      const aside = `${path}.stale.${randomBytes(4).toString('hex')}`;
      const moved = await rename(path, aside).then(
        () => true,
        () => false,
      );
      // The file moved may be a fresh lock another waiter took just after we judged the old one:
      // put it back (link(2) fails rather than replace a lock taken meanwhile), then drop ours.
      if (moved && !(await staleness(aside))) await link(aside, path).catch(() => undefined);
      if (moved) await rm(aside, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      const [pid, host] = (await readFile(path, 'utf8').catch(() => '')).trim().split(' ');
      const owner = pid ? `${pid} ${host ?? '?'}` : 'unknown';
      throw new LockTimeoutError(
        `${dir} is locked by another ais-guard (pid, host: ${owner}; ${path}). ` +
          'If none is running, remove the lock file.',
      );
    }
    await sleep(wait * (0.5 + Math.random()));
    wait = Math.min(500, wait * 2);
  }
  try {
    return await fn();
  } finally {
    await release(path, content);
  }
}

/**
 * Removes the lock at `path` if it is still the one this holder wrote (`content`), else leaves it.
 * Read first: another run's lock is never moved, so a waiter cannot take the path while it is
 * aside. Ours is moved aside and read again before it goes, in case a run that judged it stale
 * replaced it between the two steps; such a replacement is put back.
 */
async function release(path: string, content: string): Promise<void> {
  if ((await readFile(path, 'utf8').catch(() => '')) !== content) return; // gone, or another run's
  const aside = `${path}.release.${randomBytes(4).toString('hex')}`;
  const moved = await rename(path, aside).then(
    () => true,
    () => false,
  );
  if (!moved) return;
  const found = await readFile(aside, 'utf8').catch(() => '');
  // link(2) fails rather than replace a lock taken meanwhile.
  if (found !== content) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}
