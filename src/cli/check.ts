// `ais-guard check`: the policy core over manifests, for CI dry-runs and GitOps guardrails.
// Exit codes: 0 clean, 1 deny findings (or warnings with --strict), 2 usage or input errors.
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { clip, labelProblem, MODES, type KubeObject, type Mode } from '../policy/index.js';
import { append } from './append.js';
import { paintFor } from './colour.js';
import { joinSources, planFixes, unjoinable } from './fix.js';
import { loadBase } from './base.js';
import {
  baseNotes,
  duplicates,
  namespaceMismatches,
  judge,
  namespaceUnknown,
  nodeCountUnknown,
  type JudgeOptions,
  type Judged,
} from './judge.js';
import { bytesOf, loadManifests, nonObjectsAsNotes, parseInput, type LoadError } from './load.js';
import { DEFAULT_LIMITS } from './read.js';
import { renderJsonChunks } from './report/json.js';
import { renderJunitChunks } from './report/junit.js';
import { warns } from './report/model.js';
import { renderSarif } from './report/sarif.js';
import { renderText } from './report/text.js';
import { UsageError, wholeNumber, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';
import { VERSION } from './version.js';
import { writeFixes } from './write.js';

const MiB = 1024 * 1024;

export const CHECK_HELP = `Usage: ais-guard check [options] PATH... ("-" reads stdin; -f PATH works too)

Checks AIStore manifests (files, directories, kustomize/helm output) with the same rules as the webhook.
Input is YAML, JSON, or JSON objects one after another (as jq -c prints them; kubectl reads those too).
The whole input set is the cluster context: CRs, PVs, PVCs, StatefulSets and Nodes are judged together.
Documents without apiVersion and kind (values files) and kustomization files are skipped with a note;
so are, in a directory walk, a Helm chart's templates and subcharts (check what they render),
FIFOs, devices and links to directories, never opened; node_modules and hidden folders silently.

Options:
  -o, --output FORMAT   text (default), json, junit or sarif
      --strict          exit 1 on warnings too (info findings never fail)
      --mode MODE       enforce (default), warn or audit
      --nodes N         number of schedulable nodes, when the input has no Node objects
      --nodes-file FILE the cluster's Node objects (kubectl get nodes -o yaml), or node names one per line
  -n, --namespace NS    the namespace of objects that name none (as kubectl apply -n gives them)
      --context-per-dir judge each PATH as its own cluster (GitOps: check --context-per-dir clusters/*/)
      --allow-empty     no Kubernetes object in the input is no error, and a document that is a list
                        or a scalar is skipped with a note (a pre-commit hook's files: a commit may
                        stage only values, workflow or kustomize patch files)
      --base DIR        a checkout of what is applied now (the target branch): each PATH is read under
                        DIR too, and an object found there is judged as the update from that version,
                        as the webhook judges its apply (without --base every object is a create)
      --fix             print the input with the guard's mutations applied (to stdout);
                        with -o json: the JSON report (patches per object) instead
      --write           with --fix: rewrite the files in place (atomically, all or none)
      --follow-symlinks with --write: write a linked file's target (default: refuse)
      --max-file-bytes N    cap per input file (default ${DEFAULT_LIMITS.maxFileBytes / MiB}Mi; suffix Ki, Mi, Gi)
      --max-total-bytes N   cap on all input together (default ${DEFAULT_LIMITS.maxTotalBytes / MiB}Mi)
  -f, --filename PATH   a file or directory to check, as a PATH argument (repeatable; -f - reads stdin;
                        a pipe, as <(kustomize build DIR) gives, is read like stdin)
  -q, --quiet           text output: only what fails the run (deny findings; warnings too with --strict);
                        nothing at all when the input is clean
  -h, --help            this help

Exit codes: 0 clean, 1 deny findings (or warnings with --strict), 2 usage or input errors
(including an input with no Kubernetes objects, unless --allow-empty, and the same object given twice)
or an output that could not be written (a full disk);
130, 143, 129 or 131 (as the shell reports a death by SIGINT, SIGTERM, SIGHUP or SIGQUIT) --fix --write interrupted (staged files removed, nothing renamed); 141 the
output's reader went away (| head: a quiet stop, as a tool killed by SIGPIPE).`;

const FORMATS = ['text', 'json', 'junit', 'sarif'] as const;
/** The words -o and --mode take, for shell completion. */
export const CHOICES: Choices = { output: FORMATS, mode: MODES };
const UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: MiB, Gi: 1024 * MiB };

function bytes(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`${flag} takes a size like 64Mi or 1048576`);
  return Number(m[1]) * UNITS[m[2] ?? '']!;
}

