// Reads manifests for `check`: files, directories (recursively), or "-" for stdin; multi-document
// YAML or JSON; an object with an `items` list (a `List`, whatever its kind) is unpacked. Documents
// are composed one at a time (a stream), and only the plain objects are kept, not the YAML syntax
// trees: memory grows with the objects, not with the parser's bookkeeping. Each object keeps its
// file, document, line and the document's slice of the file, so findings can name lines and `--fix`
// can edit the text in place.
import { basename, dirname, resolve } from 'node:path';
import { Composer, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { jsonTooDeep, TooDeep, TOO_DEEP, tokensWithinDepth } from '../k8s/nesting.js';
import {
  aliasErrorOffset,
  documentValue,
  EXCESSIVE_ALIASING,
  goYamlErrors,
  goYamlRefuses,
  kubectlRefusesText,
  nonFiniteNumber,
  withoutDocumentBoms,
  excessiveAliasing,
  KUBE_YAML,
  mayHoldMergeKey,
  mergeOverridingKey,
  REPEATED_KEY,
  yamlMessage,
} from '../k8s/yaml.js';
import { clip, isObject, type KubeObject } from '../policy/index.js';
import { jsonErrorAt } from './json-error.js';
import { JsonPlaces, jsonStream, jsonSurprises } from './json-text.js';
import { pointerSegments } from './pointer.js';
import {
  DEFAULT_LIMITS,
  errorReason,
  findInputs,
  InputTooLarge,
  Reader,
  type Limits,
  type Place,
} from './read.js';

export type { Place } from './read.js';
/** An input error (exit 2) or a note (a skipped file or document). */
export type LoadError = Place;

export interface SourceFile {
  /** Path as given or found (or "-" for stdin). */
  file: string;
  /** Index of the PATH argument it came from. */
  argument: number;
  viaSymlink: boolean;
  /** The bytes as read, kept only when they are not UTF-8 (else the text encodes back to them). */
  raw?: Buffer;
  /** The bytes as UTF-16 text, a BOM kept as U+FEFF so offsets cover the whole file. */
  text: string;
  /** False when the bytes are not UTF-8: the text is then lossy and the file never rewritten. */
  validUtf8: boolean;
  lineCounter: LineCounter;
  /** Each document's [start, end) in text: consecutive, so together they are the whole stream. */
  slices: [number, number][];
  /** A JSON stream's: where each document's value starts (lines are found in the JSON text). */
  jsonStarts?: number[];
  /** A YAML List document's items' [start, end) in text, by document index: see listItemLines. */
  listItems?: (ItemSpan | undefined)[][];
}

/** Where a List item's node is in the text, and the column it starts at. */
type ItemSpan = { start: number; end: number; column: number };

export interface Manifest {
  source: SourceFile;
  /** 1-based document number in the file. */
  document: number;
  /** Where the object sits inside its YAML document: [] or ['items', i] for List members. */
  yamlPath: (string | number)[];
  line: number;
  object: KubeObject;
}

export interface Loaded {
  sources: SourceFile[];
  manifests: Manifest[];
  errors: LoadError[];
  notes: LoadError[];
}

/** Kinds that describe how to build manifests, not objects an apiserver would receive. */
const BUILD_FILE_GROUPS = /^(kustomize\.config\.k8s\.io|config\.kubernetes\.io|kpt\.dev|helm\.sh)\//;

/**
 * Said after the yaml library's "Missing closing quote": it ends a quoted value at a line indented no
 * more than its key, where go-yaml v2 (scannerc.go yaml_parser_scan_flow_scalar checks no
 * indentation) reads on to the quote, so kubectl reads what check cannot. A known difference.
 */
const UNINDENTED_QUOTE =
  ' (if the quote closes on a later line, indent the lines before it past the key: kubectl reads them either way, check only so)';

/**
 * Said after the yaml library's "Flow map/sequence in block collection must be sufficiently indented":
 * go-yaml v2 checks no indentation in flow context (scannerc.go yaml_parser_unroll_indent) and takes
 * tabs there, so kubectl reads a pasted JSON object whose lines (or closing bracket) sit at or left of
 * its key; the library ends the collection there and would read the rest otherwise. A known difference.
 */
const UNINDENTED_FLOW =
  ' (kubectl reads a multi-line {...} or [...] at any indentation; check only when every line, the closing bracket too, is indented past the key with spaces: indent it so, or write the value in block style)';

const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;

/**
 * What a kustomization reads from a file that is not a resource: a patch (merged into objects), a
 * replacements file (one replacement or a list of them), a generator's data (the file's bytes
 * become a ConfigMap's or Secret's data, whatever they are) or a configuration of kustomize itself
 * (transformers, generators, validators, crds, configurations, openapi). None is applied as an object.
 */
type KustomizeRole = 'patch' | 'replacements' | 'data' | 'config';

export interface KustomizeFile {
  path: string;
  role: KustomizeRole;
}

/**
 * The files a kustomization reads that are not resources (patches[].path, patchesStrategicMerge,
 * patchesJson6902[].path, replacements[].path, the files, envs and env of configMapGenerator
 * and secretGenerator, the plugin configurations and openapi.path), resolved from its folder. A strategic-merge entry may be the patch itself,
 * inline; a generator's file may be written key=path.
 */
function kustomizeFiles(object: Record<string, unknown>, file: string): KustomizeFile[] {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const field = (entry: unknown, key: string): unknown =>
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
  const generators = [...list(object.configMapGenerator), ...list(object.secretGenerator)];
  const named: [KustomizeRole, unknown][] = [
    ...list(object.patches).map((p): [KustomizeRole, unknown] => ['patch', field(p, 'path')]),
    ...list(object.patchesStrategicMerge)
      .filter((p) => typeof p === 'string' && !p.includes('\n'))
      .map((p): [KustomizeRole, unknown] => ['patch', p]),
    ...list(object.patchesJson6902).map((p): [KustomizeRole, unknown] => ['patch', field(p, 'path')]),
    ...list(object.replacements).map((r): [KustomizeRole, unknown] => ['replacements', field(r, 'path')]),
    // A plugin entry may be a file, or the configuration itself, inline. It may also be a directory,
    // whose own kustomization lists the configurations as resources: those are still judged (a gap).
    ...['transformers', 'generators', 'validators', 'crds', 'configurations']
      .flatMap((key) => list(object[key]))
      .filter((c) => typeof c === 'string' && !c.includes('\n'))
      .map((c): [KustomizeRole, unknown] => ['config', c]),
    ['config', field(object.openapi, 'path')],
    ...generators.flatMap((g) =>
      [...list(field(g, 'files')), ...list(field(g, 'envs')), field(g, 'env')].map(
        // kustomize's "key=path" names the data key; the file is what follows the first "=".
        (f): [KustomizeRole, unknown] => ['data', typeof f === 'string' ? f.slice(f.indexOf('=') + 1) : f],
      ),
    ),
  ];
  const folder = file === '-' ? '.' : dirname(file);
  return named
    .filter((n): n is [KustomizeRole, string] => typeof n[1] === 'string' && n[1] !== '')
    .map(([role, p]) => ({ role, path: resolve(folder, p) }));
}

function decode(bytes: Buffer): { text: string; validUtf8: boolean } {
  // UTF-16 with its BOM (Windows PowerShell 5.1's `>`): kubectl reads it (cli-runtime's file visitor
  // decodes with BOMOverride). Judged from its text; never rewritten, as any file not in UTF-8.
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : undefined;
  if (utf16) return { text: new TextDecoder(utf16, { ignoreBOM: true }).decode(bytes), validUtf8: false };
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
      validUtf8: true,
    };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), validUtf8: false };
  }
}

