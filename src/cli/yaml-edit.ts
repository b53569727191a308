// Applies one JSON Patch operation to a YAML document's text by editing only the text of the node
// it changes: the rest of the document (comments, quoting, YAML 1.1 scalars such as 0644, big
// integers, line endings) stays byte for byte. The yaml library supplies the node ranges; values
// the patch brings in are rendered in YAML 1.1 (what Kubernetes reads), so a string like "0644" or
// "on" is quoted. Whatever it cannot do exactly it refuses (EditError) rather than guess.
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Node, type Pair } from 'yaml';
import { goYamlErrors, keysMergedInto, KUBE_YAML, stringifyForKube } from '../k8s/yaml.js';
import type { PatchOperation } from '../policy/index.js';
import { blockScalarAtEnd } from './eof-readings.js';
import { pointerSegments } from './pointer.js';
import { cutFlowEntry, skipGap } from './yaml-gaps.js';

export class EditError extends Error {}

type Range = [number, number, number];
type Collection = { items: unknown[]; flow?: boolean; range?: Range | null };

const isCollectionValue = (v: unknown) =>
  typeof v === 'object' && v !== null && Object.keys(v as object).length > 0;

/**
 * A value as YAML 1.1 text to splice in. A flow collection or a lone scalar must take one line: the
 * library folds a string with a line break over several lines, indented for a document of its own,
 * and spliced into a nested position those lines are read at the wrong indentation (a flow sequence
 * under a block key lost the keys after it). JSON (double-quoted strings, escapes) is one line and
 * reads back the same. Block collections are indented line by line by the caller.
 */
function render(value: unknown, style: 'block' | 'flow'): string {
  const text = stringifyForKube(value, { blockQuote: false, collectionStyle: style }).replace(/\n$/, '');
  const oneLine = style === 'flow' || !isCollectionValue(value);
  return oneLine && text.includes('\n') ? jsonText(value) : text;
}

