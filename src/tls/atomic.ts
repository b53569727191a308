// Atomic file replacement: a running server that watches the cert files must never read a
// half-written PEM, and `check --fix --write` must never leave a manifest cut short. rename(2)
// within one directory swaps the whole file at once.
//
// In two steps, so that a batch can be all or nothing: stageFile() writes and syncs the new
// content beside the target (where most failures happen: disk full, a name too long, no
// permission), and commit() renames it over the target; a batch stages every file before it
// commits any, and discards what it staged when one of them fails.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface StagedFile {
  /** Publishes the new content under the target's name. */
  commit(): Promise<void>;
  /** Removes the staged content; the target stays as it was. */
  discard(): Promise<void>;
}

export interface StageOptions {
  mode: number;
  /** The owner to give the new file (a root process rewriting someone else's file keeps it theirs). */
  owner?: { uid: number; gid: number };
  /**
   * Without an owner, the group to give the new file when the writer may: any user may give a file
   * of theirs any group they belong to (chown(2) with uid -1), and the group is what shares a file in
   * a group checkout. Left as created (the writer's) when refused (EPERM: not a member).
   */
  group?: number;
}

/** Temporary files staged and neither committed nor discarded yet. */
const staged = new Set<string>();

/**
 * Removes every file staged and not yet committed or discarded, synchronously: for a process about
 * to exit on a signal (an 'exit' listener cannot wait for a promise). Their targets stay as they were.
 */
export function removeStagedFilesSync(): void {
  for (const temp of staged) rmSync(temp, { force: true });
  staged.clear();
}

/** File names are at most 255 bytes: a temporary name keeps at most this much of the target's. */
const MAX_NAME_PART_BYTES = 120;

function shortened(name: string): string {
  let out = name;
  while (Buffer.byteLength(out) > MAX_NAME_PART_BYTES) out = [...out].slice(0, -1).join('');
  return out;
}

export async function stageFile(
  path: string,
  data: string | Uint8Array,
  options: StageOptions,
): Promise<StagedFile> {
  const dir = dirname(path);
  // Same directory as the target: rename across file systems is not atomic (or fails with EXDEV).
  const temp = join(
    dir,
    `.${shortened(basename(path))}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  // 'wx': never follow or reuse something already there; mode at creation, so a key is never
  // readable by others, not even for the instant before a chmod.
  // Named before it exists: a signal while open() is under way still finds it to remove (an outside
  // attack, fx53, left an empty .tmp beside 2 of 13 interrupted --fix --write runs).
  staged.add(temp);
  const file = await open(temp, 'wx', options.mode).catch((err: unknown) => {
    staged.delete(temp);
    throw err;
  });
  try {
    if (options.owner) await file.chown(options.owner.uid, options.owner.gid);
    else if (options.group !== undefined)
      await file.chown(-1, options.group).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPERM') throw err;
      });
    // The exact mode, whatever the umask took away at creation (a rewritten manifest keeps its
    // mode); after chown, which may clear set-id bits.
    await file.chmod(options.mode);
    await file.writeFile(data);
    // On disk before the rename publishes it: after a crash the name holds the old or the new file.
    await file.sync();
  } catch (err) {
    await file.close();
    await rm(temp, { force: true });
    staged.delete(temp);
    throw err;
  }
  await file.close();
  const discard = async () => {
    await rm(temp, { force: true });
    staged.delete(temp);
  };
  return {
    discard,
    async commit() {
      try {
        await rename(temp, path);
        staged.delete(temp);
      } catch (err) {
        await discard();
        throw err;
      }
      // The rename itself on disk too; some file systems cannot sync a directory, which is no error.
      const parent = await open(dir, 'r').catch(() => undefined);
      await parent?.sync().catch(() => undefined);
      await parent?.close();
    },
  };
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  await (await stageFile(path, data, { mode })).commit();
}