/** The file's bytes as read: --fix --write keeps them outside the changed nodes. */
export function bytesOf(source: SourceFile): Buffer {
  return source.raw ?? Buffer.from(source.text, 'utf8');
}

/** Objects that come from no file (audit's live objects): a source with no text. */
export function sourceWithoutText(file: string): SourceFile {
  return {
    file,
    argument: 0,
    viaSymlink: false,
    text: '',
    validUtf8: true,
    lineCounter: new LineCounter(),
    slices: [],
  };
}

/** A manifest file's text (tests, fixtures): as parseInput, from a string. */
export function parseSource(file: string, text: string, errors: LoadError[], notes: LoadError[] = []) {
  return parseInput({ file, bytes: Buffer.from(text, 'utf8') }, errors, notes);
}

export function parseInput(
  input: { file: string; argument?: number; viaSymlink?: boolean; bytes: Buffer },
  errors: LoadError[],
  notes: LoadError[] = [],
): { source: SourceFile; manifests: Manifest[]; patchFiles: KustomizeFile[] } {
  const { text, validUtf8 } = decode(input.bytes);
  const lineCounter = new LineCounter();
  const source: SourceFile = {
    file: input.file,
    argument: input.argument ?? 0,
    viaSymlink: input.viaSymlink ?? false,
    raw: validUtf8 ? undefined : input.bytes,
    text,
    validUtf8,
    lineCounter,
    slices: [],
  };
  const file = input.file;
  const manifests: Manifest[] = [];
  const patchFiles: KustomizeFile[] = [];
  // The YAML library reads a lone CR (classic Mac line ending) as part of the line, so such a file
  // would parse as one long line and fail somewhere unhelpful, or pass as one comment. Say what it is.
  const loneCr = text.search(/\r(?!\n)/);
  if (loneCr >= 0) {
    errors.push({
      file,
      line: text.slice(0, loneCr).split('\n').length,
      message: 'line ends with a lone carriage return (CR): use LF or CRLF line endings',
    });
    return { source, manifests, patchFiles };
  }
  // kubectl cuts the stream at "---" lines and hands each piece to go-yaml v2, so a directive is
  // left in a piece without its document, and go-yaml refuses the file ("did not find expected
  // <document start>"). A "%" that starts a line is nothing else in a manifest.
  const directive = /^%/m.exec(text);
  if (directive) {
    errors.push({
      file,
      line: text.slice(0, directive.index).split('\n').length,
      message: 'a YAML directive (%YAML, %TAG): kubectl cannot read the file; remove the line',
    });
    return { source, manifests, patchFiles };
  }
  const values = jsonStream(text);
  if (values) {
    lineCounter.addNewLine(0);
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1))
      lineCounter.addNewLine(at + 1);
    // kubectl decodes these with encoding/json: what JSON refuses (a trailing comma, a raw tab in a
    // string, a hex number), the YAML reader would take. Said at the value's line, whole file.
    const parsed: unknown[] = [];
    for (const [start, end] of values) {
      // Before JSON.parse, which recurses once a level (nesting.ts).
      const deep = jsonTooDeep(text, start, end);
      if (deep !== undefined) {
        errors.push({ file, line: lineCounter.linePos(deep).line, message: TOO_DEEP });
        return { source, manifests, patchFiles };
      }
      try {
        parsed.push(JSON.parse(text.slice(start, end)));
      } catch (err) {
        // JSON.parse counts its "at position N" (and Node 24 its line and column) from the value's
        // start, and for some mistakes gives none: said at the file's line instead (json-error.ts).
        const message = (err as Error).message.replace(
          / in JSON at position \d+(?: \(line \d+ column \d+\))?/,
          '',
        );
        errors.push({
          file,
          line: lineCounter.linePos(jsonErrorAt(text, start, end) ?? start).line,
          message: `not valid JSON, which kubectl reads it as: ${message.slice(0, 200)}`,
        });
        return { source, manifests, patchFiles };
      }
    }
    source.jsonStarts = values.map(([start]) => start);
    values.forEach(([start, end], i) => {
      // Slices end where the next value starts, as YAML documents do: --fix joins them back whole.
      const from = i === 0 ? 0 : start;
      const to = values[i + 1]?.[0] ?? end;
      source.slices.push([from, to]);
      const surprises = jsonSurprises(text, start, end, parsed[i]);
      // As for YAML, at the key set again: encoding/json keeps the last value too.
      if (surprises.repeated !== undefined)
        return void errors.push({
          file,
          line: lineCounter.linePos(surprises.repeated).line,
          message: REPEATED_KEY,
        });
      const places = new JsonPlaces(text, start);
      const lineAt = (path: (string | number)[]) => {
        const at = places.offsetOf(path);
        return at === undefined ? undefined : lineCounter.linePos(at).line;
      };
      const { overflow } = surprises;
      judgeValue(parsed[i], i, lineCounter.linePos(start).line, lineAt, () =>
        overflow
          ? {
              line: lineCounter.linePos(overflow.at).line,
              message: `the number ${clip(overflow.literal, 40)} is past a 64-bit float's range, which JSON cannot hold: kubectl refuses the file (encoding/json: cannot unmarshal it into a float64); write a number in range, or quote it if a string is meant`,
            }
          : undefined,
      );
    });
    return { source, manifests, patchFiles };
  }
  const refused = kubectlRefusesText(text);
  if (refused) {
    errors.push({ file, line: text.slice(0, refused.at).split('\n').length, message: refused.message });
    return { source, manifests, patchFiles };
  }
  const composer = new Composer(KUBE_YAML);
  const yamlText = withoutDocumentBoms(text);
  // A BOM read as a blank line is no line of the file: the line counter skips it.
  const addNewLine = (at: number) => {
    if (yamlText[at - 1] === text[at - 1]) lineCounter.addNewLine(at);
  };
  let start = 0;
  let i = 0;
  try {
    for (const doc of composer.compose(tokensWithinDepth(yamlText, addNewLine), true)) {
      const end = doc.range[2];
      source.slices.push([start, end]);
      start = end;
      judgeDocument(doc, i++, yamlText);
    }
  } catch (err) {
    if (!(err instanceof TooDeep)) throw err;
    // The rest of the file is unread: none of it is judged, as for the other whole-file refusals.
    errors.push({ file, line: lineCounter.linePos(err.offset).line, message: err.message });
    manifests.length = 0;
    source.slices.length = 0;
    patchFiles.length = 0;
  }
  return { source, manifests, patchFiles };

  /** A YAML document; `yaml`: the text its ranges index. */
  function judgeDocument(doc: Document.Parsed, i: number, yaml: string): void {
    const linePos = (at: number) => lineCounter.linePos(at);
    const line = linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    const problem = goYamlErrors(doc, yaml)[0];
    if (problem) {
      errors.push({
        file,
        line: linePos(problem.pos[0]).line,
        message:
          yamlMessage(problem.message) +
          (/^Missing closing .quote/.test(problem.message) ? UNINDENTED_QUOTE : '') +
          (/^Flow (map|sequence) in block collection must be sufficiently indented/.test(problem.message)
            ? UNINDENTED_FLOW
            : ''),
      });
      return;
    }
    // A document after "..." with no "---" of its own: kubectl splits at "---" only, and go-yaml
    // decodes the first document of each piece, so this one is never applied.
    if (i > 0 && !doc.directives?.docStart && doc.contents !== null) {
      const marker = text.lastIndexOf('\n...', doc.range[0]);
      errors.push({
        file,
        line: marker < 0 ? line : linePos(marker + 1).line,
        message: `document ${i + 1} follows "..." without a "---": kubectl never applies it; start it with "---"`,
      });
      return;
    }
    let value: unknown;
    try {
      if (excessiveAliasing(doc, yaml)) throw new Error(EXCESSIVE_ALIASING);
      value = documentValue(doc, yaml);
    } catch (err) {
      // An alias bomb (go-yaml's share of aliased nodes) or an alias to no anchor: this document only.
      errors.push({
        file,
        line: linePos(aliasErrorOffset(doc)).line,
        message: `document ${i + 1}: ${yamlMessage((err as Error).message)}`,
      });
      return;
    }
    const lineAt = (path: (string | number)[]) => {
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? linePos(node.range[0]).line : undefined;
    };
    const items = doc.get('items', true);
    if (isSeq(items)) (source.listItems ??= [])[i] = items.items.map((item) => itemSpan(yaml, item));
    judgeValue(value, i, line, lineAt, () => {
      // Only what is judged: other YAML (Compose files, CI pipelines) is not read by kubectl.
      const refused = goYamlRefuses(doc, yaml);
      if (refused) return { line: linePos(refused.at).line, message: refused.message };
      // Before the non-finite numbers: `value` is the spec's reading, and with a merge over a key
      // it may hold a number that kubectl's reading does not. Only a document with "<<" in it can
      // merge keys, or with a `!` tag before an escaped one (`! "\x3c<"`): the rest skip the walk.
      const own = yaml.slice(doc.range[0], doc.range[2]);
      const merge = mayHoldMergeKey(own) ? mergeOverridingKey(doc) : undefined;
      if (merge)
        return {
          line: linePos(merge.offset).line,
          message: `"<<" merges in "${clip(merge.key, 60)}" after the mapping set it: kubectl (go-yaml v2) applies the merged value over it, the YAML 1.1 spec keeps the first; write the key once`,
        };
      const nonFinite = nonFiniteNumber(doc, yaml, value);
      return nonFinite && { line: linePos(nonFinite.at).line, message: nonFinite.message };
    });
  }

  /**
   * One document's value, read from YAML or JSON: skipped, refused, or its objects (a List's
   * items) kept to be judged. `line` is the document's; `lineAt(path)` the line of the part of the
   * document at `path`, when it has one; `refusal()` what kubectl refuses in a document it applies,
   * asked only of those.
   */
  function judgeValue(
    value: unknown,
    i: number,
    line: number,
    lineAt: (path: (string | number)[]) => number | undefined,
    refusal: () => { line: number; message: string } | undefined,
  ): void {
    if (value === null || value === undefined) return; // empty document, e.g. a trailing "---"
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ file, line, message: notAnObject(i + 1) });
      return;
    }
    const object = value as KubeObject;
    const lineOf = (path: (string | number)[], fallback: number) => lineAt(path) ?? fallback;
    /**
     * The line of the nearest node on `path` the document has: a List's items that come through an
     * alias (`items: *anchor`, which kubectl resolves) have no node of their own, and a line 0 is
     * no place (SARIF's startLine and the JSON report's line start at 1): the alias's line it is.
     */
    const nearestLineOf = (path: (string | number)[]): number => {
      for (let n = path.length; n > 0; n--) {
        const found = lineOf(path.slice(0, n), 0); // lines start at 1: 0 is none
        if (found > 0) return found;
      }
      return line;
    };
    if (
      KUSTOMIZATION_FILE.test(basename(file)) ||
      (typeof object.apiVersion === 'string' && object.apiVersion.startsWith('kustomize.config.k8s.io/'))
    )
      patchFiles.push(...kustomizeFiles(object, file));
    // Both written but one empty or no string: meant for the apiserver, which never gets it.
    const untyped =
      'apiVersion' in object && 'kind' in object && itemTypeProblem(object, undefined, 'document');
    if (untyped && untyped.at) {
      errors.push({
        file,
        line: lineOf([untyped.at], line),
        message: `document ${i + 1}: ${untyped.message}`,
      });
      return;
    }
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      // Chart.yaml, values files, arbitrary config: not for the apiserver, so not judged.
      notes.push({
        file,
        line,
        message: `document ${i + 1} skipped: no apiVersion and kind (not a Kubernetes object)`,
      });
      return;
    }
    // kubectl applies the items of any object that has an "items" list, whatever its kind
    // (apimachinery unstructured.go unstructuredJSONScheme.decode looks for the field, then
    // cli-runtime's FlattenListVisitor): a KRM ResourceList's items too, though it is a build file.
    const isList = Array.isArray(object.items);
    if (!isList && BUILD_FILE_GROUPS.test(object.apiVersion)) {
      notes.push({
        file,
        line,
        message: `document ${i + 1} skipped: ${object.kind} (${object.apiVersion}) is a build file`,
      });
      return;
    }
    const refused = refusal();
    if (refused) {
      errors.push({ file, ...refused });
      return;
    }
    /** The object, unless its metadata is what kubectl cannot decode: then an error at its place. */
    const judged = (object: KubeObject, yamlPath: (string | number)[], line: number): void => {
      const bad = metadataProblem(object);
      if (bad) errors.push({ file, line: lineOf([...yamlPath, ...bad.at], line), message: bad.message });
      else manifests.push({ source, document: i + 1, yamlPath, line, object });
    };
    if (isList) {
      // As kubectl flattens (cli-runtime FlattenListVisitor.Visit): the items of a List, and of any
      // List among them, in a queue rather than by recursion; nesting past MAX_LIST_DEPTH (no tool
      // writes that, hostile input may) is refused rather than walked with ever longer paths.
      const lists = [{ list: object, at: [] as (string | number)[], said: '' }];
      for (const { list, at, said } of lists) {
        if (at.length / 2 >= MAX_LIST_DEPTH) {
          errors.push({
            file,
            line: lineOf(at, line),
            message: `${said}Lists nested over ${MAX_LIST_DEPTH} deep: not judged`,
          });
          continue;
        }
        (list.items as unknown[]).forEach((item: unknown, j: number) => {
          const path = [...at, 'items', j];
          const itemLine = nearestLineOf(path);
          const where = `${said}${list.kind} item ${j + 1}`;
          if (!isObject(item)) {
            errors.push({
              file,
              line: itemLine,
              message: `${where}: ${undecodableItem(item, at.length > 0)}`,
            });
            return;
          }
          if (Array.isArray(item.items)) {
            lists.push({ list: item as KubeObject, at: path, said: `${where}: ` });
            return;
          }
          // Only the top document's items are typed from their list (decodeToList).
          const untyped = itemTypeProblem(item as KubeObject, at.length === 0 ? list : undefined);
          if (!untyped) return judged(item as KubeObject, path, itemLine);
          const message = `${where}: ${untyped.message}`;
          if (untyped.at) errors.push({ file, line: lineOf([...path, untyped.at], itemLine), message });
          else notes.push({ file, line: itemLine, message });
        });
      }
      return;
    }
    judged(object, [], line);
  }
}

