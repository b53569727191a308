// Machine-readable report: one entry per object, with its findings and the patch the webhook would send.
import { informational, summarise, type CheckReport } from './model.js';

export function renderJson(report: CheckReport, version: string): string {
  return (
    JSON.stringify(
      {
        tool: 'ais-guard',
        version,
        summary: summarise(report),
        errors: report.errors,
        notes: report.notes ?? [],
        results: report.judged.map(({ manifest, evaluation }) => ({
          file: manifest.source.file,
          document: manifest.document,
          line: manifest.line,
          apiVersion: manifest.object.apiVersion,
          kind: manifest.object.kind,
          namespace: manifest.object.metadata?.namespace,
          name: manifest.object.metadata?.name,
          role: evaluation.role ?? null,
          multiTarget: evaluation.multiTarget ?? null,
          signal: evaluation.signal ?? null,
          allowed: evaluation.allowed,
          findings: evaluation.findings.map((f) => (informational(f) ? { ...f, severity: 'info' } : f)),
          patch: evaluation.patch,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
