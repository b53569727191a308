// `check --fix`: each object's JSON Patch applied to its file's text in place (yaml-edit.ts), one
// document slice at a time. Documents without a patch are copied as they are, byte for byte; a
// patched document is checked after the edit: it must parse to exactly the patched object, or the
// file is refused with a one-line reason instead of being written wrong.
import jsonpatch from 'fast-json-patch';
import { isAlias, isMap, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { documentValue, goYamlErrors, KUBE_YAML } from '../k8s/yaml.js';
import { setOwn, type PatchOperation } from '../policy/index.js';
import { goYamlText, kubectlText } from './eof-readings.js';
import { editItemsApart } from './fix-items.js';
import type { Judged } from './judge.js';
import { bytesOf, type LoadError, type Manifest, type SourceFile } from './load.js';
import { editJsonItems, readJson } from './fix-json.js';
import { jsonStream, valueEnd } from './json-text.js';
import { pointerSegments } from './pointer.js';
import { applyOperation, EditError } from './yaml-edit.js';

export interface FixedFile {
  source: SourceFile;
  /** The file's new content. */
  bytes: Buffer;
  /** The objects it changes, for the report. */
  objects: number;
}

type Edit = { manifest: Manifest; patch: PatchOperation[] };

const toPointer = (segments: (string | number)[]) =>
  segments.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');

/** Deep equality of plain data, whatever made the objects (our copy or the parser). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/**
 * A copy in which no two places share an object. The parser gives an anchor and its aliases one
 * object, and structuredClone keeps that: a patch of the anchored node then changed the alias in
 * the expected object too, and an edit that changed both in the text read back as right.
 */
function unshared(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unshared);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, unshared(v));
  return out;
}

/**
 * A BOM at a line's start, which go-yaml skips and the yaml library reads into a key: edited as a
 * comment line of its own, then put back byte for byte.
 */
const BOM_LINE = '#\uFEFF\n';

/** An edit refused, with the object it was for: a List's items each have their own line. */
class ObjectEditError extends EditError {
  constructor(
    message: string,
    readonly manifest: Manifest,
  ) {
    super(message);
  }
}

const getIn = (value: unknown, path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );

/**
 * The texts whose reading --fix keeps: as kubectl's line reader hands it to go-yaml, and as kyaml
 * (kustomize, Flux) parses the bytes. They differ only at a block scalar ending the text without a
 * line break (eof-readings.ts); else it is one text.
 */
const readingsOf = (text: string): string[] => {
  const goText = goYamlText(text);
  const kubectl = kubectlText(text);
  return goText === text && kubectl === text ? [text] : [kubectl, goText];
};

/** What `text` reads as, or undefined when go-yaml would refuse it or an alias has no anchor. */
function readOne(text: string): unknown {
  const doc = parseDocument(text, KUBE_YAML);
  if (goYamlErrors(doc, text).length > 0) return undefined;
  try {
    return documentValue(doc);
  } catch {
    return undefined; // an edit that removes an anchor leaves its aliases unresolved
  }
}

/** What `text` reads as to kubectl and to kyaml (readingsOf), each; undefined when one cannot be read. */
function readBack(text: string): unknown[] | undefined {
  const values = readingsOf(text).map(readOne);
  return values.includes(undefined) ? undefined : values;
}

/**
 * Whether the edited text reads as the patches make each reading of the original: reading i of one
 * against reading i of the other (a text with one reading stands for both).
 */
const readsAs = (actual: unknown[] | undefined, expected: unknown[]): boolean =>
  actual !== undefined &&
  expected.every((value, i) => same(actual[Math.min(i, actual.length - 1)], value)) &&
  actual.every((value, i) => same(value, expected[Math.min(i, expected.length - 1)]));

/**
 * The anchor an edit lands in that an alias of the document reads again, and the line of the file
 * it is written on (`firstLine`: the document's first; the BOM lines fixDocument adds not counted):
 * the node an operation changes, or one on the way to it. The refusal names it, or the user had to
 * hunt a long manifest for it.
 */