/** How deep Lists in Lists are flattened: kubectl users write one, a generator two. */
const MAX_LIST_DEPTH = 16;

/** What a value that should be a string is instead, for messages: never "undefined". */
function notAString(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null || value === '') return 'empty';
  if (Array.isArray(value)) return 'a list, not a string';
  if (typeof value === 'object') return 'a map, not a string';
  return `the ${typeof value} ${String(value)}, not a string`;
}

/**
 * Why kubectl cannot type a List's item (or a document that writes both fields, `what`), which check
 * then cannot judge. kubectl types every item
 * (cli-runtime FlattenListVisitor -> mapper.infoForObject -> apimachinery UnstructuredObjectTyper
 * ObjectKinds, which reads kind, then apiVersion, as non-empty strings: "Object 'Kind' is missing",
 * "Object 'apiVersion' is missing"), refuses that item and applies the others: an error at the field
 * (`at`). One exception (apimachinery unstructured.go unstructuredJSONScheme.decodeToList): an item
 * of the document's own List (`typedFrom`) with neither is given the list's apiVersion and its kind
 * less "List" (a PodList's items are Pods); check judges objects as written, so that item is skipped
 * with a note (no `at`), as a top-level document without apiVersion and kind is.
 */
function itemTypeProblem(
  item: KubeObject,
  typedFrom: KubeObject | undefined,
  what: 'item' | 'document' = 'item',
): { at?: string; message: string } | undefined {
  const typed = (v: unknown) => typeof v === 'string' && v !== '';
  if (typed(item.kind) && typed(item.apiVersion)) return undefined;
  const inferred = (typedFrom?.kind ?? '').replace(/List$/, '');
  if (!typed(item.kind) && !typed(item.apiVersion) && inferred !== '')
    return {
      message: `skipped: no apiVersion and kind (kubectl types it as a ${inferred} of ${typedFrom?.apiVersion}, from the ${typedFrom?.kind}; write them on the item for check to judge it)`,
    };
  const field = typed(item.kind) ? 'apiVersion' : 'kind';
  return {
    at: field,
    message: `${field} is ${notAString(item[field])}: kubectl cannot type the ${what} ("Object '${field === 'kind' ? 'Kind' : field}' is missing"), refuses it and applies the others`,
  };
}

