// YAML read as Kubernetes reads it. kubectl and the apiserver turn YAML into JSON with go-yaml v2
// (sigs.k8s.io/yaml), which speaks YAML 1.1: `yes`, `on` and `y` are true, `0644` is octal, and
// `<<: *anchor` merges a mapping in. Read as YAML 1.2, `hostNetwork: yes` was the string "yes" and a
// target that kubectl would deploy on the host network passed `check`.
//
// Two YAML 1.1 types of the yaml library are left out, since go-yaml v2 has neither: an unquoted
// timestamp stays a string (go-yaml decodes it into an interface{} as the text), and `1:20` is a
// string, not the base-60 number 80. And a float needs a digit before its exponent, as go-yaml's
// yamlStyleFloat does: `e1`, `e-0` (node or CR names) are strings to kubectl, not 10 and -0.
import {
  Composer,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  YAMLParseError,
  type YAMLError,
} from 'yaml';
import { TooDeep, tokensWithinDepth } from './nesting.js';
import type {
  Alias,
  Node,
  DocumentOptions,
  YAMLMap,
  Pair,
  ParseOptions,
  Scalar,
  ScalarTag,
  SchemaOptions,
  Tags,
  ToStringOptions,
  YAMLSeq,
} from 'yaml';

const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

const FLOAT = 'tag:yaml.org,2002:float';
const INT = 'tag:yaml.org,2002:int';
/** go-yaml v2 resolve.go yamlStyleFloat: a digit before any exponent, no hex, no inf/nan. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseInt(s, 0, 64) (and ParseUint) take: a sign, then 0b, 0o, 0x, 0 (octal) or decimal. */
const GO_INT = /^([-+]?)(?:0[bB]([01]+)|0[oO]([0-7]+)|0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$/;

/**
 * The number go-yaml v2 reads a plain scalar as, or undefined for a string: resolve.go resolve().
 * Starting with a digit or a sign (hints 'D' and 'S'), the text loses EVERY underscore first
 * (`plain := strings.Replace(in, "_", "", -1)`), wherever it stands (0_x1F41 is 0x1F41, +_51081 is
 * +51081, 51081e0_0 is 51081e00); then strconv.ParseInt(plain, 0, 64), ParseUint(plain, 0, 64),
 * and, if yamlStyleFloat matches, ParseFloat (an overflow to Inf is an error there: a string).
 * Starting with "." (hint '.'), ParseFloat of the text as it is. The inf/nan words come before
 * this (resolveMap) and are left to the YAML 1.1 tag that reads them.
 */
export function goYamlNumber(text: string): number | undefined {
  return goYamlNumeric(text)?.value;
}

/** Digits of 2^64 - 1 in each base, and how BigInt reads a number in it. */
const MAX_DIGITS: Record<number, number> = { 2: 64, 8: 22, 10: 20, 16: 16 };
const PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 10: '', 16: '0x' };

/**
 * goYamlNumber, and whether go-yaml takes the number as an int (ParseInt, or ParseUint: `uint`) or a
 * float.
 */
function goYamlNumeric(text: string): { value: number; int: boolean; uint?: true } | undefined {
  // Starting with ".": ParseFloat of the text as written, whose underscores may only stand between
  // digits (strconv atof.go readFloat, underscoreOK): .5_0 is 0.5, ._5 a string.
  if (text.startsWith('.'))
    return /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/.test(text)
      ? { value: Number(text.replace(/_/g, '')), int: false }
      : undefined;
  if (!/^[-+0-9]/.test(text)) return undefined;
  const plain = text.replace(/_/g, '');
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, bin, oct, hex, octal, dec] = int;
    const [digits, radix] =
      bin !== undefined
        ? [bin, 2]
        : oct !== undefined
          ? [oct, 8]
          : hex !== undefined
            ? [hex, 16]
            : octal !== undefined
              ? [octal, 8]
              : [dec ?? '', 10];
    // More digits than 2^64 has are no int (and BigInt's parse of a few hundred thousand would be slow).
    const significant = digits.replace(/^0+/, '') || '0';
    if (significant.length <= MAX_DIGITS[radix]!) {
      const value = BigInt(`${PREFIX[radix]}${significant}`);
      // ParseInt: int64; ParseUint (no sign): up to 2^64-1. Past that, on to the float test.
      if (sign === '-' ? value <= 2n ** 63n : value < 2n ** 63n)
        return { value: Number(sign === '-' ? -value : value), int: true };
      if (!sign && value < 2n ** 64n) return { value: Number(value), int: true, uint: true };
    }
  }
  if (!YAML_STYLE_FLOAT.test(plain)) return undefined;
  const float = Number(plain);
  return Number.isFinite(float) ? { value: float, int: false } : undefined;
}

/**
 * The one tag that reads go-yaml's numbers (goYamlNumber). Its test is that function, so the yaml
 * library also quotes on output exactly the strings go-yaml would read as numbers.
 */
class GoNumberText extends RegExp {
  constructor() {
    super('^[-+.0-9]');
  }
  override test(text: string): boolean {
    return goYamlNumber(text) !== undefined;
  }
}
const GO_NUMBER: ScalarTag = {
  tag: INT,
  format: 'GO',
  default: true,
  test: new GoNumberText(),
  resolve: (text: string) => goYamlNumber(text) ?? text,
};

const BINARY = 'tag:yaml.org,2002:binary';
/** Tags go-yaml v2 does not look at on a collection: `!!set {a}` is a map, `!!omap [a: 1]` a list. */
const IGNORED_COLLECTION_TAGS = new Set(['tag:yaml.org,2002:set', 'tag:yaml.org,2002:omap']);

/**
 * go-yaml v2 decodes a !!binary scalar into the string of its bytes (decode.go scalar, Go's
 * base64.StdEncoding, which skips line breaks), and that string is what kubectl sends: no byte array.
 */