function sharedAnchor(
  text: string,
  firstLine: () => number,
  doc: Document,
  edits: Edit[],
): string | undefined {
  const aliased = new Set<string>();
  visit(doc, { Alias: (_, node) => void aliased.add(node.source) });
  for (const { manifest, patch } of edits)
    for (const op of patch) {
      let node: unknown = doc.contents;
      for (const segment of [...manifest.yamlPath, ...pointerSegments(op.path), undefined]) {
        if (isAlias(node) || !node) break;
        const { anchor, range } = node as Node;
        if (anchor && aliased.has(anchor) && range) {
          // The "&name" before the node (a collection's range starts at its first entry).
          const at = text.lastIndexOf(`&${anchor}`, range[0]);
          const before = text.slice(0, at < 0 ? range[0] : at);
          const line = firstLine() + before.split('\n').length - before.split(BOM_LINE).length;
          return `&${anchor}, line ${line}, read again by *${anchor}`;
        }
        if (segment === undefined) break;
        node = isMap(node) || isSeq(node) ? node.get(segment, true) : undefined;
      }
    }
  return undefined;
}

/** The document as the patches make it, applied to a copy of what it reads as; undefined when one does not apply. */
const patched = (doc: Document, edits: Edit[]): unknown => patchedValue(unshared(documentValue(doc)), edits);

/** `value` (changed in place) as the patches make it; undefined when one does not apply. */
function patchedValue(value: unknown, edits: Edit[]): unknown {
  try {
    let expected = value;
    for (const { manifest, patch } of edits)
      for (const op of patch) {
        // The value copied: a later operation under it must not change the patch the whole-text
        // editing may still render.
        const path = toPointer(manifest.yamlPath) + op.path;
        const whole = { ...op, path, value: structuredClone(op.value) } as jsonpatch.Operation;
        expected = jsonpatch.applyOperation(expected, whole, false, true).newDocument;
      }
    return expected;
  } catch {
    return undefined;
  }
}

/** One operation applied to the whole text (yaml-edit.ts); a refusal names the object. */
function applyTo(text: string, manifest: Manifest, op: PatchOperation): string {
  try {
    return applyOperation(text, manifest.yamlPath, op);
  } catch (err) {
    if (err instanceof EditError) throw new ObjectEditError(err.message, manifest);
    throw err;
  }
}

/**
 * A JSON document fixed (`valueStart`: where its value starts in the slice): its objects edited
 * apart (fix-json.ts), else the whole value operation by operation, and read back as kubectl reads
 * JSON. The blanks (and a BOM) around the value are kept as they are.
 */
function fixJsonDocument(slice: string, valueStart: number, edits: Edit[]): string {
  const valueStop = valueEnd(slice, valueStart);
  const text = slice.slice(valueStart, valueStop);
  const expected = patchedValue(JSON.parse(text), edits);
  const fixed = (out: string) => slice.slice(0, valueStart) + out + slice.slice(valueStop);
  const apart = editJsonItems(text, edits);
  if (apart !== undefined && expected !== undefined && same(readJson(apart), expected)) return fixed(apart);
  const out = edits.reduce(
    (t, { manifest, patch }) => patch.reduce((u, op) => applyTo(u, manifest, op), t),
    text,
  );
  const actual = readJson(out);
  if (expected === undefined || actual === undefined || !same(actual, expected)) {
    // Said at the first edited object that does not read back as fixed (else the first edited one).
    const wrong =
      edits.find(({ manifest: m }) => !same(getIn(actual, m.yamlPath), getIn(expected, m.yamlPath))) ??
      edits[0]!;
    throw new ObjectEditError('the edited text would not read back as the fixed object', wrong.manifest);
  }
  return fixed(out);
}

