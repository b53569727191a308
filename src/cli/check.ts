// `ais-guard check`: the policy core over manifests, for CI dry-runs and GitOps guardrails.
// Exit codes: 0 clean, 1 deny findings (or warnings with --strict), 2 usage or input errors.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MODES, type Mode } from '../policy/index.js';
import { applyFixes, joinDocuments, renderDocuments, renderSource } from './fix.js';
import { judge, type Judged } from './judge.js';
import { loadManifests, parseSource } from './load.js';
import { renderJson } from './report/json.js';
import { renderJunit } from './report/junit.js';
import { renderSarif } from './report/sarif.js';
import { renderText } from './report/text.js';
import { UsageError, type Io } from './usage.js';
import { VERSION } from './version.js';

export const CHECK_HELP = `Usage: ais-guard check [options] PATH... ("-" reads stdin)

Checks AIStore manifests (files, directories, kustomize/helm output) with the same rules as the webhook.
The whole input set is the cluster context: CRs, PVs, PVCs, StatefulSets and Nodes are judged together.

Options:
  -o, --output FORMAT   text (default), json, junit or sarif
      --strict          exit 1 on warnings too
      --mode MODE       enforce (default), warn or audit
      --nodes N         number of schedulable nodes, when the input has no Node objects
      --fix             print the input with the guard's mutations applied (to stdout)
      --write           with --fix: rewrite the files in place instead
  -q, --quiet           text output: deny findings only
  -h, --help            this help

Exit codes: 0 clean, 1 deny findings (or warnings with --strict), 2 usage or input errors.`;

const FORMATS = ['text', 'json', 'junit', 'sarif'] as const;

function options(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', default: 'text' },
      strict: { type: 'boolean', default: false },
      mode: { type: 'string', default: 'enforce' },
      nodes: { type: 'string' },
      fix: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const format = values.output as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown output format "${values.output}" (use ${FORMATS.join(', ')})`);
  if (!MODES.includes(values.mode as Mode))
    throw new UsageError(`unknown mode "${values.mode}" (use ${MODES.join(', ')})`);
  const nodeCount = values.nodes === undefined ? undefined : Number(values.nodes);
  if (nodeCount !== undefined && !(Number.isInteger(nodeCount) && nodeCount >= 0))
    throw new UsageError('--nodes takes a whole number');
  if (values.write && !values.fix) throw new UsageError('--write goes with --fix');
  if (!values.help && positionals.length === 0)
    throw new UsageError('no input: give files, directories or "-" for stdin');
  if (values.write && positionals.includes('-')) throw new UsageError('--write cannot rewrite stdin');
  return { ...values, format, nodeCount, mode: values.mode as Mode, paths: positionals };
}

export async function runCheck(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(CHECK_HELP + '\n');
    return 0;
  }
  const { manifests, errors } = await loadManifests(opts.paths, io.stdin);
  const judgeOptions = { modes: { default: opts.mode }, nodeCount: opts.nodeCount };
  const judged = judge(manifests, judgeOptions);
  const report = { judged, errors };

  if (opts.fix) {
    const changed = applyFixes(judged);
    const sources = [...new Set(manifests.map((m) => m.source))];
    if (opts.write) for (const source of changed) await writeFile(source.file, renderSource(source));
    else io.stdout.write(joinDocuments(sources.flatMap(renderDocuments)));
    io.stderr.write(renderText(report, { quiet: opts.quiet }));
    if (opts.write) io.stderr.write(`rewrote ${changed.size} file(s)\n`);
    if (errors.length > 0) return 2;
    // The exit code speaks of the fixed output: judge it again as the next run would.
    const refixed = sources.flatMap(
      (source) => parseSource(source.file, renderSource(source), errors).manifests,
    );
    return exitCode(judge(refixed, judgeOptions), opts.strict);
  }
  const render = {
    text: () => renderText(report, { quiet: opts.quiet }),
    json: () => renderJson(report, VERSION),
    junit: () => renderJunit(report),
    sarif: () => renderSarif(report, VERSION),
  }[opts.format];
  io.stdout.write(render());
  return errors.length > 0 ? 2 : exitCode(judged, opts.strict);
}

function exitCode(judged: Judged[], strict: boolean): number {
  const denied = judged.some((j) => !j.evaluation.allowed);
  const warned = judged.some((j) => j.evaluation.findings.some((f) => f.action === 'warn'));
  return denied || (strict && warned) ? 1 : 0;
}
