// Atomic file replacement: a running server that watches the cert files must never read a
// half-written PEM, and `check --fix --write` must never leave a manifest cut short. rename(2)
// within one directory swaps the whole file at once.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  // Same directory as the target: rename across file systems is not atomic (or fails with EXDEV).
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already there; mode at creation, so a key is never
  // readable by others, not even for the instant before a chmod.
  const file = await open(temp, 'wx', mode);
  try {
    // The exact mode, whatever the umask took away at creation (a rewritten manifest keeps its mode).
    await file.chmod(mode);
    await file.writeFile(data);
    // On disk before the rename publishes it: after a crash the name holds the old or the new file.
    await file.sync();
  } catch (err) {
    await file.close();
    await rm(temp, { force: true });
    throw err;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  // The rename itself on disk too; some file systems cannot sync a directory, which is no error.
  const parent = await open(dir, 'r').catch(() => undefined);
  await parent?.sync().catch(() => undefined);
  await parent?.close();
}