const GO_BINARY: ScalarTag = {
  tag: BINARY,
  identify: () => false, // never chosen to write a value: none is a byte array
  resolve(text: string, onError: (message: string) => void) {
    const base64 = text.replace(/[\r\n]/g, '');
    if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
      onError('!!binary value contains invalid base64 data (kubectl refuses it)');
      return text;
    }
    return Buffer.from(base64, 'base64').toString('utf8');
  },
};

type GoTag = 'bool' | 'int' | 'float' | 'null' | 'str';

/** A scalar's text as a refusal quotes it: one line, not a page. */
const clip = (text: string, max: number) =>
  (text.length > max ? `${text.slice(0, max)}…` : text).replace(/\r?\n/g, '\\n');

/** go-yaml v2's word table (resolve.go resolveMap): these texts, plain or under a core tag. */
const GO_WORDS = new Map<string, { tag: GoTag; value: unknown }>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (w) => [w, { tag: 'bool' as const, value: true }] as const,
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (w) => [w, { tag: 'bool' as const, value: false }] as const,
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((w) => [w, { tag: 'null' as const, value: null }] as const),
  ...['.nan', '.NaN', '.NAN'].map((w) => [w, { tag: 'float' as const, value: NaN }] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map(
    (w) => [w, { tag: 'float' as const, value: Infinity }] as const,
  ),
  ...['-.inf', '-.Inf', '-.INF'].map((w) => [w, { tag: 'float' as const, value: -Infinity }] as const),
]);

/**
 * A scalar under an explicit core tag (`!!int 0x1F90`, `!!bool "yes"`), as go-yaml v2 reads it
 * (resolve.go resolve with a tag): its text, quoted or not, is read as a plain one would be (the word
 * table, then a number; never a timestamp), and what that is must be the tag's type, a float tag
 * taking an int too; anything else is go-yaml's refusal. The yaml library read `!!int 0x1F90` as 0
 * and `!!int 0644` as no number, so a target's hostPort kubectl applies as 8080 was judged absent.
 */
const goExplicit = (tag: Exclude<GoTag, 'str'>): ScalarTag => ({
  tag: `tag:yaml.org,2002:${tag}`,
  identify: () => false, // read only: values are written by the schema's own tags
  resolve(text: string, onError: (message: string) => void) {
    const numeric = GO_WORDS.has(text) ? undefined : goYamlNumeric(text);
    const read = GO_WORDS.get(text) ??
      (numeric && { tag: numeric.int ? ('int' as const) : ('float' as const), value: numeric.value }) ?? {
        tag: 'str' as const,
        value: text,
      };
    // A float tag takes an int, but not one only ParseUint reads (resolve's deferred check converts
    // int and int64 only).
    if (read.tag === tag || (tag === 'float' && read.tag === 'int' && !numeric?.uint)) return read.value;
    onError(`cannot decode !!${read.tag} \`${clip(text, 40)}\` as a !!${tag} (kubectl refuses it)`);
    return text;
  },
});
const GO_EXPLICIT = (['bool', 'int', 'float', 'null'] as const).map(goExplicit);

/**
 * go-yaml v2's timestamps (resolve.go parseTimestamp, allowedTimestampFormats: Go layouts
 * "2006-1-2T15:4:5.999999999Z07:00", the same with "t", "2006-1-2 15:4:5.999999999", "2006-1-2"):
 * one- or two-digit fields, a fraction after "." or ",", one or more spaces where the layout has one,
 * and each field in its range, as time.Parse checks them.
 */
const GO_TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(?:Z|[-+](\d\d):(\d\d))| +(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?)?$/;

function isGoTimestamp(text: string): boolean {
  const m = GO_TIMESTAMP.exec(text);
  if (!m) return false;
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day] = [n(1), n(2), n(3)];
  const [hour, minute, second] = m[4] !== undefined ? [n(4), n(5), n(6)] : [n(9), n(10), n(11)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  // time.Parse: each field in its range; a zone offset up to 24 hours and 60 minutes.
  return (
    days !== undefined &&
    day >= 1 &&
    day <= days &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    n(7) <= 24 &&
    n(8) <= 60
  );
}

/**
 * `!!timestamp`: the text, as go-yaml decodes a timestamp into the untyped value kubectl reads (decode.go
 * scalar keeps the text, for backward compatibility), if it is one; else go-yaml's refusal.
 */
const GO_EXPLICIT_TIMESTAMP: ScalarTag = {
  tag: TIMESTAMP,
  identify: () => false,
  resolve(text: string, onError: (message: string) => void) {
    if (!isGoTimestamp(text))
      onError(`cannot decode \`${clip(text, 40)}\` as a !!timestamp (kubectl refuses it)`);
    return text;
  },
};

/**
 * The YAML 1.1 schema as go-yaml v2 reads it: GO_EXPLICIT and GO_EXPLICIT_TIMESTAMP read the
 * scalars under an explicit core tag (first, so the library picks them for `!!int` and the rest);
 * GO_NUMBER reads every number; the library's own int and float tags are kept for writing numbers
 * only (no test), but for the inf/nan one, which resolveMap has too. !!binary is GO_BINARY; !!set
 * and !!omap are left out, so the library reads them as the plain map and list go-yaml makes of them
 * (not a JS Set or Map, which are {} as JSON).
 */
const goYamlTags = (tags: Tags): Tags => [
  ...GO_EXPLICIT,
  GO_EXPLICIT_TIMESTAMP,
  GO_NUMBER,
  GO_BINARY,
  ...tags
    .filter((t) => typeof t === 'string' || (t.tag !== TIMESTAMP && t.format !== 'TIME'))
    .filter((t) => typeof t === 'string' || (!IGNORED_COLLECTION_TAGS.has(t.tag) && t.tag !== BINARY))
    .map((t): Tags[number] => {
      if (typeof t === 'string' || !isScalarTag(t)) return t;
      if ((t.tag !== INT && t.tag !== FLOAT) || t.test?.source.includes('inf')) return t;
      return { ...t, test: undefined };
    }),
];

const isScalarTag = (t: Exclude<Tags[number], string>): t is ScalarTag =>
  !('collection' in t && t.collection);