function fixDocument(source: string, edits: Edit[], firstLine: () => number = () => 1): string {
  const text = source.replace(/^\uFEFF/gm, BOM_LINE);
  const doc = parseDocument(text, KUBE_YAML);
  // What the patches must give, from each reading of the text (readingsOf).
  const readings = readingsOf(text).map((t) => (t === text ? doc : parseDocument(t, KUBE_YAML)));
  // A List's items each edited in their own text (linear in the List's size), when that reads back
  // as the patched document; else (and for a single object) the whole text, operation by operation.
  const apart = editItemsApart(text, doc, edits);
  if (apart !== undefined) {
    const expected = readings.map((d) => patched(d, edits));
    if (!expected.includes(undefined) && readsAs(readBack(apart), expected))
      return apart.replaceAll(BOM_LINE, '\uFEFF');
  }
  // A copy and a mutating apply: the library's own copy goes through JSON, which would turn a YAML
  // .inf or a big integer into something the text does not say.
  let expected = readings.map((d) => unshared(documentValue(d)));
  let out = text;
  for (const { manifest, patch } of edits) {
    for (const op of patch) {
      out = applyTo(out, manifest, op);
      const whole = { ...op, path: toPointer(manifest.yamlPath) + op.path } as jsonpatch.Operation;
      // Each reading patched with its own copy of the value.
      expected = expected.map(
        (value) =>
          jsonpatch.applyOperation(
            value,
            { ...whole, value: structuredClone(op.value) } as jsonpatch.Operation,
            false,
            true,
          ).newDocument,
      );
    }
  }
  const actual = readBack(out);
  if (!readsAs(actual, expected)) {
    let aliased = false;
    visit(doc, { Alias: () => ((aliased = true), visit.BREAK) });
    const anchor = aliased ? sharedAnchor(text, firstLine, doc, edits) : undefined;
    // Said at the first edited object that does not read back as fixed (else the first edited one).
    const wrong =
      edits.find(
        ({ manifest: m }) => !actual || !same(getIn(actual[0], m.yamlPath), getIn(expected[0], m.yamlPath)),
      ) ?? edits[0]!;
    throw new ObjectEditError(
      aliased
        ? `the edit would also change what a YAML alias shares with the edited node${anchor ? ` (${anchor})` : ''}: write that part out without the anchor`
        : 'the edited text would not read back as the fixed object',
      wrong.manifest,
    );
  }
  return out.replaceAll(BOM_LINE, '\uFEFF');
}

/** Fixes every file with patched objects, in memory; files that cannot be fixed exactly are errors. */
export function planFixes(judged: Judged[]): { fixed: FixedFile[]; errors: LoadError[] } {
  const bySource = new Map<SourceFile, Map<number, Edit[]>>();
  for (const { manifest, evaluation } of judged) {
    if (evaluation.patch.length === 0) continue;
    const docs = bySource.get(manifest.source) ?? new Map();
    bySource.set(manifest.source, docs);
    const edits = docs.get(manifest.document) ?? [];
    docs.set(manifest.document, edits);
    edits.push({ manifest, patch: evaluation.patch });
  }
  const fixed: FixedFile[] = [];
  const errors: LoadError[] = [];
  for (const [source, docs] of bySource) {
    const file = source.file;
    if (!source.validUtf8) {
      errors.push({
        file,
        message: isUtf16(source)
          ? 'UTF-16: --fix will not rewrite it (save it as UTF-8 to have it fixed)'
          : 'not valid UTF-8: --fix will not rewrite it (its other bytes would change)',
      });
      continue;
    }
    try {
      const parts: string[] = [];
      let objects = 0;
      source.slices.forEach(([start, end], i) => {
        const text = source.text.slice(start, end);
        const edits = docs.get(i + 1);
        if (!edits) return parts.push(text);
        objects += edits.length;
        try {
          // Counted only for a refusal that names a line: a file of many edited documents stays linear.
          const firstLine = () => source.text.slice(0, start).split('\n').length;
          const jsonStart = source.jsonStarts?.[i];
          parts.push(
            jsonStart === undefined
              ? fixDocument(text, edits, firstLine)
              : fixJsonDocument(text, jsonStart - start, edits),
          );
        } catch (err) {
          if (err instanceof ObjectEditError) throw err;
          throw new ObjectEditError((err as Error).message, edits[0]!.manifest);
        }
      });
      const lastEnd = source.slices[source.slices.length - 1]?.[1] ?? 0;
      parts.push(source.text.slice(lastEnd));
      fixed.push({ source, bytes: Buffer.from(parts.join(''), 'utf8'), objects });
    } catch (err) {
      if (!(err instanceof EditError)) throw err;
      errors.push({
        file,
        // The object whose edit failed: in a List, not the document's first edited item.
        line: err instanceof ObjectEditError ? err.manifest.line : undefined,
        message: `cannot apply the fix in place: ${err.message}`,
      });
    }
  }
  return { fixed, errors };
}

