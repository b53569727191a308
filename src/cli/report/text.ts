// Human output: file:line, the object, then each finding with its fix and doc link.
import type { JudgedFinding } from '../../policy/index.js';
import { plain, type Paint, type Style } from '../colour.js';
import { lineOf } from '../load.js';
import { terminalSafe } from '../terminal.js';
import { failsRun, label, objectLabel, summarise, type CheckReport } from './model.js';

const MARK = { deny: 'DENY ', warn: 'WARN ', audit: 'AUDIT' } as const;
const STYLE: Record<keyof typeof MARK | 'info', Style> = {
  deny: 'red',
  warn: 'yellow',
  audit: 'cyan',
  info: 'dim',
};

export interface TextOptions {
  /** Only what fails the run: input errors, deny findings (warnings too when `strict`); no notes, no summary when clean. */
  quiet?: boolean;
  strict?: boolean;
  /** Colours the verdict words; `plain` (the default) leaves the text as is. */
  paint?: Paint;
}

export function renderText(
  report: CheckReport,
  { quiet = false, strict = false, paint = plain }: TextOptions = {},
): string {
  const fails = (f: JudgedFinding) => failsRun(f, strict);
  const out: string[] = [];
  for (const e of report.errors)
    out.push(
      `${terminalSafe(e.file)}${e.line ? `:${e.line}` : ''}: ${paint('red', 'error:')} ${terminalSafe(e.message)}`,
    );
  if (!quiet)
    for (const n of report.notes ?? [])
      out.push(
        `${terminalSafe(n.file)}${n.line ? `:${n.line}` : ''}: ${paint('dim', 'note:')} ${terminalSafe(n.message)}`,
      );
  for (const judged of report.judged) {
    const { manifest, evaluation } = judged;
    const shown = quiet ? evaluation.findings.filter(fails) : evaluation.findings;
    if (shown.length === 0) continue;
    const where = `${terminalSafe(manifest.source.file)}:${manifest.line}`;
    const layout =
      evaluation.multiTarget === undefined
        ? ''
        : evaluation.multiTarget
          ? ` [multi-target: ${evaluation.signal}]`
          : ' [one target per node]';
    out.push(
      `${where} (document ${manifest.document}) ${paint('bold', terminalSafe(objectLabel(judged)))}${terminalSafe(layout)}`,
    );
    for (const f of shown) {
      const kind = label(f);
      const mark = paint(STYLE[kind], kind === 'info' ? 'INFO ' : MARK[f.action]);
      out.push(`  ${mark} ${f.ruleId} (line ${lineOf(manifest, f.path)}): ${terminalSafe(f.message)}`);
      out.push(`        fix: ${terminalSafe(f.fix)}`);
      out.push(`        see: ${f.doc}`);
    }
  }
  // Quiet and nothing failed: no output at all, as `grep -q` and friends (the exit code says it).
  if (quiet && out.length === 0) return '';
  const s = summarise(report);
  out.push(
    `${s.documents} object(s) checked: ${s.denied} denied, ${s.warned} with warnings, ${s.mutated} the guard would change` +
      (s.errors ? `, ${s.errors} input error(s)` : ''),
  );
  return out.join('\n') + '\n';
}