/**
 * A List item that is no object: kubectl decodes each item of the document's List into a map
 * (apimachinery unstructuredJSONScheme.decodeToList) and each of a nested List's when it flattens
 * it (Unstructured.EachListItem): a string, number or list fails the whole document, nothing of it
 * applied. A null item of the document's List decodes to an empty object, which it cannot type.
 */
function undecodableItem(item: unknown, nested: boolean): string {
  if ((item === null || item === undefined) && !nested)
    return `empty: kubectl cannot type it ("Object 'Kind' is missing"), refuses it and applies the others`;
  const what =
    item === null || item === undefined
      ? 'empty'
      : Array.isArray(item)
        ? 'a list'
        : `the ${typeof item} ${clip(String(item), 40)}`;
  return `${what}, not an object: kubectl cannot decode the document and applies none of it`;
}

const NAME_FIELDS = ['name', 'generateName', 'namespace'] as const;

/**
 * Metadata kubectl cannot decode into ObjectMeta: no map (an empty `metadata:` is null, and leaves the
 * object without a name), or a name, generateName or namespace that is no string: an unrendered Helm
 * template (`{{ .Values.name }}` reads as a map), a number, a YAML 1.1 boolean (`yes`).
 */
function metadataProblem(object: KubeObject): { at: string[]; message: string } | undefined {
  const { metadata } = object as { metadata?: unknown };
  if (metadata === undefined) return JUDGED_KINDS.has(object.kind ?? '') ? unnamed(object, []) : undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    return {
      at: ['metadata'],
      message: `${object.kind} metadata is ${metadata === null ? 'empty' : `a ${Array.isArray(metadata) ? 'list' : typeof metadata}`}, not a map with its name: kubectl cannot apply it`,
    };
  for (const field of NAME_FIELDS) {
    const value = (metadata as Record<string, unknown>)[field];
    if (value === undefined || value === null || typeof value === 'string') continue;
    const what = shapeOf(value);
    const hint =
      typeof value === 'object'
        ? ' (an unrendered template? render it first, e.g. helm template)'
        : ' (quote it)';
    return {
      at: ['metadata', field],
      message: `${object.kind} metadata.${field} is ${what}, not a string${hint}: kubectl cannot apply it`,
    };
  }
  for (const field of STRING_MAPS) {
    const bad = stringMapProblem(object, field, (metadata as Record<string, unknown>)[field]);
    if (bad) return bad;
  }
  const { name, generateName } = metadata as { name?: string | null; generateName?: string | null };
  if (JUDGED_KINDS.has(object.kind ?? '') && !name && !generateName) return unnamed(object, ['metadata']);
  return undefined;
}

