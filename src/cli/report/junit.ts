// JUnit XML for CI test reports: a suite per file, a test case per object, failed by what fails the
// run (its denies; with --strict its warnings too), all of them in one <failure> (an <error> when a
// rule could not judge the object).
import { lineOf } from '../load.js';
import type { Judged } from '../judge.js';
import type { LoadError } from '../load.js';
import { failsRun, label, objectLabel, type CheckReport } from './model.js';

const esc = (s: string) =>
  s
    .replace(
      /[<>&"']/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
    )
    // XML 1.0 cannot carry a code point outside production [2] Char (#x9 | #xA | #xD |
    // [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]), escaped or not: most C0 controls,
    // U+FFFE, U+FFFF and a lone surrogate make the whole file not well-formed, and Jenkins' and
    // GitLab's parsers drop the report. Each becomes U+FFFD, the replacement character.
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    // A parser turns a raw "\r" (alone or before "\n") into "\n" (XML 1.0 2.11); a reference survives.
    .replace(/\r/g, '&#13;');

/**
 * An attribute value: a parser also turns a raw tab or line feed into a space there (XML 1.0 3.3.3),
 * so `classname` would name `a b.yaml` for the file `a\nb.yaml`, which no one can open.
 */
const attr = (s: string) => esc(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');

type Counts = { tests: number; failures: number; errors: number };

export interface JunitOptions {
  /** Warnings fail their test case, as they fail the run (exit 1). */
  strict?: boolean;
}

/**
 * One <failure> holding every finding that fails the object: consumers read one. Jenkins' junit
 * plugin (CaseResult, from testCase.element("failure")/elementText("failure"): dom4j's first such
 * child) shows the first and drops the rest, and the Ant JUnit.xsd allows one failure per test case.
 */
function judgedCase(judged: Judged, strict: boolean): string {
  const { manifest, evaluation } = judged;
  const name = `${objectLabel(judged)} (document ${manifest.document}, line ${manifest.line})`;
  const failing = evaluation.findings.filter((f) => failsRun(f, strict));
  const others = evaluation.findings.filter((f) => !failsRun(f, strict));
  const body: string[] = [];
  if (failing.length) {
    // A rule that could not run is an error of the test, not a failure of the object (one or the
    // other per test case in the Ant JUnit.xsd); its deny still fails the run.
    const element = failing.some((f) => f.unjudged) ? 'error' : 'failure';
    const type = failing.map((f) => f.ruleId).join(' ');
    const message = failing.map((f) => `${f.ruleId}: ${f.message}`).join('; ');
    const text = failing.map(
      (f) =>
        `${label(f)} ${f.ruleId} (line ${lineOf(manifest, f.path)}): ${f.message}\nfix: ${f.fix}\nsee: ${f.doc}`,
    );
    body.push(
      `<${element} type="${attr(type)}" message="${attr(message)}">${esc(text.join('\n\n'))}</${element}>`,
    );
  }
  if (others.length)
    body.push(
      `<system-out>${esc(others.map((f) => `${label(f)} ${f.ruleId}: ${f.message}`).join('\n'))}</system-out>`,
    );
  return `    <testcase classname="${attr(manifest.source.file)}" name="${attr(name)}">${body.join('')}</testcase>`;
}

/** The XML in pieces, a suite at a time: counts first (the suite header carries them), then cases. */
export function* renderJunitChunks(
  report: CheckReport,
  { strict = false }: JunitOptions = {},
): Generator<string> {
  const files = new Map<
    string,
    { errors: LoadError[]; notes: LoadError[]; judged: Judged[]; counts: Counts }
  >();
  const bucket = (file: string) => {
    let b = files.get(file);
    if (!b)
      files.set(
        file,
        (b = { errors: [], notes: [], judged: [], counts: { tests: 0, failures: 0, errors: 0 } }),
      );
    return b;
  };
  // The notes the text output prints, as their suite's output: no test passes or fails by them.
  for (const n of report.notes ?? []) bucket(n.file).notes.push(n);
  for (const e of report.errors) {
    const b = bucket(e.file);
    b.errors.push(e);
    b.counts.tests++;
    b.counts.errors++;
  }
  for (const judged of report.judged) {
    const b = bucket(judged.manifest.source.file);
    b.judged.push(judged);
    b.counts.tests++;
    const failing = judged.evaluation.findings.filter((f) => failsRun(f, strict));
    if (failing.some((f) => f.unjudged)) b.counts.errors++;
    else if (failing.length) b.counts.failures++;
  }
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ais-guard check">`;
  for (const [file, { errors, notes, judged, counts: c }] of files) {
    const cases = errors.map(
      (e) =>
        `    <testcase classname="${attr(e.file)}" name="parse${e.line ? `:${e.line}` : ''}"><error message="${attr(e.message)}"/></testcase>`,
    );
    yield (
      `\n  <testsuite name="${attr(file)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}">\n` +
      cases.join('\n')
    );
    let chunk = '';
    for (const [i, j] of judged.entries()) {
      chunk += (i === 0 && cases.length === 0 ? '' : '\n') + judgedCase(j, strict);
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    const said = notes.map((n) => `note${n.line ? ` (line ${n.line})` : ''}: ${n.message}`);
    if (said.length) chunk += `\n    <system-out>${esc(said.join('\n'))}</system-out>`;
    yield chunk + '\n  </testsuite>';
  }
  yield '\n</testsuites>\n';
}
