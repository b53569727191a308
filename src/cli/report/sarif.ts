// SARIF 2.1.0 for code-scanning uploads: one run, the rule catalogue as the driver's rules,
// a result per finding located at the line of the offending field.
import { posix } from 'node:path';
import { RULES } from '../../policy/index.js';
import { lineOf, type LoadError } from '../load.js';
import { informational, type CheckReport } from './model.js';

const LEVEL = { deny: 'error', warn: 'warning', audit: 'note' } as const;

/**
 * GitHub code scanning rejects a whole upload whose run has more results than this ("Analysis SARIF
 * file rejected due to result limits", docs.github.com code-scanning/troubleshooting-sarif-uploads/
 * results-exceed-limit). A check of a large GitOps tree can find more: the run keeps the most severe.
 */
export const MAX_RESULTS = 25_000;
const RANK = { error: 0, warning: 1, note: 2 } as const;

/**
 * The findings code scanning takes: all of them, or the MAX_RESULTS most severe (errors, then
 * warnings, then notes; each in document order) in document order, and a notification of the rest.
 */
function withinLimit<R extends { level: keyof typeof RANK }>(results: R[]) {
  if (results.length <= MAX_RESULTS) return { kept: results, notices: [] };
  const kept = results
    .map((result, at) => ({ result, at }))
    .sort((a, b) => RANK[a.result.level] - RANK[b.result.level] || a.at - b.at)
    .slice(0, MAX_RESULTS)
    .sort((a, b) => a.at - b.at)
    .map(({ result }) => result);
  const text =
    `${results.length - MAX_RESULTS} of ${results.length} results left out, the least severe: ` +
    `code scanning rejects a run of more than ${MAX_RESULTS}; \`check -o text\` or \`-o json\` lists them all.`;
  // By level, so a reader of the SARIF (the action's sarif-summary.mjs) still counts every finding.
  const leftOut = { error: 0, warning: 0, note: 0 };
  for (const { level } of results) leftOut[level]++;
  for (const { level } of kept) leftOut[level]--;
  return { kept, notices: [{ level: 'warning' as const, message: { text }, properties: { leftOut } }] };
}

/**
 * A relative URI reference (RFC 3986), as SARIF 2.1.0 §3.4.3 asks: a space, "#" or "%" in a path
 * encoded. A relative path is normalised first (`.//deploy/x.yaml`, `./deploy/./x.yaml` ->
 * `deploy/x.yaml`, as the directory walk names it): kept as given, its empty segment would make
 * the reference `/deploy/x.yaml`, an absolute path that RFC 3986 5.2.2 resolves against the
 * checkout's root, and github/codeql-action src/fingerprints.ts resolveUriToFile ignores a uri
 * starting with "/" outside the source root, so the alert would be neither placed nor tracked.
 */
const encode = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const uri = (file: string) => {
  if (file === '-') return 'stdin';
  // An absolute path (`check "$GITHUB_WORKSPACE/deploy"`) kept as a reference "/home/..." would be
  // resolved against the checkout's root too, naming no file; a file: URI is absolute (RFC 8089),
  // and code scanning makes it relative to the upload's checkout_uri.
  if (posix.isAbsolute(file)) return `file://${encode(file)}`;
  return encode(posix.normalize(file));
};

const notification = (level: 'error' | 'note', { file, line, message }: LoadError) => ({
  level,
  message: { text: message },
  locations: [
    {
      physicalLocation: {
        artifactLocation: { uri: uri(file) },
        ...(line ? { region: { startLine: line } } : {}),
      },
    },
  ],
});

export function renderSarif(report: CheckReport, version: string): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  // Chosen before the results are built: a left-out one needs no line looked up.
  const { kept, notices } = withinLimit(
    report.judged.flatMap(({ manifest, evaluation }) =>
      evaluation.findings.map((f) => ({
        manifest,
        f,
        level: informational(f) ? ('note' as const) : LEVEL[f.action],
      })),
    ),
  );
  const results = kept.map(({ manifest, f, level }) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level,
    message: { text: `${f.message} Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(manifest.source.file) },
          region: { startLine: lineOf(manifest, f.path) },
        },
        logicalLocations: [
          {
            fullyQualifiedName: `${manifest.object.kind}/${manifest.object.metadata?.namespace ?? ''}/${manifest.object.metadata?.name ?? ''}${f.path}`,
          },
        ],
      },
    ],
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ais-guard',
            version,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.summary },
              help: { text: `${r.summary} Upstream: ${r.upstream}` },
              helpUri: r.upstream.split(' ')[0],
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            // Input errors, then the notes the text output prints (skipped files, what the input
            // leaves unknown, how --base matched): a code-scanning upload is all some users read.
            toolExecutionNotifications: [
              ...report.errors.map((e) => notification('error', e)),
              ...(report.notes ?? []).map((n) => notification('note', n)),
              ...notices,
            ],
          },
        ],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
