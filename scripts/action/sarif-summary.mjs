// The SARIF of `ais-guard check -o sarif` as GitHub sees it in a job: one annotation per result
// (::error / ::warning / ::notice workflow commands, shown on the file in the pull request even
// without code scanning), the counts as step outputs, one summary line.
// Usage: node sarif-summary.mjs SARIF [GITHUB_OUTPUT] [GITHUB_STEP_SUMMARY]
import { appendFileSync, readFileSync } from 'node:fs';

const [sarifFile, outputFile, summaryFile] = process.argv.slice(2);
let sarif;
try {
  sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
} catch (err) {
  console.log(`::error::${sarifFile} is not SARIF: ${err.message}`);
  process.exit(2);
}

// Workflow command escaping: data escapes %, CR, LF; properties also : and ,.
const data = (s) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const COMMAND = { error: 'error', warning: 'warning', note: 'notice' };

/**
 * The path of a SARIF artifact URI: SARIF percent-encodes it (a space is %20), a workflow
 * command's file property takes the path itself, or the annotation lands on no file.
 */
function pathOf(uri) {
  // An absolute path is a file: URI; the runner makes a path under the workspace relative itself.
  const path = uri.startsWith('file://') ? uri.slice('file://'.length) : uri;
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // not percent-encoding after all
  }
}

function annotate(level, title, r) {
  const loc = r.locations?.[0]?.physicalLocation;
  const props = [];
  if (loc?.artifactLocation?.uri) props.push(`file=${prop(pathOf(loc.artifactLocation.uri))}`);
  if (loc?.region?.startLine) props.push(`line=${loc.region.startLine}`);
  props.push(`title=${prop(title)}`);
  console.log(`::${COMMAND[level] ?? 'warning'} ${props.join(',')}::${data(r.message?.text ?? '')}`);
}

const counts = { error: 0, warning: 0, note: 0, inputErrors: 0 };
for (const run of sarif.runs ?? []) {
  // Inputs that could not be read (a YAML slip): nothing in them was judged. Notifications of
  // level note are what the text output prints as notes (a skipped file, --base's matching).
  for (const invocation of run.invocations ?? [])
    for (const n of invocation.toolExecutionNotifications ?? []) {
      if (n.level === 'note') {
        annotate('note', 'ais-guard: note', n);
        continue;
      }
      // Results past code scanning's limit per run, left out of the SARIF: counted, not annotated.
      if (n.level === 'warning' && n.properties?.leftOut) {
        for (const [level, count] of Object.entries(n.properties.leftOut))
          counts[level] = (counts[level] ?? 0) + count;
        annotate('warning', 'ais-guard: results left out', n);
        continue;
      }
      counts.inputErrors++;
      annotate('error', 'ais-guard: input error', n);
    }
  for (const r of run.results ?? []) {
    const level = r.level ?? 'warning';
    counts[level] = (counts[level] ?? 0) + 1;
    annotate(level, `ais-guard ${r.ruleId ?? ''}`.trim(), r);
  }
}

const line =
  `ais-guard: ${counts.error} denial(s), ${counts.warning} warning(s), ${counts.note} info finding(s), ` +
  `${counts.inputErrors} input error(s)`;
console.log(line);
if (outputFile)
  appendFileSync(
    outputFile,
    `denials=${counts.error}\nwarnings=${counts.warning}\ninput-errors=${counts.inputErrors}\n`,
  );
if (summaryFile) appendFileSync(summaryFile, `${line}\n`);