const STRING_MAPS = ['labels', 'annotations'] as const;

/**
 * Labels and annotations are maps of strings (ObjectMeta): an unquoted `true`, `1.0` or `2024-01-01`
 * is a bool, number or timestamp to YAML, and the apiserver refuses the object ("cannot unmarshal
 * number into Go struct field ObjectMeta.metadata.labels of type string"). null reads as "".
 */
function stringMapProblem(
  object: KubeObject,
  field: (typeof STRING_MAPS)[number],
  map: unknown,
): { at: string[]; message: string } | undefined {
  if (map === undefined || map === null) return undefined;
  if (typeof map !== 'object' || Array.isArray(map))
    return {
      at: ['metadata', field],
      message: `${object.kind} metadata.${field} is ${shapeOf(map)}, not a map of strings: kubectl cannot apply it`,
    };
  for (const [key, value] of Object.entries(map)) {
    if (value === null || typeof value === 'string') continue;
    const hint = typeof value === 'object' ? '' : ' (quote it)';
    return {
      at: ['metadata', field, key],
      message: `${object.kind} metadata.${field}[${JSON.stringify(key)}] is ${shapeOf(value)}, not a string${hint}: kubectl cannot apply it`,
    };
  }
  return undefined;
}

/** A value that is no string, as a message names it: "a list", "a map", "the number 1". */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `the ${typeof value} ${String(value)}`;
}

