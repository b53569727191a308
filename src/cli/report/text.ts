// Human output: file:line, the object, then each finding with its fix and doc link.
import { lineOf } from '../load.js';
import { informational, objectLabel, summarise, type CheckReport } from './model.js';

const MARK = { deny: 'DENY ', warn: 'WARN ', audit: 'AUDIT' } as const;

export function renderText(report: CheckReport, { quiet = false }: { quiet?: boolean } = {}): string {
  const out: string[] = [];
  for (const e of report.errors) out.push(`${e.file}${e.line ? `:${e.line}` : ''}: error: ${e.message}`);
  if (!quiet)
    for (const n of report.notes ?? [])
      out.push(`${n.file}${n.line ? `:${n.line}` : ''}: note: ${n.message}`);
  for (const judged of report.judged) {
    const { manifest, evaluation } = judged;
    if (evaluation.findings.length === 0) continue;
    const where = `${manifest.source.file}:${manifest.line}`;
    const layout =
      evaluation.multiTarget === undefined
        ? ''
        : evaluation.multiTarget
          ? ` [multi-target: ${evaluation.signal}]`
          : ' [one target per node]';
    out.push(`${where} (document ${manifest.document}) ${objectLabel(judged)}${layout}`);
    for (const f of evaluation.findings) {
      if (quiet && f.action !== 'deny') continue;
      const mark = informational(f) ? 'INFO ' : MARK[f.action];
      out.push(`  ${mark} ${f.ruleId} (line ${lineOf(manifest, f.path)}): ${f.message}`);
      out.push(`        fix: ${f.fix}`);
      out.push(`        see: ${f.doc}`);
    }
  }
  const s = summarise(report);
  out.push(
    `${s.documents} object(s) checked: ${s.denied} denied, ${s.warned} with warnings, ${s.mutated} the guard would change` +
      (s.errors ? `, ${s.errors} input error(s)` : ''),
  );
  return out.join('\n') + '\n';
}
