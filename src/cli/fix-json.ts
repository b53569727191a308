// `check --fix` of a JSON value (a file whose first character is "{"): kubectl reads it with
// encoding/json, and load.ts judged it from JSON.parse (json-text.ts). So the edit is found with the
// JSON text's own places and checked with JSON.parse, and no YAML syntax tree of the whole value is
// built: the yaml library's took ~45 MB and ~0.5 s per MB per parse, and the YAML path parses a
// document four times (a `kubectl get -o json` List of 3,000 AIStore CRs: 35 s, 635 MB). Only each
// edited item's own text goes through yaml-edit.ts, whose splices keep every other byte.
import type { PatchOperation } from '../policy/index.js';
import { spliceItems, type Item } from './fix-items.js';
import { JsonPlaces, jsonSurprises, valueEnd } from './json-text.js';
import type { Manifest } from './load.js';

/**
 * The value's text with every object's patch applied in the object's own text: from the start of
 * its line when only spaces come before it there (the columns of added lines stay right), else
 * from its "{" (a line added then takes the indent of the entry before it, tabs included:
 * yaml-edit.ts). Undefined when an object has no place in the text, two overlap, or an edit is
 * refused.
 */
export function editJsonItems(
  text: string,
  edits: { manifest: Manifest; patch: PatchOperation[] }[],
): string | undefined {
  const places = new JsonPlaces(text, 0);
  const items: Item[] = [];
  for (const { manifest, patch } of edits) {
    const start = places.offsetOf(manifest.yamlPath);
    if (start === undefined || text[start] !== '{') return undefined;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const from = /^ *$/.test(text.slice(lineStart, start)) ? lineStart : start;
    items.push({ from, to: valueEnd(text, start), base: [], patch });
  }
  return spliceItems(text, items);
}

/** What a JSON value's text reads as to kubectl, or undefined when it would refuse it (or read a key set twice). */
export function readJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return jsonSurprises(text, 0, text.length, value).repeated === undefined ? value : undefined;
}