const unnamed = (object: KubeObject, at: string[]) => ({
  at,
  message: `${object.kind} has no metadata.name (nor generateName): the apiserver refuses it ("name or generateName is required"), and the guard could not tell whose it is`,
});

/** The kinds the rules judge or read: a nameless one would be judged as "(unnamed)", wrongly. */
const JUDGED_KINDS = new Set([
  'AIStore',
  'Pod',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StatefulSet',
  'Node',
]);

export async function loadManifests(
  paths: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
  limits: Limits = DEFAULT_LIMITS,
): Promise<Loaded> {
  const loaded: Loaded = { sources: [], manifests: [], errors: [], notes: [] };
  const inputs = await findInputs(paths, loaded.errors, loaded.notes);
  // file -> the kustomization reading it, and as what
  const patchFiles = new Map<string, { by: string; role: KustomizeFile['role'] }>();
  const reader = new Reader(limits, stdin);
  for (const input of inputs) {
    let bytes: Buffer | null;
    try {
      bytes = await reader.read(input, loaded.notes);
    } catch (err) {
      loaded.errors.push({ file: input.file, message: errorReason(err) });
      if (err instanceof InputTooLarge && err.total) break; // the rest would fail too
      continue;
    }
    if (!bytes) continue;
    const parsed = parseInput({ ...input, bytes }, loaded.errors, loaded.notes);
    loaded.sources.push(parsed.source);
    for (const m of parsed.manifests) loaded.manifests.push(m);
    for (const f of parsed.patchFiles) patchFiles.set(f.path, { by: input.file, role: f.role });
  }
  return withoutPatchFiles(loaded, patchFiles);
}

