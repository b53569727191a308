// The small files a flag names (plan's disk map, serve's config): a few KB, read whole. Without a cap
// `plan --disks /dev/zero` read 600 MB in 16 s and ended in "Invalid string length", and a large
// file named by mistake was read and parsed whole. `check` caps its inputs the same way (read.ts).
import { open } from 'node:fs/promises';

export const SMALL_FILE_BYTES = 16 * 1024 * 1024;

/** The text of `path`, or an error "over N MiB" once more than `max` bytes have come. */
export async function readSmallFile(path: string, max = SMALL_FILE_BYTES): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    // One byte past the cap says the file is over it, without reading on (a device never ends).
    while (size <= max) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, max + 1 - size));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, size).toString('utf8');
      chunks.push(chunk.subarray(0, bytesRead));
      size += bytesRead;
    }
    throw new Error(
      `over ${max / (1024 * 1024)} MiB, far more than such a file holds: is it the right file?`,
    );
  } finally {
    await handle.close();
  }
}
