// `check --fix --write`: all or nothing. Every file to rewrite is checked first (not a symlink
// unless --follow-symlinks, writable, unchanged since it was read); only when all pass is any file
// written, each one atomically (temp file beside it, fsync, rename) with its mode kept.
import { constants } from 'node:fs';
import { access, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../tls/atomic.js';
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
}

async function prepare(fix: FixedFile, options: WriteOptions): Promise<Target | LoadError> {
  const file = fix.source.file;
  if (fix.source.viaSymlink && !options.followSymlinks)
    return {
      file,
      message: 'reached through a symbolic link: not written (use --follow-symlinks to write its target)',
    };
  try {
    const path = fix.source.viaSymlink ? await realpath(file) : file;
    const info = await stat(path);
    if (!info.isFile()) return { file, message: 'no longer a regular file: not written' };
    // Read-only by its mode is the owner's word, even for root (whom access() never refuses).
    if ((info.mode & 0o222) === 0) return { file, message: 'read-only: not written' };
    await access(path, constants.W_OK).catch(() => {
      throw Object.assign(new Error('read-only'), { code: 'EACCES' });
    });
    await access(dirname(path), constants.W_OK | constants.X_OK);
    // Someone else's edit since the read would be lost: refuse rather than overwrite it.
    if (!(await readFile(path)).equals(bytesOf(fix.source)))
      return { file, message: 'changed since it was read: not written' };
    return { fix, path, real: await realpath(path), mode: info.mode & 0o7777 };
  } catch (err) {
    return { file, message: `cannot write: ${errorReason(err)}` };
  }
}

/** Writes every fixed file, or none when any of them cannot be written. */
export async function writeFixes(
  fixes: FixedFile[],
  options: WriteOptions,
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
  const written: FixedFile[] = [];
  for (const target of prepared as Target[]) {
    try {
      await writeFileAtomic(target.path, target.fix.bytes, target.mode);
      written.push(target.fix);
    } catch (err) {
      // Each file is whole either way; the ones before this one are already rewritten.
      errors.push({ file: target.fix.source.file, message: `cannot write: ${errorReason(err)}` });
    }
  }
  return { written, errors };
}
