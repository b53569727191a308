// JUnit XML for CI test reports: a suite per file, a test case per object, a failure per deny.
import { lineOf } from '../load.js';
import { objectLabel, type CheckReport } from './model.js';

const esc = (s: string) =>
  s
    .replace(
      /[<>&"']/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
    )
    // XML 1.0 cannot carry most control characters at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function renderJunit(report: CheckReport): string {
  const files = new Map<string, string[]>();
  const counts = new Map<string, { tests: number; failures: number; errors: number }>();
  const bucket = (file: string) => {
    if (!files.has(file)) {
      files.set(file, []);
      counts.set(file, { tests: 0, failures: 0, errors: 0 });
    }
    return {
      cases: files.get(file) as string[],
      count: counts.get(file) as { tests: number; failures: number; errors: number },
    };
  };
  for (const e of report.errors) {
    const { cases, count } = bucket(e.file);
    count.tests++;
    count.errors++;
    cases.push(
      `    <testcase classname="${esc(e.file)}" name="parse${e.line ? `:${e.line}` : ''}"><error message="${esc(e.message)}"/></testcase>`,
    );
  }
  for (const judged of report.judged) {
    const { manifest, evaluation } = judged;
    const { cases, count } = bucket(manifest.source.file);
    count.tests++;
    const name = `${objectLabel(judged)} (document ${manifest.document}, line ${manifest.line})`;
    const denies = evaluation.findings.filter((f) => f.action === 'deny');
    const others = evaluation.findings.filter((f) => f.action !== 'deny');
    const body: string[] = denies.map(
      (f) =>
        `<failure type="${esc(f.ruleId)}" message="${esc(f.message)}">${esc(`line ${lineOf(manifest, f.path)}: ${f.message}\nfix: ${f.fix}\nsee: ${f.doc}`)}</failure>`,
    );
    if (denies.length) count.failures++;
    if (others.length)
      body.push(
        `<system-out>${esc(others.map((f) => `${f.action} ${f.ruleId}: ${f.message}`).join('\n'))}</system-out>`,
      );
    cases.push(
      `    <testcase classname="${esc(manifest.source.file)}" name="${esc(name)}">${body.join('')}</testcase>`,
    );
  }
  const suites = [...files].map(([file, cases]) => {
    const c = counts.get(file) as { tests: number; failures: number; errors: number };
    return `  <testsuite name="${esc(file)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ais-guard check">\n${suites.join('\n')}\n</testsuites>\n`;
}