/**
 * A string go-yaml v2 reads back as the same string when written plain, whatever the yaml library
 * (YAML 1.1 too, but not go-yaml's) would say: a name (a letter first, no flow indicators, no ":"
 * but between words), an absolute path, or a quantity with its unit (1Ti, 500m); never one of the
 * number forms Go's strconv takes (0o17 is 15 to it). Any other string, key or value, is written
 * double-quoted.
 */
const PLAIN_SAFE =
  /^(?:[A-Za-z][A-Za-z0-9._/=-]*(?::[A-Za-z0-9._/=-]+)*|\/[A-Za-z0-9._/=-]*|[0-9]+(?:\.[0-9]+)?(?:[KMGTPE]i|[kMGTPEm]))$/;

/** go-yaml folds these into spaces even inside double quotes: written as YAML escapes they survive. */
const YAML_BREAK_ESCAPES: Record<string, string> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };

/** A value as YAML 1.1 text that kubectl (go-yaml v2) reads back as exactly this value. */
export function stringifyForKube(value: unknown, options: ToStringOptions = {}): string {
  // merge: false, or a "<<" key of the value would be written as a merge key.
  const doc = new Document(value, { version: '1.1', merge: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string' || PLAIN_SAFE.test(node.value)) return;
      node.type = 'QUOTE_DOUBLE';
      // The YAML 1.1 schema writes the merge key's text plain, whatever the type; with the str tag
      // it is written `!!str "<<"`, a plain key to go-yaml (decode.go isMerge: implicit or !!merge).
      if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
    },
  });
  return doc
    .toString({ lineWidth: 0, ...options })
    .replace(/[\u0085\u2028\u2029]/g, (c) => YAML_BREAK_ESCAPES[c]!);
}

export const KUBE_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: goYamlTags,
  // The library compares each key of a mapping with every key before it: a ConfigMap of 20,000 keys
  // took 3.6 s to read, 50,000 over 20 s. goYamlErrors finds keys set twice in one pass instead.
  uniqueKeys: false,
  prettyErrors: false,
  // The library's runtime warnings (a key that is a list or a map gets stringified) would reach the
  // user as Node's multi-line process warning; such a key is no Kubernetes field either way.
  logLevel: 'error',
};

/**
 * go-yaml v2's alias budget (decode.go unmarshal, allowedAliasRatio), which kubectl applies: it counts
 * every node it decodes, those it decodes again through an alias apart, and refuses the document
 * ("document contains excessive aliasing") once more than 100 of over 1,000 are through aliases and
 * their share passes 99% (up to 400,000 nodes), falling to 10% at 4,000,000. The yaml library's own
 * limit counts alias uses, not what they expand to: its default (100) refused a PV List that repeats
 * one anchor per disk, and any higher one lets a few kilobytes expand to millions of nodes that a
 * deep copy (--fix) then makes. Counted on the syntax tree, each subtree's size once. Given `text`
 * (what the document's ranges index), a document with no "*" in it, so no alias, is not walked.
 */
export function excessiveAliasing(doc: Document, text?: string): boolean {
  if (text !== undefined && doc.range && !mayHoldText(text, doc.range, '*')) return false;
  const target = aliasResolver(doc);
  const sizes = new Map<unknown, number>();
  const counting = new Set<unknown>();
  // go-yaml counts the document node too.
  let decoded = 1;
  let aliased = 0;
  let refused = false;
  const allowed = (n: number) =>
    n <= 400_000 ? 0.99 : n >= 4_000_000 ? 0.1 : 0.99 - (0.89 * (n - 400_000)) / 3_600_000;
  // It checks after every node: its allowed share falls with the count, so plain nodes after the
  // aliases can tip a document over too.
  const check = () => {
    if (aliased > 100 && decoded > 1000 && aliased / decoded > allowed(decoded)) refused = true;
  };
  // The nodes decoding `node` makes, counted once per subtree (an anchor's repeats cost a lookup).
  const size = (node: unknown): number => {
    if (isAlias(node)) return 1 + size(target(node));
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // go-yaml: "anchor 'a' value contains itself"; counting it would never end.
    if (counting.has(node)) throw new Error(`anchor ${anchorOf(node)} contains an alias of itself`);
    counting.add(node);
    let n = 1;
    for (const child of decodedChildren(node)) n += size(child);
    counting.delete(node);
    sizes.set(node, n);
    return n;
  };
  // Document order, as go-yaml decodes.
  const walk = (node: unknown): void => {
    if (refused || node === null || node === undefined) return;
    decoded += 1;
    if (isAlias(node)) {
      const more = size(target(node));
      decoded += more;
      aliased += more;
    }
    check();
    if (!isAlias(node)) for (const child of decodedChildren(node)) walk(child);
  };
  walk(doc.contents);
  return refused;
}

/** Whether a document's text (`own`) may hold a merge key: "<<", or a `!` tag before an escaped one. */
export const mayHoldMergeKey = (own: string): boolean => own.includes('<<') || own.includes('!');

/** Whether text[from, to) has `what`: a "*" starts every alias. */
function mayHoldText(text: string, [from, , to]: readonly [number, number, number], what: string): boolean {
  // A slice, not indexOf from `from`: that would read on to the end of a long stream when none is here.
  return text.slice(from, to).includes(what);
}

/** What an alias names: a node, or undefined for an anchor no node before it sets. */
export type AliasTarget = (alias: Alias) => Scalar | YAMLMap | YAMLSeq | undefined;

/**
 * Every alias of `doc` resolved in one walk of it. The library's Alias.resolve(doc) walks the whole
 * document for each alias it is asked about, so a PV List that merges one anchor per disk took a
 * minute to read (review: aliases times document size). As YAML defines it, and as Alias.resolve
 * finds it, an alias names the latest node before it (in document order, the anchored collection
 * before its own contents) that sets its anchor; an anchor set again takes over from there on.
 */
export function aliasResolver(doc: Document): AliasTarget {
  const latest = new Map<string, Scalar | YAMLMap | YAMLSeq>();
  const targets = new Map<Alias, Scalar | YAMLMap | YAMLSeq | undefined>();
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (node.anchor) latest.set(node.anchor, node);
    },
  });
  // An alias outside the document (none of our callers has one) is left to the library.
  return (alias) => (targets.has(alias) ? targets.get(alias) : alias.resolve(doc));
}

