// SARIF 2.1.0 for code-scanning uploads: one run, the rule catalogue as the driver's rules,
// a result per finding located at the line of the offending field.
import { posix } from 'node:path';
import { RULES } from '../../policy/index.js';
import { lineOf, type LoadError } from '../load.js';
import { informational, type CheckReport } from './model.js';

const LEVEL = { deny: 'error', warn: 'warning', audit: 'note' } as const;

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
  const results = report.judged.flatMap(({ manifest, evaluation }) =>
    evaluation.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId),
      level: informational(f) ? 'note' : LEVEL[f.action],
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
    })),
  );
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
            ],
          },
        ],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
