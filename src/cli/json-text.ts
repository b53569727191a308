// JSON text as kubectl reads it. Input whose first character is "{" is a stream of JSON values to
// kubectl (apimachinery util/yaml YAMLOrJSONDecoder, GuessJSONStream), each decoded with
// encoding/json, never go-yaml. `check` judges such a value from JSON.parse and finds where its parts
// sit in the text only when a line is asked for, so no YAML syntax tree is built for it: the yaml
// library took ~0.5 s and ~45 MB per MB of JSON (a 17 MB `kubectl get pv -o json`: 8.7 s, 760 MB).
// The functions here read text JSON.parse has already accepted.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON's blanks: space, tab, line feed, carriage return. */
const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function skipBlanks(text: string, at: number): number {
  while (at < text.length && isBlank(text.charCodeAt(at))) at++;
  return at;
}

/** Where the string whose opening quote is at `at` ends (after its closing quote). */
function stringEnd(text: string, at: number): number {
  for (let from = at + 1; ;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let escapes = 0;
    while (text.charCodeAt(quote - 1 - escapes) === BACKSLASH) escapes++;
    if (escapes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The string in [start, end) (its quotes included) as JSON.parse reads it: escapes decoded only when it has one. */
function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** Where the object or array opening at `at` ends (after its bracket), or undefined when it never closes. */
function containerEnd(text: string, at: number): number | undefined {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return undefined;
}

/** Where the value starting at `at` ends: a string, an object, an array, or a literal (number, true, false, null). */
export function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return stringEnd(text, at);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return containerEnd(text, at) ?? text.length;
  let i = at;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (isBlank(d) || d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
    i++;
  }
  return i;
}

/**
 * The [start, end) of each top-level value of a stream of JSON objects one after another (as
 * `jq -c` prints them), when the text is one: kubectl reads input whose first character is "{" as
 * a JSON stream, value after value. One object followed by YAML, or text that is no such stream,
 * is left to the YAML reader (undefined).
 *
 * Between values only JSON's blanks are skipped, as encoding/json skips them: a no-break space or a
 * form feed there is a syntax error to kubectl, which a value's slice then shows JSON.parse (the
 * yaml library refused them too). kubectl drops a BOM that starts the input (cli-runtime's
 * BOMOverride); one anywhere else is no blank either.
 */
export function jsonStream(text: string): [number, number][] | undefined {
  // kubectl takes the input for JSON when "{" follows Go's unicode.IsSpace characters; its decoder
  // then reads the JSON blanks only.
  const first = text.search(/\S/);
  if (text[first] !== '{') return undefined;
  let at = skipBlanks(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (at !== first) return [[at, text.length]]; // a blank JSON does not have: JSON.parse says where
  const values: [number, number][] = [];
  while (at < text.length) {
    // kubectl skips a null between objects (cli-runtime StreamVisitor), as `jq -c` may print one:
    // its own document, which the YAML reader reads as empty.
    if (text.startsWith('null', at) && (at + 4 === text.length || isBlank(text.charCodeAt(at + 4)))) {
      values.push([at, at + 4]);
      at = skipBlanks(text, at + 4);
      continue;
    }
    if (text[at] !== '{') {
      // After one object kubectl reads the rest as YAML ("{...}" then "---"): so does the YAML
      // reader, the whole text. After two or more, the rest is an error to both.
      if (values.length === 1) return undefined;
      values.push([at, text.length]); // not a value: JSON.parse says what it is
      break;
    }
    const end = containerEnd(text, at);
    if (end === undefined) {
      values.push([at, text.length]); // unclosed: JSON.parse says where
      break;
    }
    values.push([at, end]);
    at = skipBlanks(text, end);
  }
  // One closed object, then only blanks: JSON to kubectl too (none of go-yaml's refusals apply).
  return values.length > 1 || (values.length === 1 && at === text.length) ? values : undefined;
}

/** How many member keys `value` holds, all levels; and whether any number in it is not finite. */
function valueFacts(value: unknown): { keys: number; nonFinite: boolean } {
  let keys = 0;
  let nonFinite = false;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) nonFinite = true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const key in v) {
        keys++;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return { keys, nonFinite };
}

/**
 * Where the first key set again in its object sits (its opening quote), keys compared as JSON.parse
 * reads them ("a" and "\u0061" are one key). Asked only when the keys written outnumber those kept.
 */
function repeatedKey(text: string, start: number, end: number): number | undefined {
  // One set of keys per open object; null for an open array.
  const open: (Set<string> | null)[] = [];
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE) open.push(new Set());
    else if (c === OPEN_BRACKET) open.push(null);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) open.pop();
    else if (c === QUOTE) {
      const after = stringEnd(text, i);
      const keys = open[open.length - 1];
      if (keys && text.charCodeAt(skipBlanks(text, after)) === COLON) {
        const key = keyText(text, i, after);
        if (keys.has(key)) return i;
        keys.add(key);
      }
      i = after - 1;
    }
  }
  return undefined;
}