const anchorOf = (node: unknown): string => {
  const anchor = isMap(node) || isSeq(node) ? node.anchor : undefined;
  return anchor ? `'${anchor}'` : 'value';
};

/**
 * The nodes go-yaml decodes under a collection node: a mapping's keys and values, but for a merge
 * ("<<") neither its key nor the sequence of a merge list, only what it merges (decode.go mapping,
 * merge).
 */
function* decodedChildren(node: unknown): Generator<unknown> {
  if (isSeq(node)) yield* node.items;
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isMergeKey(pair.key)) {
      yield pair.key;
      yield pair.value;
    } else if (isSeq(pair.value)) yield* pair.value.items;
    else yield pair.value;
  }
}

/** The message kubectl gives for such a document. */
export const EXCESSIVE_ALIASING = 'document contains excessive aliasing (kubectl refuses it)';

/**
 * The yaml library's alias limit, off: excessiveAliasing applies go-yaml's own first. Its values
 * share each anchor's object (no copy), so nothing is expanded before that.
 */
export const MAX_ALIAS_COUNT = -1;

/**
 * What a document reads as: its toJS, each alias's node found in one walk first. The library finds an
 * alias's anchor by scanning every anchor and alias before it, one scan per alias: 40,000 aliases of
 * one anchor (200 KB) took 10 s, a megabyte of them minutes. Each alias that names a node is swapped
 * for that node while the document converts, then put back: the same value, with the anchor's value
 * converted again at each alias (as go-yaml decodes it again) where the library shared one object. An
 * alias that names no node stays, and the conversion throws as before; so does one inside the node it
 * names (go-yaml: "anchor 'a' value contains itself"), which swapped would be a cycle. Keys are left
 * to the library, aliases in them too: swapped in, the node of `&m <<` would make `*m :` a merge
 * (go-yaml merges only a key written `<<`), and a key's text would show the node, not `*k`.
 */
export function documentValue(doc: Document, text?: string): unknown {
  const own = text !== undefined && doc.range ? text.slice(doc.range[0], doc.range[2]) : undefined;
  const putBack: (() => void)[] = [];
  try {
    if (own === undefined || mayHoldMergeKey(own)) mergesAsGoYaml(doc, putBack);
    if (own !== undefined && !own.includes('*')) return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    const target = aliasResolver(doc);
    const open = new Set<unknown>(); // the collections the walk is inside
    /** `node` if it is no alias (its children walked), or the node its alias names, with the swap noted. */
    const resolved = (node: unknown, restore: () => void): unknown => {
      if (!isAlias(node)) {
        walk(node);
        return node;
      }
      const found = target(node);
      if (found === undefined) return node;
      if (open.has(found)) throw new Error(`anchor ${anchorOf(found)} contains an alias of itself`);
      putBack.push(restore);
      return found;
    };
    // The aliases in their own places only: a swapped-in node is walked where it stands in the document.
    // A sequence's items may be pairs (!!pairs, !!omap).
    const walk = (node: unknown): void => {
      if (isPair(node)) {
        const { value } = node;
        node.value = resolved(value, () => (node.value = value));
      } else if (isSeq(node) || isMap(node)) {
        open.add(node);
        if (isSeq(node))
          node.items.forEach((item, i) => (node.items[i] = resolved(item, () => (node.items[i] = item))));
        else for (const pair of node.items) walk(pair);
        open.delete(node);
      }
    };
    const contents = doc.contents;
    doc.contents = resolved(contents, () => (doc.contents = contents)) as typeof contents;
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } finally {
    for (const restore of putBack) restore();
  }
}

/**
 * The document's "<<" made what go-yaml v2 takes them for, until `putBack` is run. go-yaml merges at a
 * key "<<" untagged and plain, tagged `!` in any style (its parser takes `!` for no tag: `! "<<"` too),
 * or tagged !!merge (decode.go isMerge); the library merges at a plain one only, whatever its tag. So
 * `!!str <<: *base` is a key named "<<" to kubectl, and `! "<<": {hostNetwork: true}` a merge: each is
 * retyped (plain merges, quoted does not). A merge symbol as a value is its text to go-yaml. A merge
 * of an alias that names a sequence is go-yaml's refusal ("map merge requires map or sequence of maps
 * as the value"), where the library merged the sequence's maps.
 */
function mergesAsGoYaml(doc: Document, putBack: (() => void)[]): void {
  let target: AliasTarget | undefined;
  visit(doc, {
    Pair(_, pair) {
      const { key, value } = pair;
      if (isMergeKey(key) && isAlias(value) && isSeq((target ??= aliasResolver(doc))(value)))
        throw new Error('map merge requires map or sequence of maps as the value (kubectl refuses it)');
      if (!isScalar(key) || key.value !== '<<') return;
      const type = key.type;
      const merges = key.tag === '!';
      if (merges === (type === 'PLAIN')) return; // read as go-yaml reads it already
      key.type = merges ? 'PLAIN' : 'QUOTE_DOUBLE';
      putBack.push(() => (key.type = type));
    },
    Scalar(at, node) {
      const { value } = node;
      if (at === 'key' || typeof value !== 'symbol') return;
      node.value = node.source ?? '<<';
      putBack.push(() => (node.value = value));
    },
  });
}

/** A parser's message as one line, without the "at line L, column C:" its pretty form adds. */
export function yamlMessage(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
}

/**
 * The one YAML (or JSON) value of a small file a flag names (plan's disk map, serve's config), as
 * YAML 1.2 (our own formats, not Kubernetes objects). A syntax or alias error is thrown as one line
 * with its place, `<where>:<line>: <message>`, the way `check` reports a broken manifest.
 */
