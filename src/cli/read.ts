// Finds and reads the input files of `check`, treating the file system as hostile input:
// stat before open (a device, or a FIFO met in a directory walk, is never opened; a FIFO named as an
// argument is read like stdin), O_NONBLOCK in case one appears between the stat and the open, caps
// on bytes per file and in total, and one note or error per problem instead of a crash: a bad entry
// never hides the rest of a directory.
import { constants, createReadStream, type Dirent, type Stats } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, normalize, resolve } from 'node:path';

export interface Place {
  file: string;
  line?: number;
  message: string;
}

export interface InputFile {
  /** Path as found (argument or directory walk), or "-" for stdin. */
  file: string;
  /** The PATH argument it came from (0-based): `--context-per-dir` judges each argument alone. */
  argument: number;
  /** Reached through a symbolic link: `--fix --write` leaves it alone unless asked. */
  viaSymlink: boolean;
  /**
   * A pipe named as an argument: a process substitution (`check <(kustomize build overlays/prod)`)
   * or a named FIFO. Read to its end like stdin; never rewritten. In a directory walk a FIFO is
   * skipped instead: nobody asked for it, and with no writer it would never end.
   */
  pipe?: boolean;
}

export interface Limits {
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: Limits = { maxFileBytes: 32 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 };

/**
 * The extensions kubectl apply -f DIR takes, case and all: cli-runtime visitor.go ignoreFile compares
 * filepath.Ext(path) with ".json", ".yaml" and ".yml" exactly. X.YAML in a folder is not applied.
 */
const MANIFEST_EXT = /\.(ya?ml|json)$/;
const OTHER_CASE_EXT = /\.(ya?ml|json)$/i;
const SKIPPED_CASE =
  'skipped: kubectl apply -f of its folder skips it (it takes .yaml, .yml and .json in lower case only): name it to have it checked';

const reason = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'a directory, not a file';
    default: {
      const first = String(e.message ?? e).split('\n')[0]!;
      // Node's own messages already begin with the code ("ENAMETOOLONG: name too long, ...").
      return e.code && !first.startsWith(`${e.code}:`) ? `${e.code}: ${first}` : first;
    }
  }
};

function kindOfEntry(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean }) {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  return 'not a regular file';
}

const CHART_SOURCES = new Set(['templates', 'charts']);
const SKIPPED_HIDDEN =
  'skipped: a hidden file (kubectl apply -f of its folder applies it): name it to have it checked';

/** The note for a chart's templates/ or charts/ (its subcharts), named as what they hold. */
const skippedChart = (folder: string) =>
  `skipped: a Helm chart's ${folder === 'charts' ? 'subcharts' : 'templates'} (Chart.yaml beside them); check what they render: helm template <release> <chart> | ais-guard check -`;

/**
 * The chart folder a file lies in, templates or charts (a folder of that name beside a Chart.yaml),
 * if any. `charts` remembers each folder's answer: a hook names many files of the same few folders.
 */
