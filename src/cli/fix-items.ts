// `check --fix` of a document holding many objects (a `kind: List`, `kubectl get -o yaml` of many
// claims): each item's patch applied to the item's own text. yaml-edit.ts parses the text it edits
// for every operation, and over the whole List that was N parses of an N-item document (review
// fix26: 400 claims, --fix 34-43 s against check's 2.6 s). An item's text is parsed alone instead,
// and the items are edited from the last back, so the ranges of one parse of the document stay
// right for the items before. The caller checks that the result reads back as the patched document
// and otherwise edits the whole document operation by operation, as before.
import { isMap, type Document } from 'yaml';
import type { PatchOperation } from '../policy/index.js';
import type { Manifest } from './load.js';
import { applyOperation, EditError } from './yaml-edit.js';

export interface Item {
  /**
   * Where the item's text starts (its line's start; for JSON, its "{" when more than spaces comes
   * before it on that line) and ends.
   */
  from: number;
  to: number;
  /**
   * The item's path in that text: [] for a map on lines of its own (and every JSON item), [0]
   * after a "- " on its line.
   */
  base: (string | number)[];
  patch: PatchOperation[];
}

/**
 * An item's own text: from the start of its first line to the end of its last (a flow map's "}"
 * when it is one, before the "," after it), readable alone as YAML with the same columns, since only
 * blanks or a "- " come before it on its line. Undefined when something else does (a flow map after
 * "items: ["), or it is no map.
 */
function itemText(text: string, doc: Document, manifest: Manifest): Omit<Item, 'patch'> | undefined {
  if (manifest.yamlPath.length === 0) return undefined;
  const node = doc.getIn(manifest.yamlPath, true);
  if (!isMap(node) || !node.range) return undefined;
  const [start, end] = node.range;
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const lead = text.slice(from, start);
  const base = /^ *$/.test(lead) ? [] : /^ *- +$/.test(lead) ? [0] : undefined;
  if (!base) return undefined;
  if (node.flow) return { from, to: end, base };
  if (text[end - 1] === '\n') return { from, to: end, base };
  const lineEnd = text.indexOf('\n', end);
  return { from, to: lineEnd < 0 ? text.length : lineEnd + 1, base };
}

/**
 * The document's text with every object's patch applied in its own item's text, or undefined
 * when an object is not such an item (a whole document, an item sharing a line with others) or an
 * edit there is refused: the caller then edits the whole document.
 */
export function editItemsApart(
  text: string,
  doc: Document,
  edits: { manifest: Manifest; patch: PatchOperation[] }[],
): string | undefined {
  // One object: a few whole-document parses, as many as its operations; nothing to gain.
  if (edits.length < 2) return undefined;
  const items: Item[] = [];
  for (const { manifest, patch } of edits) {
    const item = itemText(text, doc, manifest);
    if (!item) return undefined;
    items.push({ ...item, patch });
  }
  return spliceItems(text, items);
}

/**
 * The text with each item's patch applied to the item's own text, the items edited from the last
 * back; undefined when two items overlap or an edit is refused.
 */
export function spliceItems(text: string, items: Item[]): string | undefined {
  items.sort((a, b) => b.from - a.from);
  // The text from the end back: each edited item and the unedited text after it.
  const parts: string[] = [];
  let rest = text.length;
  for (const { from, to, base, patch } of items) {
    if (to > rest) return undefined; // overlapping items: not a List's
    let piece = text.slice(from, to);
    try {
      for (const op of patch) piece = applyOperation(piece, base, op);
    } catch (err) {
      if (err instanceof EditError) return undefined;
      throw err;
    }
    parts.push(text.slice(to, rest), piece);
    rest = from;
  }
  parts.push(text.slice(0, rest));
  return parts.reverse().join('');
}
