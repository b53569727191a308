// mkdir -p for the certificate directory. Node's own `mkdir(dir, { recursive: true })` (20 and 24)
// loops for ever when the kernel answers ENOENT although the parent exists, as /proc and /sys do
// for a name they do not have: `certs --dir /proc/x/certs` hung without a word. One level at a
// time, a second ENOENT after the parent was made is the kernel's answer, and it is reported.
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes `dir` and its missing parents (new ones with `mode`); an existing directory is fine. */
export async function makeDirs(dir: string, mode: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirs(parent, mode);
    await mkdir(dir, { mode });
  }
}