/**
 * What goes between two files joined into one stream: nothing when the next starts its own document
 * with "---", "---" otherwise. (A file with a YAML directive, which would need "..." first, is an
 * input error: kubectl cannot read it, load.ts.)
 */
function separatorBefore(next: string): string {
  return next.startsWith('---') ? '' : '---\n';
}

/**
 * A stream of JSON objects as YAML documents, a "---" line before each but the first. Joined with
 * other files, it must be: kubectl's decoder (apimachinery util/yaml YAMLOrJSONDecoder) reads input
 * that starts with "{" as JSON and, past a second JSON object, never switches to YAML, so the "---"
 * of the next file failed the whole stream; after one object it reads the rest as YAML. And within a
 * YAML stream two JSON objects in one document are no YAML at all. `mid`: the file comes after
 * another in the stream, so even its first value (a single-object file's only one) is read as YAML,
 * and is translated as the others are (review fix26: its `\/` failed the whole stream in go-yaml).
 */
function jsonStreamAsDocuments(bytes: Buffer, mid: boolean): Buffer {
  const text = bytes.toString('utf8');
  const values = jsonStream(text);
  if (!values || (values.length < 2 && !mid)) return bytes;
  const [firstStart, firstEnd] = values[0]!;
  const first = text.slice(firstStart, firstEnd);
  let out = text.slice(0, firstStart) + (mid ? asYamlJson(first) : first);
  for (const [i, [start, end]] of values.entries()) {
    if (i === 0) continue;
    const gap = text.slice(values[i - 1]![1], start);
    out += `${gap}${gap.endsWith('\n') ? '' : '\n'}---\n${asYamlJson(text.slice(start, end))}`;
  }
  return Buffer.from(out + text.slice(values[values.length - 1]![1]));
}

/**
 * A JSON value's text that go-yaml v2 reads as the same value: the escapes JSON has and YAML 1.1 does
 * not (`\/`, a surrogate pair) written as the characters they stand for, and the characters go-yaml
 * takes for line breaks (U+0085, U+2028, U+2029) as escapes. Escapes are matched whole, left to right,
 * so an escaped backslash is never read as the start of another.
 */
const asYamlJson = (json: string): string =>
  json
    .replace(
      /\\(u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[^u])/g,
      (escape, body: string) =>
        body === '/' ? '/' : body.length === 11 ? JSON.parse(`"${escape}"`) : escape,
    )
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A file read as UTF-16 (its BOM told): its bytes are no part of a UTF-8 stream. */
const isUtf16 = (source: SourceFile): boolean =>
  source.text.startsWith('\uFEFF') && source.raw !== undefined && source.raw[0] !== 0xef;

/**
 * The inputs joinSources cannot print as one stream: with other files, a UTF-16 one (its bytes
 * between UTF-8 "---" lines make a stream kubectl cannot read: "control characters are not
 * allowed"). Transcoding it unasked would print a file that is not the one on disk.
 */
export function unjoinable(sources: SourceFile[]): LoadError[] {
  if (sources.length < 2) return [];
  return sources.filter(isUtf16).map((source) => ({
    file: source.file,
    message:
      'UTF-16: --fix to stdout joins the inputs into one UTF-8 stream, which this file would corrupt; save it as UTF-8, or fix it on its own',
  }));
}

/** All inputs after fixes as one YAML stream, for `--fix` to stdout: a "---" line between files. */
export function joinSources(sources: SourceFile[], fixed: FixedFile[]): Buffer {
  const byFile = new Map(fixed.map((f) => [f.source, f.bytes]));
  const parts: Buffer[] = [];
  for (const source of sources) {
    let bytes = byFile.get(source) ?? bytesOf(source);
    // The first file is printed as `--write` would write it, its BOM and last line as they are; a
    // BOM mid-stream is no YAML, and the next file starts on a line of its own.
    const mid = parts.length > 0;
    if (sources.length > 1) bytes = jsonStreamAsDocuments(bytes, mid);
    if (mid && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (bytes.length === 0) continue;
    if (mid) {
      const last = parts[parts.length - 1] as Buffer;
      // A file ending without a line break gets one: kubectl's line reader (apimachinery decoder.go
      // LineReader.Read) read its last line with one already, a block scalar ending there too.
      if (last[last.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
      parts.push(Buffer.from(separatorBefore(bytes.toString('utf8'))));
    }
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}