export function readYamlValue(text: string, where: string): unknown {
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    // parseAllDocuments, but refusing a nest past go-yaml's depth before it is built (nesting.ts).
    // Keys set twice are found below in one pass (the library's own check is quadratic in a map's keys:
    // a disk map of 25,000 nodes took 9 s).
    const composer = new Composer({ prettyErrors: false, logLevel: 'error', uniqueKeys: false });
    docs = Array.from(composer.compose(tokensWithinDepth(text, (at) => lines.addNewLine(at))));
  } catch (err) {
    if (!(err instanceof TooDeep)) throw err;
    throw new Error(`${where}:${lines.linePos(err.offset).line}: ${err.message}`, { cause: err });
  }
  // The first mistake by its place in the text: a key set twice (the library's own check being off)
  // or another. The library named them in the order it met them, which differs only where it finds a
  // collection's tag wrong after its keys (`!!set` with values and a key twice: now the tag).
  const problem = docs.flatMap((d) => d.errors)[0];
  const repeated = docs.map(firstRepeatedKey).find((at) => at !== undefined);
  if (repeated !== undefined && (problem === undefined || repeated < problem.pos[0]))
    throw new Error(`${where}:${lines.linePos(repeated).line}: Map keys must be unique`);
  if (problem)
    throw new Error(`${where}:${lines.linePos(problem.pos[0]).line}: ${yamlMessage(problem.message)}`);
  // A "---" before or after the one value (an empty or comment-only document) is no second value:
  // kubectl skips such documents too. Two values are the user's to merge, said in their terms.
  const values = docs.filter(
    (d) => !(d.contents === null || (isScalar(d.contents) && d.contents.source === '')),
  );
  const second = values[1];
  if (second)
    throw new Error(
      `${where}:${lines.linePos(second.range[0]).line}: a second YAML document starts here: the file holds one YAML document (drop the "---" between them and merge the two)`,
    );
  const doc = values[0] ?? parseDocument('', { logLevel: 'error' });
  // Keys are names (of nodes, of settings): one the parser takes for a number (010, 1e3) or a boolean
  // would silently become another name ("10", "1000").
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value === 'string') return;
      const at = lines.linePos(key.range?.[0] ?? 0).line;
      throw new Error(`${where}:${at}: key ${key.source ?? String(key.value)} is not a string: quote it`);
    },
  });
  // An overflowing number (1e400, which YAML 1.2 reads as Infinity) or .inf/.nan fits no size, port
  // or count of these files, and JSON has no form for it: refused at its place, not judged as a value.
  const infinite = firstNonFinite(doc);
  if (infinite) {
    const text = infinite.source ?? String(infinite.value);
    throw new Error(
      `${where}:${lines.linePos(infinite.range?.[0] ?? 0).line}: ${text} is ${String(infinite.value)}, which JSON cannot hold and no setting of this file takes: write a finite number, or quote it if a string is meant`,
    );
  }
  try {
    if (excessiveAliasing(doc, text)) throw new Error(EXCESSIVE_ALIASING);
    // An alias to no anchor fails here, not in the parse.
    return documentValue(doc, text);
  } catch (err) {
    const at = aliasErrorOffset(doc);
    throw new Error(`${where}:${lines.linePos(at).line}: ${yamlMessage((err as Error).message)}`, {
      cause: err,
    });
  }
}

/**
 * Where the first key set twice in a map is, as the library's own check finds them (a scalar key of
 * the same value; KUBE_YAML says why that check is off), in one pass over each map's keys.
 */
function firstRepeatedKey(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // NaN is no value equal to itself: two .nan keys are two keys to the library.
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        const at = key.range?.[0] ?? 0;
        if (seen.has(key.value) && (first === undefined || at < first)) first = at;
        seen.add(key.value);
      }
    },
  });
  return first;
}

/**
 * A merge key as go-yaml v2 takes one (decode.go isMerge): a plain `<<` untagged, one tagged `!` in
 * any style, or one tagged !!merge. The schema resolves the first and the last to the merge symbol; a
 * quoted "<<" (any key of a JSON object) is an ordinary key, and so is a plain one with another tag
 * (mergesAsGoYaml has the library read each as go-yaml does).
 */
const isMergeKey = (key: unknown): boolean => {
  if (isScalar(key) && key.value === '<<') return key.tag === '!';
  const value = isScalar(key) ? key.value : key;
  return typeof value === 'symbol' && value.description === '<<';
};
const keyText = (key: unknown): string | undefined =>
  isScalar(key) && typeof key.value !== 'symbol' ? String(key.value) : undefined;

/** The keys a `<<` with this value merges in: its sources', theirs merged in included. */
function mergedKeys(value: unknown, target: AliasTarget, depth = 0): Set<string> {
  const keys = new Set<string>();
  if (depth > 20) return keys; // the alias count limit refuses such a document anyway
  for (const source of isSeq(value) ? value.items : [value]) {
    const map = isAlias(source) ? target(source) : source;
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      const own = keyText(pair.key);
      if (!isMergeKey(pair.key)) {
        if (own !== undefined) keys.add(own);
      } else for (const key of mergedKeys(pair.value, target, depth + 1)) keys.add(key);
    }
  }
  return keys;
}

/** The keys a mapping gets from its `<<` merges, not its own. */
export function keysMergedInto(map: YAMLMap, doc: Document): Set<string> {
  const keys = new Set<string>();
  const merges = map.items.filter((pair) => isMergeKey(pair.key));
  if (merges.length === 0) return keys; // no walk of the document for a mapping without one
  const target = aliasResolver(doc);
  for (const pair of merges) for (const key of mergedKeys(pair.value, target)) keys.add(key);
  return keys;
}

/**
 * The first `<<` that merges in a key its mapping already set, by an explicit key or an earlier
 * `<<`: `{a: 1, <<: {a: 2}}`. YAML 1.1 (and this library) keep the first; go-yaml v2, which kubectl
 * uses, applies each `<<` in document order over what came before, through the merge source's own
 * merges too (decode.go (*decoder).mapping and merge), so the apiserver gets 2. The guard would
 * judge another object than the one applied, so such input is refused.
 */
