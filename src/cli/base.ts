// `check --base DIR`: the input as applied now, read from a checkout of it (the target branch of a
// pull request). Each PATH argument is read again at the same place under DIR, so a folder per
// cluster (`--context-per-dir clusters/*/`) finds its own counterpart; a PATH that is not there is
// new, and its objects are creates.
//
// The base only ever makes the check stricter where it cannot be read: a file that does not parse,
// or an object given twice, is a note, and the objects it would have matched are judged as creates.
// So a pull request that repairs a broken target branch can pass.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { identityOf } from '../policy/index.js';
import { loadManifests, type LoadError, type Manifest } from './load.js';
import type { Limits } from './read.js';
import { UsageError } from './usage.js';

export interface Base {
  /** Each with `source.argument` the PATH argument it is the counterpart of. */
  manifests: Manifest[];
  notes: LoadError[];
}

/** `path` is `dir` or below it, and a folder walk of `dir` reaches it (no hidden folder on the way). */
const walkedInto = (path: string, dir: string) => {
  const r = relative(dir, path);
  if (r === '') return true;
  if (r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r)) return false;
  return !r.split(sep).some((part) => part.startsWith('.'));
};

function checkDir(dir: string, paths: string[]): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--base: ${dir} is not a directory (give a checkout of what is applied now)`);
  const real = realpathSync(dir);
  // Judged against itself, every denial would be "already so": the run could never fail.
  if (real === realpathSync(process.cwd()))
    throw new UsageError(
      `--base: ${dir} is the current directory; give a checkout of the target branch beside it`,
    );
  for (const path of paths)
    if (existsSync(path) && walkedInto(real, realpathSync(path)))
      throw new UsageError(
        `--base: ${dir} is inside ${path}, so it would be read as input too (a hidden folder, .base, is not)`,
      );
}

/** Objects given twice in one context of the base: which version is applied cannot be told. */
function withoutDuplicates(manifests: Manifest[], perArgument: boolean, notes: LoadError[]): Manifest[] {
  const seen = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const id = identityOf(m.object);
    if (id === undefined) continue;
    const key = `${perArgument ? m.source.argument : 0} ${id}`;
    const same = seen.get(key);
    if (same) same.push(m);
    else seen.set(key, [m]);
  }
  const dropped = new Set<Manifest>();
  for (const same of seen.values()) {
    if (same.length < 2) continue;
    same.forEach((m) => dropped.add(m));
    const [first, second] = same as [Manifest, Manifest];
    notes.push({
      file: second.source.file,
      line: second.line,
      message: `--base: ${String(first.object.kind)} ${String(first.object.metadata?.name)} is given twice here (also at ${first.source.file}:${first.line}): judged as a create`,
    });
  }
  return manifests.filter((m) => !dropped.has(m));
}

export async function loadBase(
  dir: string,
  paths: string[],
  limits: Limits,
  perArgument = false,
): Promise<Base> {
  checkDir(dir, paths);
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
  const notes: LoadError[] = [
    ...loaded.notes,
    ...loaded.errors.map((e) => ({
      ...e,
      message: `--base: ${e.message} (what it holds is judged as created)`,
    })),
  ];
  // Each base manifest belongs to the PATH argument it is the counterpart of.
  const manifests = loaded.manifests.map((m) => ({
    ...m,
    source: { ...m.source, argument: found[m.source.argument]!.argument },
  }));
  return { manifests: withoutDuplicates(manifests, perArgument, notes), notes };
}
