// Atomic file replacement: a running server that watches the cert files must never read a
// half-written PEM. rename(2) within one directory swaps the whole file at once.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  // Same directory as the target: rename across file systems is not atomic (or fails with EXDEV).
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already there; mode at creation, so a key is never
  // readable by others, not even for the instant before a chmod.
  const file = await open(temp, 'wx', mode);
  try {
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
}