export function mergeOverridingKey(doc: Document): { key: string; offset: number } | undefined {
  let found: { key: string; offset: number } | undefined;
  const target = aliasResolver(doc);
  visit(doc, {
    Map(_, map) {
      const set = new Set<string>();
      for (const pair of map.items) {
        if (!isMergeKey(pair.key)) {
          const key = keyText(pair.key);
          if (key !== undefined) set.add(key);
          continue;
        }
        const merged = mergedKeys(pair.value, target);
        const key = [...merged].find((k) => set.has(k));
        if (key !== undefined) {
          found = { key, offset: (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0 };
          return visit.BREAK;
        }
        for (const k of merged) set.add(k);
      }
      return undefined;
    },
  });
  return found;
}

/** A problem found in the text, at an offset of it. */
export interface TextProblem {
  at: number;
  message: string;
}

/**
 * What kubectl refuses in a YAML stream before any document is parsed:
 * - a character go-yaml v2's reader refuses anywhere, quoted or not (readerc.go
 *   yaml_parser_update_buffer, "control characters are not allowed"): C0 controls but tab, LF and CR;
 *   DEL; C1 controls but NEL (U+0093/U+0094 are smart quotes mis-decoded); U+FFFE and U+FFFF.
 * - content after "---" on a separator line: apimachinery util/yaml decoder.go (*YAMLReader).Read
 *   allows only blanks and a "# comment" there ("invalid Yaml document separator"), though
 *   `--- {a: 1}`, `--- !!map` and `--- &a` are valid YAML to the yaml library.
 * And what kubectl reads otherwise than the yaml library could:
 * - NEL, LS, PS: line breaks to go-yaml, text to the library. A field after an LS in a comment is
 *   applied by kubectl and unseen by the library; the value of a quoted or block scalar with one, and
 *   where documents split, differ too. Pasted from a web page or a chat, invisible in most editors,
 *   and never needed: refused with its place, the fix a real line break (or \L, \P, \N in quotes).
 */
export function kubectlRefusesText(text: string): TextProblem | undefined {
  const control = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return {
      at: control.index,
      message: `a control character (U+${code}): kubectl (go-yaml) cannot read the file; remove it or write it as an escape in double quotes`,
    };
  }
  // A BOM anywhere but at the start or right after a "---" line: go-yaml keeps it in the text, so
  // kubectl sends a key such as "\uFEFFapiVersion" or refuses the file (review last22, checked with
  // kubectl create --dry-run=client); the yaml library would skip some of them.
  for (const m of text.matchAll(/\uFEFF/g))
    if (m.index > 0 && !/\n---[^\n]*\n$/.test(text.slice(Math.max(0, m.index - 200), m.index)))
      return {
        at: m.index,
        message:
          'a byte-order mark inside the file: kubectl keeps it in the text (a key such as "\\uFEFFapiVersion", or a parse error); remove it',
      };
  const goBreak = GO_YAML_ONLY_BREAK.exec(text);
  if (goBreak)
    return {
      at: goBreak.index,
      message: `a ${NAME[goBreak[0]]}: a line break to kubectl (go-yaml), not to check's reader, so the two would read the file differently; make it a real line break (in a double-quoted value, the escape \\${goBreak[0] === '\u0085' ? 'N' : goBreak[0] === '\u2028' ? 'L' : 'P'})`,
    };
  for (const m of text.matchAll(/^---([^\n]*)/gm)) {
    const rest = m[1]!.trim();
    if (rest !== '' && !rest.startsWith('#'))
      return {
        at: m.index,
        message: `content on a "---" line: kubectl refuses it ("invalid Yaml document separator"); put it on the next line`,
      };
  }
  return undefined;
}

/**
 * The text with a UTF-8 BOM right after a "---" line read as a blank line (same length, so every
 * offset holds). kubectl's YAMLReader hands each piece between "---" lines to go-yaml as a stream of
 * its own, and go-yaml's reader (readerc.go yaml_parser_determine_encoding) skips a BOM at a stream's
 * start only: anywhere else (after a comment or a blank line too) it stays in the text, as the yaml
 * library keeps it ("\uFEFFapiVersion"; kubectl v1.32 sends that key, checked with kubectl create
 * --dry-run=client). Files joined with `echo ---; cat f` carry one when f was saved "UTF-8 with BOM".
 */
export function withoutDocumentBoms(text: string): string {
  // A "---" on the first line is no break to the YAMLReader (nothing is buffered yet): its BOM stays.
  return text.includes('\uFEFF') ? text.replace(/(?<=\n)(---[^\n]*\n)\uFEFF/g, '$1\n') : text;
}

/** The escapes go-yaml v2 takes in a double-quoted scalar (scannerc.go yaml_parser_scan_flow_scalar). */
const GO_YAML_ESCAPES = new Set([...'0abt\tnvfre "\'\\N_LPxuU\r\n']);

/**
 * What go-yaml v2 refuses in a document the yaml library reads, `text` being what its ranges index:
 * - a tab where go-yaml wants indentation: at a line's start or after a block sequence's "-"
 *   (scannerc.go yaml_parser_scan_to_next_token eats a tab only in flow context or where no simple
 *   key may start), outside a flow collection and a multi-line scalar;
 * - an escape YAML 1.1 does not have, in double quotes: `\/` (JSON's) is "found unknown escape
 *   character" to go-yaml.
 */