/** The member keys written in the text of one value: strings followed by ":". */
function keysWritten(text: string, start: number, end: number): number {
  let keys = 0;
  for (let i = text.indexOf('"', start); i >= 0 && i < end; i = text.indexOf('"', i)) {
    i = stringEnd(text, i);
    if (text.charCodeAt(skipBlanks(text, i)) === COLON) keys++;
  }
  return keys;
}

/** The first number literal of a value's text that is past float64's range, and where it is. */
function overflowingNumber(
  text: string,
  start: number,
  end: number,
): { at: number; literal: string } | undefined {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i) - 1;
      continue;
    }
    // Outside strings a digit or "-" starts a number; true, false and null hold neither.
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) continue;
    const literalEnd = valueEnd(text, i);
    const literal = text.slice(i, literalEnd);
    if (!Number.isFinite(Number(literal))) return { at: i, literal };
    i = literalEnd - 1;
  }
  return undefined;
}

/**
 * What reading a JSON value with JSON.parse alone would miss, given its text and what JSON.parse
 * made of it:
 * - `repeated`: where a key is set again in its object, which JSON.parse drops silently (the keys
 *   written outnumber the keys kept);
 * - `overflow`: a number past float64's range (1e400), which JSON.parse reads as Infinity and
 *   kubectl refuses (sigs.k8s.io/json decode.go convertNumber: "cannot unmarshal number 1e400 into
 *   Go value of type float64").
 */
export function jsonSurprises(
  text: string,
  start: number,
  end: number,
  value: unknown,
): { repeated?: number; overflow?: { at: number; literal: string } } {
  const facts = valueFacts(value);
  if (keysWritten(text, start, end) !== facts.keys)
    return { repeated: repeatedKey(text, start, end) ?? start };
  const overflow = facts.nonFinite ? overflowingNumber(text, start, end) : undefined;
  return overflow ? { overflow } : {};
}

/**
 * Where the parts of one JSON value sit in its text, found on demand: the offset of the value at a
 * path of keys and indexes. Each object's members and each array's elements are walked once and
 * kept, so the lines of a List's 10,000 items cost one walk of it, not one each.
 */
export class JsonPlaces {
  private readonly members = new Map<number, Map<string, number>>();
  private readonly elements = new Map<number, number[]>();

  constructor(
    private readonly text: string,
    /** Where the value starts (its first character). */
    private readonly start: number,
  ) {}

  /** The offset where the value at `path` starts, or undefined when the value has no such part. */
  offsetOf(path: readonly (string | number)[]): number | undefined {
    let at: number | undefined = this.start;
    for (const segment of path) {
      const c = this.text.charCodeAt(at);
      if (c === OPEN_BRACE) at = this.membersOf(at).get(String(segment));
      else if (c === OPEN_BRACKET) {
        const index =
          typeof segment === 'number' ? segment : /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : -1;
        at = this.elementsOf(at)[index];
      } else return undefined;
      if (at === undefined) return undefined;
    }
    return at;
  }

  private membersOf(at: number): Map<string, number> {
    let found = this.members.get(at);
    if (found) return found;
    found = new Map();
    const text = this.text;
    let i = skipBlanks(text, at + 1);
    while (text.charCodeAt(i) === QUOTE) {
      const keyEnd = stringEnd(text, i);
      const key = keyText(text, i, keyEnd);
      const valueAt = skipBlanks(text, skipBlanks(text, keyEnd) + 1); // past the ":"
      if (!found.has(key)) found.set(key, valueAt);
      i = skipBlanks(text, valueEnd(text, valueAt));
      if (text.charCodeAt(i) !== COMMA) break;
      i = skipBlanks(text, i + 1);
    }
    this.members.set(at, found);
    return found;
  }

  private elementsOf(at: number): number[] {
    let found = this.elements.get(at);
    if (found) return found;
    found = [];
    const text = this.text;
    let i = skipBlanks(text, at + 1);
    while (i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET) {
      found.push(i);
      i = skipBlanks(text, valueEnd(text, i));
      if (text.charCodeAt(i) !== COMMA) break;
      i = skipBlanks(text, i + 1);
    }
    this.elements.set(at, found);
    return found;
  }
}
