// YAML read as Kubernetes reads it. kubectl and the apiserver turn YAML into JSON with go-yaml v2
// (sigs.k8s.io/yaml), which speaks YAML 1.1: `yes`, `on` and `y` are true, `0644` is octal, and
// `<<: *anchor` merges a mapping in. Read as YAML 1.2, `hostNetwork: yes` was the string "yes" and a
// target that kubectl would deploy on the host network passed `check`.
//
// Two YAML 1.1 types of the yaml library are left out, since go-yaml v2 has neither: an unquoted
// timestamp stays a string (go-yaml decodes it into an interface{} as the text), and `1:20` is a
// string, not the base-60 number 80.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, DocumentOptions, ParseOptions, SchemaOptions, Tags } from 'yaml';

const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

const goYamlTags = (tags: Tags): Tags =>
  tags.filter((t) => typeof t === 'string' || (t.tag !== TIMESTAMP && t.format !== 'TIME'));

export const KUBE_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: goYamlTags,
  prettyErrors: false,
  // The library's runtime warnings (a key that is a list or a map gets stringified) would reach the
  // user as Node's multi-line process warning; such a key is no Kubernetes field either way.
  logLevel: 'error',
};

/** Aliases per document before it counts as an alias bomb (the yaml library's own default). */
export const MAX_ALIAS_COUNT = 100;

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
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines, logLevel: 'error' });
  const problem = doc.errors[0];
  if (problem)
    throw new Error(`${where}:${lines.linePos(problem.pos[0]).line}: ${yamlMessage(problem.message)}`);
  try {
    // An alias to no anchor, or one past the alias budget, fails here, not in the parse.
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The place: the alias that names no anchor, else (an alias bomb) where the value starts.
    let at = doc.contents?.range?.[0] ?? 0;
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) !== undefined || !alias.range) return undefined;
        at = alias.range[0];
        return visit.BREAK;
      },
    });
    throw new Error(`${where}:${lines.linePos(at).line}: ${yamlMessage((err as Error).message)}`, {
      cause: err,
    });
  }
}

const isMergeKey = (key: unknown): boolean => {
  const value = isScalar(key) ? key.value : key;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
};
const keyText = (key: unknown): string | undefined =>
  isScalar(key) && typeof key.value !== 'symbol' ? String(key.value) : undefined;

/** The keys a `<<` with this value merges in: its sources', theirs merged in included. */
function mergedKeys(value: unknown, doc: Document, depth = 0): Set<string> {
  const keys = new Set<string>();
  if (depth > 20) return keys; // the alias count limit refuses such a document anyway
  for (const source of isSeq(value) ? value.items : [value]) {
    const map = isAlias(source) ? source.resolve(doc) : source;
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      const own = keyText(pair.key);
      if (!isMergeKey(pair.key)) {
        if (own !== undefined) keys.add(own);
      } else for (const key of mergedKeys(pair.value, doc, depth + 1)) keys.add(key);
    }
  }
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
  visit(doc, {
    Map(_, map) {
      const set = new Set<string>();
      for (const pair of map.items) {
        if (!isMergeKey(pair.key)) {
          const key = keyText(pair.key);
          if (key !== undefined) set.add(key);
          continue;
        }
        const merged = mergedKeys(pair.value, doc);
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
