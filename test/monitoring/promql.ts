// The metric names a PromQL expression reads, without a PromQL parser: strings, label matchers,
// ranges, grouping clauses and Grafana variables are removed, and of the identifiers left those
// not followed by "(" (functions, aggregations) and not PromQL keywords are metric names.
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g))
    if (!m[2] && !KEYWORDS.has(m[1]!.toLowerCase())) names.add(m[1]!);
  return [...names];
}
