// `check --fix`: applies each document's JSON Patch to its YAML Document, so comments, key order
// and flow style survive where the yaml library can keep them.
import type { Document } from 'yaml';
import type { PatchOperation } from '../policy/index.js';
import type { Judged } from './judge.js';
import type { SourceFile } from './load.js';

function segmentsOf(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function applyOperation(doc: Document, prefix: (string | number)[], op: PatchOperation): void {
  const path = [...prefix, ...segmentsOf(op.path)];
  switch (op.op) {
    case 'remove':
      doc.deleteIn(path);
      return;
    case 'add': {
      const last = path[path.length - 1];
      const parent = doc.getIn(path.slice(0, -1)) as { items?: unknown[] } | undefined;
      // Appending to a sequence ("-" or index == length): addIn appends; otherwise set the key.
      if (
        last === '-' ||
        (typeof last === 'number' && Array.isArray(parent?.items) && last >= parent.items.length)
      ) {
        doc.addIn(path.slice(0, -1), doc.createNode(op.value));
        return;
      }
      if (typeof last === 'number' && Array.isArray(parent?.items)) {
        parent.items.splice(last, 0, doc.createNode(op.value)); // RFC 6902 "add" inserts into arrays
        return;
      }
      doc.setIn(path, doc.createNode(op.value));
      return;
    }
    case 'replace':
      doc.setIn(path, doc.createNode(op.value));
      return;
    default:
      throw new Error(`unexpected patch operation ${op.op}`);
  }
}

/** Applies the patches and returns the sources that changed. */
export function applyFixes(judged: Judged[]): Set<SourceFile> {
  const changed = new Set<SourceFile>();
  for (const { manifest, evaluation } of judged) {
    if (evaluation.patch.length === 0) continue;
    const doc = manifest.source.documents[manifest.document - 1];
    if (!doc) continue;
    for (const op of evaluation.patch) applyOperation(doc, manifest.yamlPath, op);
    changed.add(manifest.source);
  }
  return changed;
}

/** A source file's documents after fixes, re-serialised (empty documents dropped). */
export function renderDocuments(source: SourceFile): string[] {
  return source.documents.filter((d) => d.contents !== null).map((d) => d.toString({ lineWidth: 0 }));
}

/** One YAML stream: a "---" line between documents (a document may already start with one). */
export function joinDocuments(documents: string[]): string {
  return documents.map((d, i) => (i === 0 || d.startsWith('---') ? d : `---\n${d}`)).join('');
}

export function renderSource(source: SourceFile): string {
  return joinDocuments(renderDocuments(source));
}
