// `check --fix --write`: all or nothing. Every file to rewrite is checked first (not a symlink
// unless --follow-symlinks, writable, unchanged since it was read); then each new content is
// written and synced beside its file (where a full disk or a name too long shows), and only when
// all of them are staged is any renamed over its file, with its mode (and, for root, its owner; for
// others, its group when they belong to it) kept.
import { constants, type Stats } from 'node:fs';
import { access, lstat, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { removeStagedFilesSync, stageFile, type StagedFile } from '../tls/atomic.js';
import type { FixedFile } from './fix.js';
import { bytesOf, type LoadError } from './load.js';
import { errorReason } from './read.js';

export interface WriteOptions {
  followSymlinks: boolean;
}

interface Target {
  fix: FixedFile;
  path: string;
  /** The file itself, links resolved: one file reached twice is written once. */
  real: string;
  mode: number;
  /** The file's owner, kept when root rewrites it (rename would make it root's). */
  owner?: { uid: number; gid: number };
  /** The file's group, kept when the writer belongs to it (others' rename makes it their group). */
  group: number;
}

const runningAsRoot = () => process.getuid?.() === 0;

/**
 * Why rename(2) over the file will fail in a sticky (o+t) directory, known before any file is
 * renamed: there only the file's owner, the directory's owner or a process with CAP_FOWNER may
 * replace an entry (Linux fs/namei.c may_delete -> check_sticky), however writable both are. Found
 * at the rename, it left the files renamed before it new and the rest old: a half-done batch.
 * (Root is taken to have CAP_FOWNER; a process with the capability but another uid is refused here.)
 */
function stickyRefusal(file: Stats, dir: Stats): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0 || (dir.mode & 0o1000) === 0) return undefined;
  if (file.uid === uid || dir.uid === uid) return undefined;
  return `owned by another user (uid ${file.uid}): only its owner or the directory's may replace it`;
}

async function prepare(fix: FixedFile, options: WriteOptions): Promise<Target | LoadError> {
  const file = fix.source.file;
  if (fix.source.viaSymlink && !options.followSymlinks)
    return {
      file,
      message: 'reached through a symbolic link: not written (use --follow-symlinks to write its target)',
    };
  try {
    // Not a link when read: one put in its place since is not written through (nor replaced).
    if (!fix.source.viaSymlink && (await lstat(file)).isSymbolicLink())
      return { file, message: 'replaced by a symbolic link since it was read: not written' };
    const path = fix.source.viaSymlink ? await realpath(file) : file;
    const info = await stat(path);
    if (info.isFIFO()) return { file, message: 'a pipe: not written (print the fixes without --write)' };
    if (!info.isFile()) return { file, message: 'no longer a regular file: not written' };
    // Read-only by its mode is the owner's word, even for root (whom access() never refuses).
    if ((info.mode & 0o222) === 0) return { file, message: 'read-only: not written' };
    await access(path, constants.W_OK).catch(() => {
      throw Object.assign(new Error('read-only'), { code: 'EACCES' });
    });
    // The new content is staged beside the file: a refusal there is the directory's, and said so
    // (`chmod u+w FILE` would change nothing).
    const dir = dirname(path);
    try {
      await access(dir, constants.W_OK | constants.X_OK);
    } catch (err) {
      return { file, message: `cannot write in its directory ${dir}: ${errorReason(err)}` };
    }
    const sticky = stickyRefusal(info, await stat(dir));
    if (sticky) return { file, message: `${sticky} in the sticky directory ${dir}: not written` };
    // Someone else's edit since the read would be lost: refuse rather than overwrite it.
    if (!(await readFile(path)).equals(bytesOf(fix.source)))
      return { file, message: 'changed since it was read: not written' };
    return {
      fix,
      path,
      real: await realpath(path),
      mode: info.mode & 0o7777,
      owner: runningAsRoot() ? { uid: info.uid, gid: info.gid } : undefined,
      group: info.gid,
    };
  } catch (err) {
    return { file, message: `cannot write: ${errorReason(err)}` };
  }
}