const notAnObject = (document: number) => `document ${document} is not a Kubernetes object`;
const NOT_AN_OBJECT = /^document (\d+) is not a Kubernetes object$/;

/**
 * check --allow-empty (the pre-commit hook, which gets every staged YAML file): a document that is a
 * list or a scalar (a JSON 6902 patch staged without its kustomization, .pre-commit-hooks.yaml, a
 * playbook) holds no object to judge, like a values file: a note, not an input error.
 */
export function nonObjectsAsNotes(loaded: Loaded): Loaded {
  const notes = [...loaded.notes];
  const errors = loaded.errors.filter((e) => {
    const document = NOT_AN_OBJECT.exec(e.message)?.[1];
    if (document === undefined) return true;
    notes.push({
      ...e,
      message: `document ${document} skipped: not a Kubernetes object (a list or a scalar)`,
    });
    return false;
  });
  return { ...loaded, errors, notes };
}

/**
 * A kustomize tree checked as a folder: the files its kustomizations read that are not resources
 * (patches, replacements, generators' data) are no objects kustomize applies, and are left out with
 * a note.
 */
function withoutPatchFiles(
  loaded: Loaded,
  patchFiles: Map<string, { by: string; role: KustomizeFile['role'] }>,
): Loaded {
  if (patchFiles.size === 0) return loaded;
  const read = (file: string) => (file === '-' ? undefined : patchFiles.get(resolve(file)));
  const skipped = new Set<string>();
  const manifests = loaded.manifests.filter((m) => {
    if (!read(m.source.file)) return true;
    skipped.add(m.source.file);
    return false;
  });
  // A JSON 6902 patch (patches[].path, patchesJson6902) and a replacements file may be a list, not
  // an object: no error there (nor in a configuration). Anything else wrong in them (bad YAML) kustomize refuses too. A
  // generator's data is never read as YAML by kustomize: nothing written in it is an error.
  const errors = loaded.errors.filter((e) => {
    const role = read(e.file)?.role;
    // An error without a line is the file's reading (too large, unreadable): said as it is.
    const dropped = role === 'data' ? e.line !== undefined : role && NOT_AN_OBJECT.test(e.message);
    if (!dropped) return true;
    skipped.add(e.file);
    return false;
  });
  for (const file of skipped) {
    const { by, role } = read(file)!;
    loaded.notes.push({
      file,
      message:
        role === 'patch'
          ? `skipped: a kustomize patch listed by ${by}, not an object on its own (check the output of \`kustomize build\` to judge what is applied)`
          : role === 'replacements'
            ? `skipped: replacements that ${by} reads, not an object kustomize applies`
            : role === 'data'
              ? `skipped: data of a ConfigMap or Secret that ${by} generates, not an object kustomize applies`
              : `skipped: a configuration of kustomize itself that ${by} reads, not an object kustomize applies`,
    });
  }
  return { ...loaded, manifests, errors };
}

