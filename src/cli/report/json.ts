// Machine-readable report: one entry per object, with its findings and the patch the webhook would send.
// Its shape is docs/schema/report.v1.json (shared with `audit -o json`; SCHEMA_VERSION in schema.ts).
// Produced in pieces: 100,000 results as one string would double the memory a large input needs.
import type { Judged } from '../judge.js';
import { informational, summarise, type CheckReport } from './model.js';
import { SCHEMA_VERSION } from './schema.js';

/**
 * metadata.namespace or .name as the schema has them, a string or absent: load.ts lets a null or
 * empty one through (`namespace:` with no value, `name: ~` or `""` beside a generateName), as
 * kubectl does (either decodes as unset: no namespace, the object goes to -n or the context's), so
 * it is left out here as an unset one is. Omitted rather than `null` so that v1 consumers keep
 * working: the schema has always said `{"type": "string"}`, optional.
 */
const setOrAbsent = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function result({ manifest, evaluation }: Judged) {
  return {
    file: manifest.source.file,
    document: manifest.document,
    line: manifest.line,
    apiVersion: manifest.object.apiVersion,
    kind: manifest.object.kind,
    namespace: setOrAbsent(manifest.object.metadata?.namespace),
    name: setOrAbsent(manifest.object.metadata?.name),
    role: evaluation.role ?? null,
    multiTarget: evaluation.multiTarget ?? null,
    signal: evaluation.signal ?? null,
    allowed: evaluation.allowed,
    findings: evaluation.findings.map((f) => (informational(f) ? { ...f, severity: 'info' } : f)),
    patch: evaluation.patch,
  };
}

/** The report as JSON text in chunks of about 64 KiB; joined, exactly JSON.stringify(report, null, 2). */
export function* renderJsonChunks(report: CheckReport, version: string): Generator<string> {
  const head = JSON.stringify(
    {
      schemaVersion: SCHEMA_VERSION,
      tool: 'ais-guard',
      version,
      command: 'check',
      summary: summarise(report),
      errors: report.errors,
      notes: report.notes ?? [],
      results: [],
    },
    null,
    2,
  );
  if (report.judged.length === 0) return yield head + '\n';
  let chunk = head.slice(0, head.lastIndexOf('[]')) + '[';
  for (const [i, judged] of report.judged.entries()) {
    const entry = JSON.stringify(result(judged), null, 2).replaceAll('\n', '\n    ');
    chunk += `${i === 0 ? '' : ','}\n    ${entry}`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + '\n  ]\n}\n';
}
