// Small builders for CEL text, so the policies read as the rules they encode. Kubernetes CEL errors
// on a missing field ("no such key"), and a validation that errors counts as a failure under
// failurePolicy Fail: every access below is guarded with has()/`in` first.

/** A CEL string literal. */
export const str = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const paren = (e: string) => (/^[\w.!'[\]()]+$/.test(e) ? e : `(${e})`);

export const and = (...terms: string[]): string => terms.map(paren).join(' && ');
export const or = (...terms: string[]): string => terms.map(paren).join(' || ');
export const not = (e: string): string => `!${paren(e)}`;

/** `has(r.a) && has(r.a.b) && …` for a dotted path of plain field names under `root`. */
export function present(root: string, path: string): string {
  const fields = path.split('.');
  return and(...fields.map((_, i) => `has(${root}.${fields.slice(0, i + 1).join('.')})`));
}

/** `root.path`, or `fallback` when any field on the way is absent. */
export function valueOr(root: string, path: string, fallback: string): string {
  return `(${present(root, path)} ? ${root}.${path} : ${fallback})`;
}

/** A value of a labels map with keys such as `app.kubernetes.io/name` (index syntax, not fields). */
export const label = (labels: string, key: string): string => `${labels}[${str(key)}]`;
