// `check --base DIR`: the input as applied now, read from a checkout of it (the target branch of a
// pull request). Each PATH argument is read again at the same place under DIR, so a folder per
// cluster (`--context-per-dir clusters/*/`) finds its own counterpart; a PATH that is not there is
// new, and its objects are creates.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadManifests, type Loaded } from './load.js';
import type { Limits } from './read.js';
import { UsageError } from './usage.js';

export async function loadBase(dir: string, paths: string[], limits: Limits): Promise<Loaded> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--base: ${dir} is not a directory (give a checkout of what is applied now)`);
  const found: { path: string; argument: number }[] = [];
  paths.forEach((path, argument) => {
    const inside = relative(process.cwd(), resolve(path));
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
      throw new UsageError(
        `--base: ${path} is outside the current directory, so it has no place under ${dir}: run check from the directory ${dir} is a checkout of`,
      );
    const there = join(dir, inside);
    if (existsSync(there)) found.push({ path: there, argument });
  });
  const loaded = await loadManifests(
    found.map((f) => f.path),
    undefined,
    limits,
  );
  // Each base manifest belongs to the PATH argument it is the counterpart of.
  const manifests = loaded.manifests.map((m) => ({
    ...m,
    source: { ...m.source, argument: found[m.source.argument]!.argument },
  }));
  return { ...loaded, manifests };
}
