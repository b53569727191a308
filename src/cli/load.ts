// Reads manifests for `check`: files, directories (recursively), or "-" for stdin; multi-document
// YAML or JSON; `List` kinds are unpacked. Every document keeps its file, index and line, and its
// YAML Document so `--fix` can write changes back with comments and key order kept.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { KubeObject } from '../policy/index.js';

export interface SourceFile {
  /** Path as given (or "-" for stdin). */
  file: string;
  text: string;
  lineCounter: LineCounter;
  documents: Document.Parsed[];
}

export interface Manifest {
  source: SourceFile;
  /** 1-based document number in the file. */
  document: number;
  /** Where the object sits inside its YAML document: [] or ['items', i] for List members. */
  yamlPath: (string | number)[];
  line: number;
  object: KubeObject;
}

export interface LoadError {
  file: string;
  line?: number;
  message: string;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

async function expand(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) =>
        e.isDirectory() ? expand(join(path, e.name)) : MANIFEST_EXT.test(e.name) ? [join(path, e.name)] : [],
      ),
  );
  return nested.flat();
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseSource(
  file: string,
  text: string,
  errors: LoadError[],
): { source: SourceFile; manifests: Manifest[] } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const source: SourceFile = {
    file,
    text,
    lineCounter,
    documents: Array.isArray(documents) ? documents : [],
  };
  const manifests: Manifest[] = [];
  source.documents.forEach((doc, i) => {
    const problem = doc.errors[0];
    if (problem) {
      errors.push({
        file,
        line: lineCounter.linePos(problem.pos[0]).line,
        message: problem.message.split('\n')[0] ?? 'invalid YAML',
      });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // empty document, e.g. a trailing "---"
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? 0).line;
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ file, line, message: `document ${i + 1} is not a Kubernetes object` });
      return;
    }
    const object = value as KubeObject;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: unknown, j: number) => {
        if (typeof item !== 'object' || item === null) return;
        const node = doc.getIn(['items', j], true) as { range?: [number, number, number] } | undefined;
        manifests.push({
          source,
          document: i + 1,
          yamlPath: ['items', j],
          line: lineCounter.linePos(node?.range?.[0] ?? 0).line,
          object: item as KubeObject,
        });
      });
      return;
    }
    manifests.push({ source, document: i + 1, yamlPath: [], line, object });
  });
  return { source, manifests };
}

export async function loadManifests(paths: string[], stdin: NodeJS.ReadableStream = process.stdin) {
  const errors: LoadError[] = [];
  const sources: SourceFile[] = [];
  const manifests: Manifest[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = path === '-' ? ['-'] : await expand(path);
    } catch (err) {
      errors.push({
        file: path,
        message: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err),
      });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = file === '-' ? await readStdin(stdin) : await readFile(file, 'utf8');
      } catch (err) {
        errors.push({ file, message: String((err as Error).message) });
        continue;
      }
      const parsed = parseSource(file, text, errors);
      sources.push(parsed.source);
      manifests.push(...parsed.manifests);
    }
  }
  return { sources, manifests, errors };
}

/** The line a JSON pointer points at inside a manifest, or the nearest existing parent's line. */
export function lineOf(manifest: Manifest, pointer: string): number {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const doc = manifest.source.documents[manifest.document - 1];
  for (let n = segments.length; n > 0 && doc; n--) {
    const node = doc.getIn([...manifest.yamlPath, ...segments.slice(0, n)], true) as
      { range?: [number, number, number] } | undefined;
    if (node?.range) return manifest.source.lineCounter.linePos(node.range[0]).line;
  }
  return manifest.line;
}