export function goYamlRefuses(doc: Document, text: string): TextProblem | undefined {
  const [from, , to] = doc.range ?? [0, 0, text.length];
  // Most documents have neither: no walk of their nodes then (check reads 10,000s of them).
  if (!/[\t\\]/.test(text.slice(from, to))) return undefined;
  const exempt: [number, number][] = [];
  let escape: TextProblem | undefined;
  visit(doc, {
    Scalar(_, node) {
      if (!node.range) return;
      exempt.push([node.range[0], node.range[1]]);
      if (node.type !== 'QUOTE_DOUBLE' || escape) return;
      const raw = text.slice(node.range[0], node.range[1]);
      for (const m of raw.matchAll(/\\([\s\S])/g))
        if (!GO_YAML_ESCAPES.has(m[1]!)) {
          escape = {
            at: node.range[0] + m.index,
            message: `unknown escape "\\${m[1]}" in a double-quoted value: kubectl (go-yaml, YAML 1.1) refuses it; write the character itself`,
          };
          break;
        }
    },
    Map(_, node) {
      if (node.flow && node.range) exempt.push([node.range[0], node.range[1]]);
    },
    Seq(_, node) {
      if (node.flow && node.range) exempt.push([node.range[0], node.range[1]]);
    },
  });
  // Not a "---" or "..." line with trailing blanks: the YAMLReader takes it as a separator.
  for (const m of text.slice(from, to).matchAll(/^(?!(?:---|\.\.\.)[ \t]*\r?$) *(?:- *)*\t/gm)) {
    const at = from + m.index + m[0].length - 1;
    if (!exempt.some(([a, b]) => a <= at && at < b))
      return {
        at,
        message: 'a tab where kubectl (go-yaml) wants indentation: indent with spaces',
      };
  }
  return escape;
}

/** The first scalar read as a number that is not finite (Infinity, -Infinity, NaN), if any. */
function firstNonFinite(doc: Document): Scalar | undefined {
  let found: Scalar | undefined;
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'number' || Number.isFinite(node.value)) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Why kubectl refuses a non-finite number: .inf, -.Inf, .nan (go-yaml resolveMap) are floats to
 * go-yaml, and sigs.k8s.io/yaml YAMLToJSON then fails in encoding/json Marshal ("json: unsupported
 * value: +Inf"). (A number past a float64's range is no float to go-yaml: plain, it is the string
 * "1e400", as GO_NUMBER reads it; under !!float or !!int, GO_EXPLICIT refuses it as go-yaml does.)
 */
function nonFiniteMessage(node: Scalar): string {
  const text = node.source ?? String(node.value);
  return `${text} is ${String(node.value)}, which JSON cannot hold: kubectl refuses the file; quote it if a string is meant`;
}

/**
 * A number JSON has no form for in a Kubernetes object (nonFiniteMessage says why kubectl refuses
 * it), given the document's value: one that a merge brings in under a key the mapping sets again is
 * not in the value, and kubectl reads that file. Only a document with an inf or nan word or a tag is
 * walked.
 */
export function nonFiniteNumber(doc: Document, text: string, value: unknown): TextProblem | undefined {
  const [from, , to] = doc.range ?? [0, 0, text.length];
  // A tag ("!") may spell the word with escapes (`!!float "\x2einf"`).
  if (!/\.(?:inf|nan)|!/i.test(text.slice(from, to))) return undefined;
  const path = nonFinitePath(value);
  if (!path) return undefined;
  // Its node where the path names one; through an alias or a merge, the first such node of the text.
  const at = doc.getIn(path, true);
  const found = isScalar(at) ? at : firstNonFinite(doc);
  return found && { at: found.range?.[0] ?? 0, message: nonFiniteMessage(found) };
}

/** Where a document's value first holds Infinity, -Infinity or NaN (aliases make it a DAG). */
function nonFinitePath(value: unknown, seen = new Set<object>()): (string | number)[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [];
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  for (const [key, item] of Object.entries(value)) {
    const rest = nonFinitePath(item, seen);
    if (rest) return [Array.isArray(value) ? Number(key) : key, ...rest];
  }
  return undefined;
}

/**
 * Where an alias error belongs: the alias that names no anchor, else (an alias bomb, an anchor
 * containing itself) where the document's value starts.
 */
export function aliasErrorOffset(doc: Document): number {
  let at = doc.contents?.range?.[0] ?? 0;
  const target = aliasResolver(doc);
  visit(doc, {
    Alias(_, alias) {
      if (target(alias) !== undefined || !alias.range) return undefined;
      at = alias.range[0];
      return visit.BREAK;
    },
  });
  return at;
}

/**
 * go-yaml v2's line breaks that are text to the yaml library (YAML 1.2 breaks lines at LF and CR
 * only): NEL, LS and PS (yamlprivateh.go is_break), everywhere: in a comment, between tokens, in a
 * scalar. A file with one is refused (kubectlRefusesText), not read two ways.
 */
const GO_YAML_ONLY_BREAK = /[\u0085\u2028\u2029]/;

const NAME: Record<string, string> = {
  '\u0085': 'U+0085 (NEXT LINE)',
  '\u2028': 'U+2028 (LINE SEPARATOR)',
  '\u2029': 'U+2029 (PARAGRAPH SEPARATOR)',
};

/** What go-yaml lets a "#" comment follow with no blank between, where the library wants one. */
const COMMENT_MAY_FOLLOW = new Set(['\n', ',', '[', '{']);

/**
 * The yaml library's errors in a document, but those go-yaml v2 has no counterpart for where the
 * library's reading is otherwise right (`text`: what the document's ranges index):
 * - "Comments must be separated from other tokens by white space characters" for a "#" at a line's
 *   start inside a multi-line flow collection (a line commented out by an editor, `sed 's/^/#/'`):
 *   a line break separates it, and go-yaml skips a comment after any break, in flow context too
 *   (scannerc.go yaml_parser_scan_to_next_token). The comment is read as one all the same.
 * - the same error for a "#" right after a flow indicator that starts the next token's place: ","
 *   "[" "{" (`{a: "1",#note` then `b: "2"}` on the next line): go-yaml eats a comment wherever a
 *   token may start, no blank needed there (the same function); the library reads it as a comment
 *   too, the value the same as go-yaml's (sigs.k8s.io/yaml v1.4.0 YAMLToJSON: {"a":"1","b":"2"}).
 *   Where the comment swallows a closing bracket (`{a: 1,#c}`), the library's other errors stay,
 *   as go-yaml's "did not find expected node content" does (review fix26).
 * (Other flow layouts go-yaml takes, which checks no indentation in flow context
 * (yaml_parser_unroll_indent), the library mis-reads, not only refuses: they stay errors.)
 */