/** The options as parseArgs reads them; `completion` offers the same flags. */
export const FLAGS = {
  output: { type: 'string', short: 'o', default: 'text' },
  strict: { type: 'boolean', default: false },
  mode: { type: 'string', default: 'enforce' },
  nodes: { type: 'string' },
  'nodes-file': { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'context-per-dir': { type: 'boolean', default: false },
  'allow-empty': { type: 'boolean', default: false },
  base: { type: 'string' },
  fix: { type: 'boolean', default: false },
  write: { type: 'boolean', default: false },
  'follow-symlinks': { type: 'boolean', default: false },
  'max-file-bytes': { type: 'string' },
  'max-total-bytes': { type: 'string' },
  // kubectl's habit: -f FILE (repeatable; -f - reads stdin), the same as a PATH argument.
  filename: { type: 'string', short: 'f', multiple: true },
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

/** check takes PATH arguments: shell completion offers file names for them. */
export const PATHS = true;

function options(argv: string[]) {
  const { values, tokens } = parseArgs({
    args: argv,
    allowPositionals: PATHS,
    tokens: true,
    options: FLAGS,
  });
  // PATHs and -f values in command-line order (the report follows the input order).
  const positionals = tokens.flatMap((t) =>
    t.kind === 'positional' ? [t.value] : t.kind === 'option' && t.name === 'filename' ? [t.value!] : [],
  );
  const format = values.output as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown output format "${values.output}" (use ${FORMATS.join(', ')})`);
  if (!MODES.includes(values.mode as Mode))
    throw new UsageError(`unknown mode "${values.mode}" (use ${MODES.join(', ')})`);
  const nodeCount = values.nodes === undefined ? undefined : wholeNumber(values.nodes);
  if (values.nodes !== undefined && nodeCount === undefined)
    throw new UsageError('--nodes takes a whole number');
  if (values.nodes !== undefined && values['nodes-file'] !== undefined)
    throw new UsageError('--nodes and --nodes-file each say which nodes the cluster has: give one of them');
  if (values['context-per-dir']) {
    const nest = nestedPaths(positionals);
    if (nest)
      throw new UsageError(
        `--context-per-dir: ${nest[0]} and ${nest[1]} nest, so a file would be judged in two contexts: give folders side by side`,
      );
  }
  if (values.write && !values.fix) throw new UsageError('--write goes with --fix');
  if (values['follow-symlinks'] && !values.write) throw new UsageError('--follow-symlinks goes with --write');
  if (values.fix && (format === 'junit' || format === 'sarif'))
    throw new UsageError(
      `--fix prints YAML (or, with -o json, the JSON report); -o ${format} does not go with it`,
    );
  if (!values.help && positionals.length === 0)
    throw new UsageError('no input: give files, directories or "-" for stdin');
  if (values.write && positionals.includes('-')) throw new UsageError('--write cannot rewrite stdin');
  if (values.base !== undefined && positionals.includes('-'))
    throw new UsageError('--base reads each PATH again under its DIR: stdin has no path there');
  const limits = {
    maxFileBytes: bytes('--max-file-bytes', values['max-file-bytes'], DEFAULT_LIMITS.maxFileBytes),
    maxTotalBytes: bytes('--max-total-bytes', values['max-total-bytes'], DEFAULT_LIMITS.maxTotalBytes),
  };
  return { ...values, format, nodeCount, limits, mode: values.mode as Mode, paths: positionals };
}

/** Two PATHs one of which is (or is inside) the other, if any: each would be a context of its own. */
function nestedPaths(paths: string[]): [string, string] | undefined {
  const resolved = paths.filter((p) => p !== '-').map((p) => ({ p, at: resolve(p) }));
  for (const [i, a] of resolved.entries())
    for (const b of resolved.slice(i + 1))
      if (a.at === b.at || b.at.startsWith(a.at + sep) || a.at.startsWith(b.at + sep)) return [a.p, b.p];
  return undefined;
}

/** --nodes-file: Node objects (a List or a stream), or bare node names one per line. */
async function readNodes(file: string | undefined, io: Io): Promise<KubeObject[] | undefined> {
  if (file === undefined) return undefined;
  // A folder would be walked for manifests as check's paths are, and a nodes.txt in it skipped.
  if (file !== '-' && (await stat(file).catch(() => undefined))?.isDirectory())
    throw new UsageError(`--nodes-file: ${file} is a directory: give the file in it`);
  const loaded = await loadManifests([file], io.stdin);
  const problem = loaded.errors[0];
  const nodes = loaded.manifests.map((m) => m.object).filter((o) => o.kind === 'Node');
  if (!problem && nodes.length > 0) return nodes;
  const text = loaded.sources[0]?.text ?? '';
  const lines = text.split(/\r?\n/).map((l, i) => ({ line: i + 1, name: l.replace(/#.*/, '').trim() }));
  const names = lines.filter((l) => l.name !== '');
  const bad = names.find((l) => !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(l.name));
  if (nodes.length === 0 && names.length > 0 && !bad)
    return names.map(({ name }) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } }));
  // A list of names (no line is YAML: none has a colon) with a typo: name the line, not "document 1".
  if (nodes.length === 0 && bad && names.every((l) => !l.name.includes(':')))
    throw new UsageError(
      `--nodes-file: ${file}:${bad.line}: "${clip(bad.name, 80)}" is not a node name (lowercase letters, digits, "-" and ".")`,
    );
  const where = problem
    ? `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`
    : file;
  throw new UsageError(`--nodes-file: no Node objects or node names in ${where}`);
}

export async function runCheck(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(CHECK_HELP + '\n');
    return 0;
  }
  const badNamespace = opts.namespace === undefined ? undefined : labelProblem(opts.namespace);
  if (badNamespace) throw new UsageError(`--namespace: "${clip(opts.namespace!, 80)}" ${badNamespace}`);
  const judgeOptions: JudgeOptions = {
    namespace: opts.namespace,
    modes: { default: opts.mode },
    nodeCount: opts.nodeCount,
    nodes: await readNodes(opts['nodes-file'], io),
    contextPerArgument: opts['context-per-dir'],
  };
  const loaded = await loadManifests(opts.paths, io.stdin, opts.limits);
  const { sources, manifests, errors, notes } = opts['allow-empty'] ? nonObjectsAsNotes(loaded) : loaded;
  append(
    errors,
    namespaceMismatches(manifests, opts.namespace),
    duplicates(manifests, judgeOptions.contextPerArgument, opts.namespace),
  );
  if (opts.base !== undefined) {
    const base = await loadBase(opts.base, opts.paths, opts.limits, judgeOptions.contextPerArgument);
    append(notes, base.notes);
    judgeOptions.base = base.manifests;
  }
  // An empty pipe (a render that failed quietly) or a path that matched nothing must not pass as clean.
  if (manifests.length === 0 && errors.length === 0 && !opts['allow-empty'])
    errors.push({
      file: opts.paths.join(' '),
      message: 'no Kubernetes objects in the input: nothing was checked',
    });
  const judged = judge(manifests, judgeOptions);
  append(notes, nodeCountUnknown(judged, judgeOptions), namespaceUnknown(judged, judgeOptions));
  if (opts.base !== undefined) append(notes, baseNotes(opts.base, judged, judgeOptions));
  const report = { judged, errors, notes };

  if (opts.fix) return fix(opts, io, { sources, judged, errors, notes }, judgeOptions);
  const render = {
    text: () => renderText(report, { quiet: opts.quiet, strict: opts.strict, paint: paintFor(io.stdout) }),
    json: () => renderJsonChunks(report, VERSION),
    junit: () => renderJunitChunks(report, { strict: opts.strict }),
    sarif: () => renderSarif(report, VERSION),
  }[opts.format];
  const rendered = render();
  if (typeof rendered === 'string') io.stdout.write(rendered);
  else for (const chunk of rendered) io.stdout.write(chunk);
  return errors.length > 0 ? 2 : exitCode(judged, opts.strict);
}

async function fix(
  opts: ReturnType<typeof options>,
  io: Io,
  input: {
    sources: Awaited<ReturnType<typeof loadManifests>>['sources'];
    judged: Judged[];
    errors: LoadError[];
    notes: LoadError[];
  },
  judgeOptions: JudgeOptions,
): Promise<number> {
  const { sources, judged, errors, notes } = input;
  // Judge and fix everything in memory first; write only when every file can be written.
  const planned = planFixes(judged);
  append(errors, planned.errors);
  let written = 0;
  if (opts.write) {
    if (errors.length > 0)
      notes.push({ file: opts.paths.join(' '), message: 'input errors: no file was rewritten' });
    else {
      const result = await writeFixes(planned.fixed, { followSymlinks: opts['follow-symlinks'] });
      append(errors, result.errors);
      written = result.written.length;
      if (result.written.length < planned.fixed.length && result.written.length === 0)
        notes.push({ file: opts.paths.join(' '), message: 'no file was rewritten' });
    }
  }
  // Printed, the stream is one encoding or nothing.
  const unprintable = opts.write || opts.format === 'json' ? [] : unjoinable(sources);
  append(errors, unprintable);
  const report = { judged, errors, notes };
  if (opts.format === 'json') for (const chunk of renderJsonChunks(report, VERSION)) io.stdout.write(chunk);
  else {
    if (!opts.write && unprintable.length === 0) io.stdout.write(joinSources(sources, planned.fixed));
    io.stderr.write(
      renderText(report, { quiet: opts.quiet, strict: opts.strict, paint: paintFor(io.stderr) }),
    );
  }
  // -q: nothing at all when the run passes; what was written is said when something failed.
  if (opts.write && (!opts.quiet || errors.length > 0)) io.stderr.write(`rewrote ${written} file(s)\n`);
  if (errors.length > 0) return 2;
  // The exit code speaks of the fixed output: judge it again as the next run would.
  const fixedBytes = new Map(planned.fixed.map((f) => [f.source, f.bytes]));
  const refixed = sources.flatMap(
    (source) =>
      parseInput(
        { file: source.file, argument: source.argument, bytes: fixedBytes.get(source) ?? bytesOf(source) },
        errors,
      ).manifests,
  );
  return exitCode(judge(refixed, judgeOptions), opts.strict);
}

function exitCode(judged: Judged[], strict: boolean): number {
  const denied = judged.some((j) => !j.evaluation.allowed);
  const warned = judged.some((j) => j.evaluation.findings.some(warns));
  return denied || (strict && warned) ? 1 : 0;
}