/**
 * The document documentAt parsed last. The reports ask for a line per finding, object after object:
 * a List is one document holding all its objects, and parsed again for each finding it cost N
 * parses of an N-item document (review checkfix34: 1,000 denied claims in a List, 2 min 15 s of
 * text report). One document is kept, not one per file: memory stays that of the largest document.
 */
let recent: { source: SourceFile; document: number; found: ReturnType<typeof parseAt> } | undefined;

function parseAt(source: SourceFile, document: number) {
  const slice = source.slices[document - 1];
  if (!slice) return undefined;
  return {
    doc: parseDocument(withoutDocumentBoms(source.text.slice(slice[0], slice[1])), KUBE_YAML),
    offset: slice[0],
  };
}

/** A document's text on its own, parsed again: for line numbers and --fix; only the last one kept. */
export function documentAt(
  source: SourceFile,
  document: number,
): { doc: Document.Parsed; offset: number } | undefined {
  if (recent?.source !== source || recent.document !== document)
    recent = { source, document, found: parseAt(source, document) };
  return recent.found;
}

/** Lines of one document's parts, the last document asked kept (as documentAt keeps its parse). */
let recentLines: { source: SourceFile; document: number; lineAt: LineAt } | undefined;
type LineAt = (path: (string | number)[]) => number | undefined;

function linesOf(source: SourceFile, document: number): LineAt | undefined {
  if (recentLines?.source === source && recentLines.document === document) return recentLines.lineAt;
  const jsonStart = source.jsonStarts?.[document - 1];
  let lineAt: LineAt | undefined;
  if (jsonStart !== undefined) {
    const places = new JsonPlaces(source.text, jsonStart);
    lineAt = (path) => {
      const at = places.offsetOf(path);
      return at === undefined ? undefined : source.lineCounter.linePos(at).line;
    };
  } else {
    const items = source.listItems?.[document - 1];
    lineAt = (path) => {
      const span = items && path[0] === 'items' && typeof path[1] === 'number' ? items[path[1]] : undefined;
      if (span) return listItemLines(source, span)(path.slice(2));
      const found = documentAt(source, document);
      if (!found) return undefined;
      const node = found.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? source.lineCounter.linePos(found.offset + node.range[0]).line : undefined;
    };
  }
  recentLines = { source, document, lineAt };
  return lineAt;
}

/**
 * An item of a YAML List, where it starts and ends and at which column: its text parsed again
 * alone gives the same nodes at the same places (an alias or a merge inside it names an anchor
 * outside, which getIn never follows either). Parsing the whole List again for a finding's line
 * doubled the time of `kubectl get pods -A -o yaml | ais-guard check -` (a 52 MB List of 10,000 Pods:
 * 77 s, where -o json, which asks no lines, took 36 s). Undefined (the whole document is parsed
 * again) for an item with anything but "- " and blanks before it on its line, or with no node.
 */
function itemSpan(text: string, item: unknown): ItemSpan | undefined {
  const range = (item as { range?: [number, number, number] } | null)?.range;
  if (!range) return undefined;
  const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1;
  if (!/^[ -]*$/.test(text.slice(lineStart, range[0]))) return undefined;
  return { start: range[0], end: range[1], column: range[0] - lineStart };
}

/** The item parsed last: a report asks for its findings' lines one after another. */
let recentItem: { source: SourceFile; span: ItemSpan; lineAt: LineAt } | undefined;

function listItemLines(source: SourceFile, span: ItemSpan): LineAt {
  if (recentItem?.source === source && recentItem.span === span) return recentItem.lineAt;
  // Spaces up to its column, so that its lines keep their indentation relative to the first.
  const padded = ' '.repeat(span.column) + source.text.slice(span.start, span.end);
  const doc = parseDocument(padded, KUBE_YAML);
  const offset = span.start - span.column;
  const lineAt: LineAt = (path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? source.lineCounter.linePos(offset + node.range[0]).line : undefined;
  };
  recentItem = { source, span, lineAt };
  return lineAt;
}

/** The line a JSON pointer points at inside a manifest, or the nearest existing parent's line. */
export function lineOf(manifest: Manifest, pointer: string): number {
  const segments = pointerSegments(pointer);
  const lineAt = linesOf(manifest.source, manifest.document);
  if (!lineAt) return manifest.line;
  for (let n = segments.length; n > 0; n--) {
    const line = lineAt([...manifest.yamlPath, ...segments.slice(0, n)]);
    if (line !== undefined) return line;
  }
  return manifest.line;
}