// SIGHUP (the terminal went away: a dropped ssh session, a closed tab, tmux kill-session) and
// SIGQUIT (Ctrl-\) end a process as abruptly as SIGINT/SIGTERM: without a listener no 'exit'
// handler runs and the staged files stay (review fix26).
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Ctrl-C (SIGINT), SIGTERM (a CI runner cancelling the job), SIGHUP or SIGQUIT during a batch.
 * Node's default is to end the process at once, which left the staged `.<name>.<pid>.<hex>.tmp` files in the checkout
 * (where `git add -A` takes them). While staging: remove what is staged (each file stays old), then
 * die of the signal itself, not exit with 130: a shell ends a script (`for d in ...; do ais-guard
 * check --fix --write $d; done`) only when its command died of SIGINT. While renaming: let the renames
 * finish first (a few, each atomic), or the batch would be half done; then die so. Any other exit on
 * the way (a closed pipe) removes what is staged too.
 */
function interruptible() {
  let renaming = false;
  let pending: NodeJS.Signals | undefined;
  const listeners = INTERRUPTS.map((signal) => {
    const listener = () => (renaming ? (pending ??= signal) : dieOf(signal));
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const stopListening = () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    process.off('exit', removeStagedFilesSync);
  };
  // Node's own handling of the signal again (it ends the process), with nothing left staged.
  const dieOf = (signal: NodeJS.Signals) => {
    removeStagedFilesSync();
    stopListening();
    process.kill(process.pid, signal);
  };
  process.on('exit', removeStagedFilesSync);
  return {
    renaming: () => (renaming = true),
    done() {
      stopListening();
      if (pending !== undefined) dieOf(pending);
    },
  };
}

/** Writes every fixed file, or none when any of them cannot be written. */
export async function writeFixes(
  fixes: FixedFile[],
  options: WriteOptions,
  stage: typeof stageFile = stageFile, // tests make a staging fail here
): Promise<{ written: FixedFile[]; errors: LoadError[] }> {
  const interrupts = interruptible();
  try {
    return await writeAll(fixes, options, stage, interrupts);
  } finally {
    interrupts.done();
  }
}

async function writeAll(
  fixes: FixedFile[],
  options: WriteOptions,
  stage: typeof stageFile,
  interrupts: { renaming(): void },
): Promise<{ written: FixedFile[]; errors: LoadError[] }> {
  const prepared = await Promise.all(fixes.map((f) => prepare(f, options)));
  // One file reached twice (two PATH arguments, or a link to it): two fixes would race for it.
  const seen = new Map<string, string>();
  for (const [i, p] of prepared.entries()) {
    if (!('fix' in p)) continue;
    const first = seen.get(p.real);
    if (first !== undefined)
      prepared[i] = { file: p.fix.source.file, message: `the same file as ${first}: not written twice` };
    else seen.set(p.real, p.fix.source.file);
  }
  const errors = prepared.filter((p): p is LoadError => !('fix' in p));
  if (errors.length > 0) return { written: [], errors };
  const targets = prepared as Target[];
  const staged: StagedFile[] = [];
  for (const target of targets) {
    try {
      staged.push(await stage(target.path, target.fix.bytes, target));
    } catch (err) {
      errors.push({ file: target.fix.source.file, message: `cannot write: ${errorReason(err)}` });
      await Promise.all(staged.map((s) => s.discard()));
      return { written: [], errors };
    }
  }
  // Again once all are staged, right before the first rename: a save made while they were being
  // staged (large files, a slow disk) would otherwise be overwritten. A save between this read and
  // the rename is the window no rename-based write can close.
  // The same checks as before staging (a pipe is never read, a file made read-only is the owner's word).
  for (const again of await Promise.all(targets.map((t) => prepare(t.fix, options))))
    if (!('fix' in again)) errors.push(again);
  if (errors.length > 0) {
    await Promise.all(staged.map((s) => s.discard()));
    return { written: [], errors };
  }
  const written: FixedFile[] = [];
  interrupts.renaming();
  for (const [i, target] of targets.entries()) {
    try {
      await staged[i]!.commit();
      written.push(target.fix);
    } catch (err) {
      // A rename in a directory just written to: should it fail all the same, the files before this
      // one are rewritten (each whole) and the rest are left as they were.
      errors.push({ file: target.fix.source.file, message: `cannot write: ${errorReason(err)}` });
      await Promise.all(staged.slice(i + 1).map((s) => s.discard()));
      break;
    }
  }
  return { written, errors };
}