/** JSON.stringify with the characters go-yaml takes for line breaks escaped (valid JSON and YAML). */
const jsonText = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** A value as JSON on one line, spaced as flow YAML is usually written: {"a": 1, "b": [1, 2]}. */
function json(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(json).join(', ')}]`;
  if (typeof value !== 'object' || value === null) return jsonText(value);
  return `{${Object.entries(value)
    .map(([k, v]) => `${jsonText(k)}: ${json(v)}`)
    .join(', ')}}`;
}

/** A flow map whose keys are all double-quoted (all JSON), or no keys at all. */
const quotedKeys = (node: unknown) =>
  isMap(node) &&
  node.flow === true &&
  node.items.every((p) => isScalar(p.key) && p.key.type === 'QUOTE_DOUBLE');

export function applyOperation(text: string, base: (string | number)[], op: PatchOperation): string {
  const doc = parseDocument(text, KUBE_YAML);
  const problem = goYamlErrors(doc, text)[0];
  if (problem) throw new EditError(problem.message.split('\n')[0]);
  // The line ending most of the document's lines have: one CRLF line pasted into an LF file (or
  // the reverse) does not decide how every added line ends.
  const crlf = text.split('\r\n').length - 1;
  const eol = crlf > 0 && crlf * 2 >= text.split('\n').length - 1 ? '\r\n' : '\n';
  // A JSON document must stay JSON: plain YAML put into it (volumeName: pv-1) made a .json file
  // invalid. So in a document that is a flow map with JSON keys, and in any flow map with JSON keys
  // of its own, keys and values go in as JSON; elsewhere in flow style they go in as plain YAML.
  const jsonDocument = quotedKeys(doc.contents);
  const flowText = (value: unknown, collection: unknown) =>
    jsonDocument || ((collection as Collection).items.length > 0 && quotedKeys(collection))
      ? json(value)
      : render(value, 'flow');
  const path = [...base, ...pointerSegments(op.path)];
  if (path.length === 0) throw new EditError('a patch of the whole document');
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1]!;
  // getIn stops at an alias. An edit there would change what its anchor shares (every place that
  // names it), so it is refused, naming the alias.
  let parent: unknown = doc.contents;
  /** Whether a collection around the parent is a flow one: no block entry may go inside it. */
  let inFlow = false;
  for (const segment of parentPath) {
    if (isAlias(parent)) break;
    inFlow ||= (parent as Collection | null)?.flow === true;
    parent = isMap(parent) || isSeq(parent) ? parent.get(segment, true) : undefined;
  }
  if (isAlias(parent))
    throw new EditError(
      `${op.path} is reached through the alias *${parent.source}: the edit would also change what the anchor &${parent.source} shares; write that part out without the anchor`,
    );

  const lineStart = (pos: number) => text.lastIndexOf('\n', pos - 1) + 1;
  const lineEndAfter = (pos: number) => {
    if (pos > 0 && text[pos - 1] === '\n') return pos;
    const i = text.indexOf('\n', pos);
    return i < 0 ? text.length : i + 1;
  };
  const column = (pos: number) => pos - lineStart(pos);
  const aloneOnLine = (pos: number) => text.slice(lineStart(pos), pos).trim() === '';
  const splice = (from: number, to: number, insert: string) => text.slice(0, from) + insert + text.slice(to);
  /**
   * The text may end without a line break: load.ts ends a document's slice before its last one when
   * the last value is null ("selector:"), and fix.ts puts that break back after the edited slice. An
   * edit keeps the text ending as it did, or that break shows up as a blank line.
   */
  const noFinalBreak = text.length > 0 && !text.endsWith('\n');
  /** Lines to insert at a line start: each indented and ended by the file's line ending (before them at an unended end). */
  const lines = (rendered: string, first: string, rest: string, at: number) => {
    const body = rendered
      .split('\n')
      .map((l, i) => (i === 0 ? first : rest) + l)
      .join(eol);
    return noFinalBreak && at === text.length ? eol + body : body + eol;
  };
  /**
   * A block scalar the text ends in without a final line break (eof-readings.ts): kubectl reads it
   * with that break, kustomize without. Nothing goes after it, which would give both readings the
   * break: an entry is added before the last entry of its mapping instead (mappings have no order);
   * an item appended to a list after it is refused.
   */
  const unendedScalar = noFinalBreak ? blockScalarAtEnd(text, doc) : undefined;
  const insertLines = (at: number, inserted: string) => {
    if (unendedScalar && at === text.length)
      throw new EditError(
        `${op.path} would go after the block scalar ending the file without a line break, which kubectl reads with a line break at its end and kustomize without, and a list keeps its order: end the file with a line break`,
      );
    return splice(at, at, inserted);
  };
  /** Whole lines from..to cut out; at an unended end, the line break before them goes instead of theirs. */
  const cutLines = (from: number, to: number) =>
    noFinalBreak && to === text.length && from > 0
      ? splice(from - (text[from - 2] === '\r' ? 2 : 1), to, '')
      : splice(from, to, '');
  /** The text from..(a line end) replaced by a line, ended like the text it replaces. */
  const putLine = (from: number, to: number, line: string) =>
    splice(from, to, line + (text[to - 1] === '\n' ? eol : ''));
  const rangeOf = (node: unknown): Range => {
    const r = (node as Node | null)?.range;
    if (!r) throw new EditError(`no source position for ${op.path}`);
    return r;
  };
  /**
   * Where a node's own text ends. A block collection's range runs on over the comment lines after
   * its last entry, whatever their indentation, up to the next content (yaml 2.x): edits that cut,
   * replaced or appended up to there took the user's comments with them or went in after them
   * (review check47). Its last entry's end is its own.
   */
  const contentEnd = (node: unknown): number => {
    if ((isMap(node) || isSeq(node)) && !node.flow) {
      const lastItem: unknown = node.items[node.items.length - 1];
      if (isPair(lastItem)) return lastItem.value ? contentEnd(lastItem.value) : rangeOf(lastItem.key)[1];
      if (lastItem) return contentEnd(lastItem);
    }
    return rangeOf(node)[1];
  };
  /**
   * Where a removed entry's lines end, given where its content ends, so that the comments after it stay
   * (contentEnd). But where a block scalar (|, >) ends right before the entry, those comments come
   * to follow it, and one indented as deep as its text is its text (review fix47: the comment after
   * a removed affinity became part of the container's command): such lines go with the entry, up to
   * the first that is neither blank nor such a comment.
   */
  const removedEnd = (contentEndAt: number, from: number): number => {
    const end = lineEndAfter(contentEndAt);
    const indent = blockScalarIndentBefore(from);
    if (indent === undefined) return end;
    let cut = end;
    for (let at = end; at < text.length;) {
      // The line starting at `at` (lineEndAfter of a line's start is that start).
      const newline = text.indexOf('\n', at);
      const next = newline < 0 ? text.length : newline + 1;
      const line = text.slice(at, next);
      if (line.trim() === '') {
        at = next;
        continue;
      }
      if (!line.trimStart().startsWith('#') || line.length - line.trimStart().length < indent) break;
      cut = at = next;
    }
    return cut;
  };
  /** The text indentation of a block scalar (|, >) that ends right before `pos`, if one does. */
  const blockScalarIndentBefore = (pos: number): number | undefined => {
    let indent: number | undefined;
    visit(doc, {
      Scalar(_, n) {
        const [from, end] = n.range ?? [];
        if (
          (n.type !== 'BLOCK_LITERAL' && n.type !== 'BLOCK_FOLDED') ||
          from === undefined ||
          end === undefined ||
          end > pos ||
          text.slice(end, pos).trim() !== ''
        )
          return undefined;
        // Its first line of text after the header sets it; an empty one takes any line deeper than
        // the header's (what it is the value of).
        const leading = (l: string) => l.length - l.trimStart().length;
        const body = text
          .slice(lineEndAfter(from), end)
          .split('\n')
          .find((l) => l.trim() !== '');
        indent = body === undefined ? leading(text.slice(lineStart(from), from)) + 1 : leading(body);
        return visit.BREAK;
      },
    });
    return indent;
  };
  /** Entry `index` of a flow collection removed, with one comma (yaml-gaps.ts). */
  const cutFlow = (collection: unknown, ends: number[], index: number) => {
    const out = cutFlowEntry(text, rangeOf(collection)[0], ends, index);
    if (out === undefined) throw new EditError(`cannot remove ${op.path} in place`);
    return out;
  };
  /** A scalar's text without the line break a block scalar (|, >) ends with: a value put in its place leaves it. */
  const scalarRange = (node: unknown): [number, number] => {
    const [from, to] = rangeOf(node);
    let end = to;
    while (end > from && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    return [from, end];
  };

  /**
   * An empty flow collection alone on its line ("{}" or "[]" under a key), what removing a block
   * collection's last entry writes (an empty block collection would read as null): its text to the
   * line end, where an entry added next goes back in block style at its indentation. Else the add
   * wrote a flow line the user never had (review fix26: remove podAntiAffinity then add nodeAffinity
   * turned a block `affinity:` into `{ nodeAffinity: { ... } }`).
   */
  const emptyFlowLine = (collection: unknown): [number, number] | undefined => {
    if (jsonDocument || inFlow || (collection as Collection).items.length > 0) return undefined;
    const [from, to] = rangeOf(collection);
    const end = lineEndAfter(to);
    return aloneOnLine(from) && text.slice(to, end).trim() === '' ? [from, end] : undefined;
  };
  /** `rendered` (block lines) in place of the empty flow collection's line: the first line after its indentation. */
  const putBlock = ([from, end]: [number, number], rendered: string, first: string, rest: string) =>
    putLine(
      from,
      end,
      rendered
        .split('\n')
        .map((l, i) => (i === 0 ? first : rest) + l)
        .join(eol),
    );

  /**
   * The comment closing the line of a key whose whole value is rewritten (`annotations: # none yet`,
   * `labels: {}  # later`): it is the user's, and stays on that line, with the blanks before it as
   * written when no value stood between (they align it with the comments around it), else one.
   */
  const keyLineComment = (pair: Pair<Node, Node | null>): string | undefined => {
    const keyEnd = rangeOf(pair.key)[1];
    const lineEnd = lineEndAfter(keyEnd);
    const valueRange = pair.value ? rangeOf(pair.value) : undefined;
    const valueEnd = valueRange ? valueRange[1] : keyEnd;
    const from = valueEnd <= lineEnd ? Math.max(keyEnd, valueEnd) : keyEnd;
    const m = /^(?:[ \t]*:)?[ \t]*(#[^\r\n]*)\r?\n?$/.exec(text.slice(from, lineEnd));
    if (!m) return undefined;
    const hash = lineEnd - m[0].length + m[0].indexOf('#');
    if (text[hash - 1] !== ' ' && text[hash - 1] !== '\t') return undefined;
    if (valueRange && valueRange[1] > valueRange[0]) return ` ${m[1]}`;
    let gap = hash;
    while (text[gap - 1] === ' ' || text[gap - 1] === '\t') gap--;
    return text.slice(gap, hash) + m[1];
  };
  /**
   * The key of a pair whose whole value is rewritten, as written (`"annotations":`, `'on':`) up to
   * its ":"; rendered anew, its quotes went. Undefined when no ":" follows it on its line (`? key`).
   */
  const keyAsWritten = (pair: Pair<Node, Node | null>): string | undefined => {
    const [from, to] = rangeOf(pair.key);
    const colon = /^[ \t]*:/.exec(text.slice(to, lineEndAfter(to)));
    return colon ? text.slice(from, to + colon[0].length) : undefined;
  };

  if (isMap(parent)) {
    const key = String(last);
    const items = parent.items as Pair<Node, Node | null>[];
    const index = items.findIndex((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === key);
    const pair = items[index];
    const pairEnd = (p: Pair<Node, Node | null>) => (p.value ? contentEnd(p.value) : rangeOf(p.key)[1]);
    const op2 = op.op === 'add' && pair ? 'replace' : op.op;
    if (op2 === 'add') {
      const emptyLine = emptyFlowLine(parent);
      if (emptyLine) {
        const indent = ' '.repeat(column(emptyLine[0]));
        return putBlock(emptyLine, render({ [key]: op.value }, 'block'), '', indent);
      }
      if (parent.flow) {
        const close = rangeOf(parent)[1] - 1;
        if (text[close] !== '}') throw new EditError(`cannot find the end of the flow map at ${op.path}`);
        const entry = `${flowText(key, parent)}: ${flowText(op.value, parent)}`;
        const lastItem = items[items.length - 1];
        if (!lastItem) return splice(close, close, ` ${entry} `);
        const end = pairEnd(lastItem);
        const lastKey = rangeOf(lastItem.key)[0];
        // Entries one per line (pretty JSON, as kubectl get -o json or jq print it), the last one
        // ending its line: the new one on a line of its own at their column. (After blanks or a
        // comment it goes on that line, before them: one insertion, nothing moved.) Its indent is
        // the last entry's as written, tabs included (JSON indented with tabs).
        if (aloneOnLine(lastKey) && (text.startsWith('\n', end) || text.startsWith('\r\n', end)))
          return splice(end, end, `,${eol}${text.slice(lineStart(lastKey), lastKey)}${entry}`);
        return splice(end, end, `, ${entry}`);
      }
      const lastItem = items[items.length - 1];
      if (!lastItem) throw new EditError(`empty block map at ${op.path}`);
      const at = lineEndAfter(pairEnd(lastItem));
      const indent = ' '.repeat(column(rangeOf(items[0]!.key)[0]));
      const entry = render({ [key]: op.value }, 'block');
      if (unendedScalar && at === text.length) {
        // Before the last entry, from its key's column: on the key's line when a "- " leads it.
        const lastKey = rangeOf(lastItem.key)[0];
        if (!/^ *(?:- +)*$/.test(text.slice(lineStart(lastKey), lastKey)))
          throw new EditError(`cannot add ${op.path} before the last entry of its mapping`);
        const keyIndent = ' '.repeat(column(lastKey));
        return splice(lastKey, lastKey, lines(entry, '', keyIndent, lastKey) + keyIndent);
      }
      return insertLines(at, lines(entry, indent, indent, at));
    }
    if (!pair)
      throw new EditError(
        keysMergedInto(parent, doc).has(key)
          ? `${op.path} comes from a "<<" merge: the edit would change the merged mapping; write the key out in this mapping instead`
          : `${op.path} is not there`,
      );
    const keyStart = rangeOf(pair.key)[0];
    if (op2 === 'remove') {
      if (parent.flow) return cutFlow(parent, items.map(pairEnd), index);
      if (items.length === 1) {
        // The last key: an empty block map would read as null, so the map becomes {}.
        const start = rangeOf(parent)[0];
        return putLine(start, lineEndAfter(pairEnd(pair)), '{}');
      }
      if (aloneOnLine(keyStart))
        return cutLines(lineStart(keyStart), removedEnd(pairEnd(pair), lineStart(keyStart)));
      const next = items[index + 1];
      if (index === 0 && next) return splice(keyStart, rangeOf(next.key)[0], ''); // "- a: 1\n  b: 2"
      throw new EditError(`cannot remove ${op.path} in place`);
    }
    if (op2 === 'replace') {
      const value = pair.value;
      if (isScalar(value) && rangeOf(value)[1] > rangeOf(value)[0] && !isCollectionValue(op.value)) {
        const [from, to] = scalarRange(value);
        return splice(from, to, parent.flow ? flowText(op.value, parent) : render(op.value, 'block'));
      }
      if (parent.flow) {
        if (!value) throw new EditError(`cannot replace ${op.path} in place`);
        return splice(rangeOf(value)[0], rangeOf(value)[1], flowText(op.value, parent));
      }
      if (!aloneOnLine(keyStart)) throw new EditError(`cannot replace ${op.path} in place`);
      const at = lineStart(keyStart);
      const indent = ' '.repeat(column(keyStart));
      const end = lineEndAfter(pairEnd(pair));
      const comment = keyLineComment(pair);
      // The value rendered under a plain one-letter key, which the key as written then replaces.
      const written = keyAsWritten(pair);
      const block = written
        ? written + render({ k: op.value }, 'block').slice('k:'.length)
        : render({ [key]: op.value }, 'block');
      const rendered = comment ? block.replace(/^[^\n]*/, (first) => `${first}${comment}`) : block;
      return text.slice(0, at) + lines(rendered, indent, indent, end).replace(/^\r?\n/, '') + text.slice(end);
    }
    throw new EditError(`unexpected patch operation ${op.op}`);
  }

  if (isSeq(parent)) {
    const items = parent.items as (Node | null)[];
    const index = last === '-' ? items.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > items.length)
      throw new EditError(`${op.path} is not an index of the sequence`);
    const item = items[index];
    const itemRange = (n: Node | null | undefined) => rangeOf(n);
    /**
     * Where item i's "-" is: a block sequence starts with its first; each other one is the first thing
     * after the item before it, past blanks and comments. (Searching back from the item's start for a
     * "-" found one inside an anchor or a comment between the dash and the item: "- &zone-req".)
     */
    const dashOf = (i: number) => {
      const dash = i === 0 ? rangeOf(parent)[0] : skipGap(text, itemRange(items[i - 1])[1]);
      if (text[dash] !== '-') throw new EditError(`cannot find the "-" of ${op.path}`);
      return dash;
    };
    const asItem = (value: unknown, indent: string, at: number) =>
      lines(render(value, 'block'), `${indent}- `, `${indent}  `, at);
    if (op.op === 'add') {
      const emptyLine = emptyFlowLine(parent);
      if (emptyLine) {
        const indent = ' '.repeat(column(emptyLine[0]));
        return putBlock(emptyLine, render(op.value, 'block'), '- ', `${indent}  `);
      }
      if ((parent as Collection).flow) {
        const close = rangeOf(parent)[1] - 1;
        if (text[close] !== ']')
          throw new EditError(`cannot find the end of the flow sequence at ${op.path}`);
        const entry = flowText(op.value, parent);
        if (item) return splice(itemRange(item)[0], itemRange(item)[0], `${entry}, `);
        const lastItem = items[items.length - 1];
        return lastItem
          ? splice(itemRange(lastItem)[1], itemRange(lastItem)[1], `, ${entry}`)
          : splice(close, close, ` ${entry} `);
      }
      if (items.length === 0) throw new EditError(`empty block sequence at ${op.path}`);
      const indent = ' '.repeat(column(dashOf(0)));
      const at = item ? lineStart(dashOf(index)) : lineEndAfter(contentEnd(items[items.length - 1]));
      return insertLines(at, asItem(op.value, indent, at));
    }
    if (!item) throw new EditError(`${op.path} is not there`);
    if (op.op === 'remove') {
      if ((parent as Collection).flow)
        return cutFlow(
          parent,
          items.map((n) => itemRange(n)[1]),
          index,
        );
      if (items.length === 1) return putLine(rangeOf(parent)[0], lineEndAfter(contentEnd(item)), '[]');
      const dash = dashOf(index);
      if (!aloneOnLine(dash)) throw new EditError(`cannot remove ${op.path} in place`);
      return cutLines(lineStart(dash), removedEnd(contentEnd(item), lineStart(dash)));
    }
    if (op.op === 'replace') {
      if (isScalar(item) && itemRange(item)[1] > itemRange(item)[0] && !isCollectionValue(op.value))
        return splice(
          ...scalarRange(item),
          parent.flow ? flowText(op.value, parent) : render(op.value, 'block'),
        );
      if ((parent as Collection).flow)
        return splice(itemRange(item)[0], itemRange(item)[1], flowText(op.value, parent));
      const dash = dashOf(index);
      if (!aloneOnLine(dash)) throw new EditError(`cannot replace ${op.path} in place`);
      const at = lineStart(dash);
      const end = lineEndAfter(contentEnd(item));
      return (
        text.slice(0, at) +
        asItem(op.value, ' '.repeat(column(dash)), end).replace(/^\r?\n/, '') +
        text.slice(end)
      );
    }
    throw new EditError(`unexpected patch operation ${op.op}`);
  }
  throw new EditError(`the parent of ${op.path} is not a map or a sequence`);
}