async function inChartSources(
  file: string,
  charts: Map<string, Promise<boolean>>,
): Promise<string | undefined> {
  for (let dir = dirname(resolve(file)); dir !== dirname(dir); dir = dirname(dir)) {
    if (!CHART_SOURCES.has(basename(dir))) continue;
    const chart = dirname(dir);
    if (!charts.has(chart)) charts.set(chart, isFile(join(chart, 'Chart.yaml')));
    if (await charts.get(chart)) return basename(dir);
  }
  return undefined;
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Expands PATH arguments into input files; problems go to errors, skipped entries to notes. A walk
 * skips hidden entries (a hidden manifest file with a note), node_modules, and a Helm chart's templates and subcharts (with a note).
 */
export async function findInputs(paths: string[], errors: Place[], notes: Place[]): Promise<InputFile[]> {
  const found: InputFile[] = [];
  const charts = new Map<string, Promise<boolean>>();
  const walk = async (dir: string, argument: number, viaSymlink: boolean): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ file: dir, message: `cannot read directory: ${reason(err)}` });
      return;
    }
    // A Helm chart's templates (and subcharts) are not objects: `helm template` renders what is applied.
    const chart = entries.some((e) => e.name === 'Chart.yaml' && !e.isDirectory());
    entries = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // the same order in any locale
    for (const e of entries) {
      if (e.name.startsWith('.')) {
        // Hidden folders (.git, the --base checkout) are never manifests. A hidden file with a
        // manifest's extension is one to kubectl apply -f DIR (cli-runtime's visitor reads it) but
        // mostly a tool's config (.gitlab-ci.yml, .pre-commit-config.yaml): named, not read.
        if (!e.isDirectory() && MANIFEST_EXT.test(e.name))
          notes.push({ file: join(dir, e.name), message: SKIPPED_HIDDEN });
        continue;
      }
      // Packages' own JSON and YAML; a link to a directory (a workspace's) too.
      if (e.name === 'node_modules' && (e.isDirectory() || e.isSymbolicLink())) continue;
      if (chart && CHART_SOURCES.has(e.name) && (e.isDirectory() || e.isSymbolicLink())) {
        notes.push({ file: join(dir, e.name), message: skippedChart(e.name) });
        continue;
      }
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path, argument, viaSymlink);
      else if (e.isSymbolicLink()) await linkMet(path, argument);
      else if (!MANIFEST_EXT.test(e.name)) {
        if (OTHER_CASE_EXT.test(e.name)) notes.push({ file: path, message: SKIPPED_CASE });
      } else if (e.isFile()) found.push({ file: path, argument, viaSymlink });
      else notes.push({ file: path, message: `skipped: ${kindOfEntry(e)}` });
    }
  };
  /**
   * A link met in a walk. One to a manifest file is read (and never written through unless asked);
   * one to a directory, whatever its name, is not walked (it may loop or lead out of the tree) and
   * said in a note: kubectl apply -f DIR does not follow it either, and a folder of manifests linked
   * in (`prod -> ../common/prod`) must not pass unread in silence. Name it as a PATH to check it.
   */
  const linkMet = async (path: string, argument: number): Promise<void> => {
    const manifest = MANIFEST_EXT.test(basename(path));
    let target: Stats;
    try {
      target = await stat(path);
    } catch (err) {
      if (manifest) errors.push({ file: path, message: `broken link: ${reason(err)}` });
      else if (OTHER_CASE_EXT.test(basename(path))) notes.push({ file: path, message: SKIPPED_CASE });
      return;
    }
    if (target.isDirectory())
      notes.push({ file: path, message: 'skipped: a link to a directory (name it as a PATH to check it)' });
    else if (!manifest) {
      if (OTHER_CASE_EXT.test(basename(path))) notes.push({ file: path, message: SKIPPED_CASE });
    } else if (target.isFile()) found.push({ file: path, argument, viaSymlink: true });
    else notes.push({ file: path, message: `skipped: links to ${kindOfEntry(target)}` });
  };
  for (const [argument, path] of paths.entries()) {
    if (path === '-') {
      found.push({ file: '-', argument, viaSymlink: false });
      continue;
    }
    try {
      // lstat("link/") and lstat("link/.") follow the link (they ask for the directory): look at
      // the PATH as written without them, so `link/`, as shell completion writes a link to a
      // directory, and `link/.` are one too (fx53: `link/.` was written through).
      const link = await lstat(normalize(path).replace(/(?<=[^/])\/+$/, ''));
      const info = link.isSymbolicLink() ? await stat(path) : link;
      if (info.isDirectory()) await walk(path, argument, link.isSymbolicLink());
      else if (!info.isFile()) {
        if (info.isFIFO())
          found.push({ file: path, argument, viaSymlink: link.isSymbolicLink(), pipe: true });
        else notes.push({ file: path, message: `skipped: ${kindOfEntry(info)}` });
      } else {
        const folder = await inChartSources(path, charts); // named by a hook that passes staged files
        if (folder) notes.push({ file: path, message: skippedChart(folder) });
        else found.push({ file: path, argument, viaSymlink: link.isSymbolicLink() });
      }
    } catch (err) {
      errors.push({ file: path, message: reason(err) });
    }
  }
  return found;
}

export class InputTooLarge extends Error {
  /** Over the budget of the whole input (every later file would be too), not of one file. */
  constructor(
    message: string,
    readonly total = false,
  ) {
    super(message);
  }
}

/** Reads a regular file, or stdin, within the byte budget. */
export class Reader {
  private total = 0;
  constructor(
    private readonly limits: Limits,
    private readonly stdin: NodeJS.ReadableStream,
  ) {}

  private charge(file: string, bytes: number): void {
    const { maxFileBytes, maxTotalBytes } = this.limits;
    if (bytes > maxFileBytes)
      throw new InputTooLarge(`over ${maxFileBytes} bytes (raise it with --max-file-bytes)`);
    if (this.total + bytes > maxTotalBytes)
      throw new InputTooLarge(
        `the input passes ${maxTotalBytes} bytes in total at ${file} (raise it with --max-total-bytes)`,
        true,
      );
  }

  /** The input's bytes; null (with a note) when a file is not a regular file after all. */
  async read({ file, pipe }: Pick<InputFile, 'file' | 'pipe'>, notes: Place[]): Promise<Buffer | null> {
    const bytes =
      file === '-'
        ? await this.readStream(file, this.stdin)
        : pipe
          ? await this.readPipe(file)
          : await this.readFile(file, notes);
    if (bytes) this.total += bytes.length;
    return bytes;
  }

  private async readPipe(file: string): Promise<Buffer> {
    const stream = createReadStream(file);
    try {
      return await this.readStream(file, stream);
    } finally {
      stream.destroy(); // stopped at a cap: the writer gets EPIPE rather than blocking
    }
  }

  private async readStream(file: string, stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      this.charge(file, size);
      chunks.push(buf);
    }
    return Buffer.concat(chunks);
  }

  private async readFile(file: string, notes: Place[]): Promise<Buffer | null> {
    // O_NONBLOCK: had a FIFO replaced the file since the walk, the open would otherwise wait forever.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        notes.push({ file, message: `skipped: ${kindOfEntry(info)}` });
        return null;
      }
      this.charge(file, info.size);
      // Read to EOF, not to the stat'ed size: the file may grow, and the cap holds either way.
      const chunks: Buffer[] = [];
      let size = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(4096, info.size + 1)));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        size += bytesRead;
        this.charge(file, size);
        chunks.push(chunk.subarray(0, bytesRead));
      }
      return Buffer.concat(chunks, size);
    } finally {
      await handle.close();
    }
  }
}

export { reason as errorReason };