export function goYamlErrors(doc: Document, text: string): YAMLError[] {
  const errors = [...doc.errors];
  // The first key set again, and the first kubectl cannot read, among the library's errors where
  // its own check would have said them: before the first that comes later in the text. Callers say
  // the first error only.
  for (const problem of keyProblems(doc, text)) {
    const at = errors.findIndex((e) => e.pos[0] > problem.pos[0]);
    errors.splice(at < 0 ? errors.length : at, 0, problem);
  }
  return errors.filter(
    (e) =>
      !(
        e.code === 'MISSING_CHAR' &&
        e.message.startsWith('Comments must be separated') &&
        text[e.pos[0]] === '#' &&
        COMMENT_MAY_FOLLOW.has(text[e.pos[0] - 1] ?? '')
      ),
  );
}

/**
 * What check says of a key set twice in one mapping. kubectl reads such a file and applies the
 * last value (sigs.k8s.io/yaml and encoding/json keep the last; test/yaml-oracle), but the YAML spec
 * and kustomize (kyaml) refuse it and a reader of the file may well take the first: check refuses it
 * too, rather than judge one of two objects.
 */
export const REPEATED_KEY =
  'a key set twice in one mapping: kubectl applies the last value, but the YAML spec and kustomize refuse the file; write the key once';

/**
 * What check says of a mapping key kubectl's reader cannot make a JSON key of: go-yaml refuses an
 * empty one ("did not find expected key"), sigs.k8s.io/yaml a null or a collection ("invalid map
 * key"), so kubectl reads nothing of the file (review check47; test/yaml-oracle).
 */
export const UNREADABLE_KEY =
  'a mapping key that is null (nothing before the ":", ~ or null) or a list or mapping: kubectl refuses the file; write the key as a name (quoted, if it is the word null)';

/**
 * The first key (in the text) set again in its mapping, where the yaml library's own check (off in
 * KUBE_YAML) reported it: REPEATED_KEY at the key set again, keys equal when both are scalars of one
 * value (by ===, so never NaN; a merge key `<<` is a new symbol each time); and the first key kubectl
 * cannot read (UNREADABLE_KEY). One pass over the nodes (a walk of our own: it runs on every
 * document, and the library's visit costs several times as much), a set of values per large mapping.
 */
function keyProblems(doc: Document, text: string): YAMLError[] {
  let repeated: number | undefined;
  let unreadable: number | undefined;
  const judgeKey = (pair: Pair) => {
    const bad = unreadableKeyAt(pair, doc, text);
    if (bad !== undefined && (unreadable === undefined || bad < unreadable)) unreadable = bad;
  };
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else if (isSeq(node))
      for (const item of node.items) {
        if (isPair(item)) judgeKey(item); // !!pairs, !!omap: go-yaml reads their items as mappings
        walk(item);
      }
    else if (isMap(node)) {
      const at = repeatedKeyIn(node.items);
      if (at !== undefined && (repeated === undefined || at < repeated)) repeated = at;
      for (const pair of node.items) {
        judgeKey(pair);
        walk(pair);
      }
    }
  };
  walk(doc.contents);
  return [
    ...(repeated === undefined
      ? []
      : [new YAMLParseError([repeated, repeated + 1], 'DUPLICATE_KEY', REPEATED_KEY)]),
    ...(unreadable === undefined
      ? []
      : [new YAMLParseError([unreadable, unreadable + 1], 'NON_STRING_KEY', UNREADABLE_KEY)]),
  ];
}

/**
 * Where a pair's key is one kubectl cannot read (UNREADABLE_KEY): absent, null or a collection, also
 * through an alias. A key of nothing but a tag (`!!str : 1`, `!x : 1`) is the tagged empty string to
 * go-yaml, which the library reads as null: kubectl takes it, but for the tags that cannot be empty
 * (review fix47).
 */
function unreadableKeyAt(pair: Pair, doc: Document, text: string): number | undefined {
  const node = pair.key as Node | null;
  const key: unknown = isAlias(node) ? node.resolve(doc) : node;
  const at = node?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
  if (key === null || key === undefined || isMap(key) || isSeq(key)) return at;
  if (!isScalar(key) || key.value !== null) return undefined;
  if (node === key && node.range?.[1] === at) {
    const before = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
    // go-yaml resolves an empty !!null, !!int, !!bool, !!float or !!timestamp to null and refuses it.
    const tag = /(!\S*)\s*$/.exec(before)?.[1];
    if (tag !== undefined && !/^!!(?:null|int|bool|float|timestamp)$/.test(tag)) return undefined;
  }
  return at;
}

/** Where a mapping's first key set again is (a later repeat comes later in the text), if any. */
function repeatedKeyIn(items: readonly Pair[]): number | undefined {
  // Most mappings are small: comparing with the keys before costs less than building a set.
  const seen = items.length > 8 ? new Set<string>() : undefined;
  for (let i = 0; i < items.length; i++) {
    const node = items[i]!.key;
    const key = jsonKey(node);
    if (key === undefined) continue;
    if (seen ? seen.has(key) : keyBefore(items, i, key)) return (node as Scalar).range?.[0] ?? 0;
    seen?.add(key);
  }
  return undefined;
}

/**
 * A scalar key as the JSON key kubectl makes of it (sigs.k8s.io/yaml YAMLToJSON: a number or a boolean
 * as its text), or undefined for one no other equals (a merge key, NaN, a collection). So `1:` and
 * `"1":` are one key set twice: go-yaml keeps both, and which one kubectl sends depends on Go's map
 * order, a different one from run to run. (Such a twin that a `<<` merges in is not looked for.)
 */
function jsonKey(key: unknown): string | undefined {
  if (!isScalar(key) || isMergeKey(key)) return undefined;
  const value = key.value;
  if (typeof value === 'string') return value;
  return typeof value === 'symbol' || Number.isNaN(value) ? undefined : String(value);
}

/** Whether a scalar key of items before the i-th is `key` (jsonKey). */
function keyBefore(items: readonly Pair[], i: number, key: string): boolean {
  for (let j = 0; j < i; j++) if (jsonKey(items[j]!.key) === key) return true;
  return false;
}
