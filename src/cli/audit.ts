// `ais-guard audit`: the rules over what is live in a cluster, one shot. Lists the AIStore CRs, target
// StatefulSets, Pods and claims, PVs and Nodes through the kubeconfig, then judges them exactly as
// `check` judges a manifest set (src/cli/judge.ts: every object a CREATE, the whole set its context),
// except that the objects beside a CR see it as stored, not as the guard would change it now.
// Output: text, JSON (docs/schema/report.v1.json, shared with check), or reports as YAML:
// wgpolicyk8s.io PolicyReports and/or openreports.io Reports (--report-format); --apply writes those.
import { parseArgs } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  buildReports,
  REPORT_FORMATS,
  reportKinds,
  resultsOf,
  worst,
  type AuditedObject,
  type ReportFormat,
  type ReportKind,
  type ReportScopes,
} from '../audit/index.js';
import { stringifyForKube } from '../k8s/yaml.js';
import {
  isAIStore,
  isBeingDeleted,
  kindAndName,
  MODES,
  modeOf,
  RULE_DOC_BASE,
  type KubeObject,
  type Mode,
  type Modes,
} from '../policy/index.js';
import { ruleModesFromString } from '../server/config.js';
import { judge } from './judge.js';
import { terminalSafe } from './terminal.js';
import { sourceWithoutText, type Manifest, type SourceFile } from './load.js';
import { requireKubeConfig } from './kubeconfig.js';
import { UsageError, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';
import { SCHEMA_VERSION } from './report/schema.js';
import { VERSION } from './version.js';

export const AUDIT_HELP = `Usage: ais-guard audit [options]

Lists live AIStore objects that break the rules: AIStore CRs, target StatefulSets, Pods and claims,
and target PVs, judged together as "ais-guard check" judges a manifest set (every object as if it
were created now, the cluster as its context).

Options:
  -o, --output FORMAT     text (default), json (docs/schema/report.v1.json), or report: the reports
                          --report-format chooses, as YAML (one per namespace and -n namespace, and
                          the cluster one for PVs, each empty when nothing there has a result);
                          policyreport and openreports are -o report with that --report-format
      --report-format F   which reports -o report prints and --apply writes: auto (default:
                          OpenReports if the cluster serves openreports.io/v1alpha1, else
                          PolicyReports), policyreport (wgpolicyk8s.io/v1alpha2), openreports, both
      --apply             write the reports to the cluster (server-side apply, field manager
                          ais-guard); needs their CRDs (Kyverno, wg-policy prototypes, reports-api)
  -n, --namespace NS      report only this namespace's objects (repeat for more; PVs by their claim;
                          the cluster report still holds every PV: it is one object for all namespaces)
      --exclude-namespace NS  leave this namespace's objects out, as -n leaves the others (repeat)
      --mode MODE         enforce (default), warn or audit, as the webhook runs (serve --mode):
                          only what it would deny fails the run (results still say fail)
      --rule-mode ID=MODE,...  per-rule modes, as serve --rule-mode takes them
      --kubeconfig PATH   default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account
      --context NAME      the kubeconfig context to use (default: its current context)
  -h, --help              this help

Exit codes: 0 nothing fails, 1 some object breaks a rule the webhook would deny,
2 usage errors, an unreachable cluster, --apply without the chosen reports' CRDs, or a report
the cluster refused (each one is named; the others are still written).
With -o report, the notes (e.g. the AIStore CRD is not installed) go to stderr.`;

const FORMATS = ['text', 'json', 'report', 'policyreport', 'openreports'] as const;
/** The words -o and --report-format take, for shell completion. */
export const CHOICES: Choices = { output: FORMATS, 'report-format': REPORT_FORMATS, mode: MODES };

/** The options as parseArgs reads them; `completion` offers the same flags. */
export const FLAGS = {
  output: { type: 'string', short: 'o', default: 'text' },
  'report-format': { type: 'string' },
  apply: { type: 'boolean', default: false },
  namespace: { type: 'string', short: 'n', multiple: true },
  'exclude-namespace': { type: 'string', multiple: true },
  mode: { type: 'string', default: 'enforce' },
  'rule-mode': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: FLAGS,
  });
  const output = values.output as (typeof FORMATS)[number];
  if (!FORMATS.includes(output))
    throw new UsageError(`unknown output format "${values.output}" (use ${FORMATS.join(', ')})`);
  const given = values['report-format'] as ReportFormat | undefined;
  if (given !== undefined && !REPORT_FORMATS.includes(given))
    throw new UsageError(`unknown --report-format "${given}" (use ${REPORT_FORMATS.join(', ')})`);
  // -o policyreport / -o openreports: -o report with that report format (the older spelling).
  const implied = output === 'policyreport' || output === 'openreports' ? output : undefined;
  if (implied && given && given !== implied)
    throw new UsageError(`-o ${implied} asks for ${implied} reports, --report-format for ${given}: give one`);
  const format = implied ? 'report' : (output as 'text' | 'json' | 'report');
  // Given with text or JSON and no --apply, it chose nothing: the report printed as if it were not
  // there, and someone asking for PolicyReports got neither them nor a word.
  if (given !== undefined && format !== 'report' && !values.apply)
    throw new UsageError('--report-format chooses the reports of -o report and --apply: give one of them');
  const reportFormat: ReportFormat = implied ?? given ?? 'auto';
  // The webhook's modes (the chart passes serve's): what it would only warn of must not fail the run.
  if (!MODES.includes(values.mode as Mode))
    throw new UsageError(`unknown --mode "${values.mode}" (use ${MODES.join(', ')})`);
  let rules: Modes['rules'];
  try {
    rules =
      values['rule-mode'] === undefined ? undefined : ruleModesFromString(values['rule-mode'], '--rule-mode');
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const modes: Modes = { default: values.mode as Mode, ...(rules && { rules }) };
  const scope: Scope = { namespaces: values.namespace ?? [], excluded: values['exclude-namespace'] ?? [] };
  return { ...values, format, reportFormat, modes, scope };
}

/** Which namespaces' objects are reported: those of -n (every one when none is given) but --exclude-namespace's. */
export interface Scope {
  namespaces: string[];
  excluded: string[];
}
const EVERY_NAMESPACE: Scope = { namespaces: [], excluded: [] };

// The live objects as a manifest set, so `judge` is used as is: one source, one "document" each.
const CLUSTER: SourceFile = sourceWithoutText('cluster');
const asManifests = (objects: KubeObject[]): Manifest[] =>
  objects.map((object, i) => ({ source: CLUSTER, document: i + 1, yamlPath: [], line: 0, object }));

/**
 * The namespace an audited object is listed under with -n: its own, else that of the deployment it
 * was judged for (a PV: its claim's, or the target's whose disk it stands on), else its claim's.
 */
function namespaceOf({ object, evaluation }: AuditedObject): string | undefined {
  const spec = object.spec as { claimRef?: { namespace?: string } } | undefined;
  return object.metadata?.namespace ?? evaluation.namespace ?? spec?.claimRef?.namespace;
}

/**
 * An AIStore object being deleted (deletionTimestamp): the CR torn down, or the StatefulSet, pods and
 * claims made from it while the operator decommissions them and pvc-protection holds the claims. It
 * only goes away: the webhook never judges it again and no fix applies to it, so it must not fail the
 * run; it is left out of the results and named in a note, the CR and the objects rendered from it
 * alike (the CR, judged as the UPDATE from itself, gives no result anyway: evaluate() leaves an
 * update of an object being deleted untouched). It stays in the context, where it still is.
 */
const goingAway = (a: AuditedObject) =>
  isBeingDeleted(a.object) && (a.results.length > 0 || isAIStore(a.object));

export interface Audit {
  /** The objects with results, those being deleted left out. */
  audited: AuditedObject[];
  /** The AIStore objects being deleted. */
  beingDeleted: AuditedObject[];
}

/**
 * The live objects with each PV's claimRef.uid dropped where it is the uid of the live claim of that
 * name: the claim's by right, as the PV controller binds the two (or another rule says why it
 * cannot). pv-claim-uid reads a uid as one a claim made anew will not have, and audit judges claims
 * as CREATEs, so it called a live claim's own uid "of an earlier claim" (atk54), as on every PV
 * between its claim's creation and their binding. The webhook's cache drops a Bound PV's uid alike
 * (server/reduce.ts).
 */
function withoutLiveClaimUids(objects: KubeObject[]): KubeObject[] {
  const claimUids = new Map<string, unknown>();
  for (const o of objects)
    if (o.kind === 'PersistentVolumeClaim')
      claimUids.set(`${o.metadata?.namespace}/${o.metadata?.name}`, (o.metadata as { uid?: unknown })?.uid);
  return objects.map((o) => {
    if (o.kind !== 'PersistentVolume') return o;
    const ref = (o.spec as { claimRef?: { namespace?: unknown; name?: unknown; uid?: unknown } } | undefined)
      ?.claimRef;
    if (typeof ref?.uid !== 'string' || claimUids.get(`${ref.namespace}/${ref.name}`) !== ref.uid) return o;
    const { uid: _, ...claimRef } = ref;
    return { ...o, spec: { ...(o.spec as object), claimRef } };
  });
}

/** The live objects judged (as enforce would: a result says what the rule finds), those in scope. */
export function auditOf(objects: KubeObject[], scope: Scope = EVERY_NAMESPACE): Audit {
  const judged = judge(asManifests(withoutLiveClaimUids(objects)), { live: true }).map(
    ({ manifest, evaluation }) => ({
      object: manifest.object,
      evaluation,
      results: resultsOf(evaluation),
    }),
  );
  return {
    audited: inScope(
      judged.filter((a) => a.results.length > 0 && !isBeingDeleted(a.object)),
      scope,
    ),
    beingDeleted: inScope(judged.filter(goingAway), scope),
  };
}

export function audit(objects: KubeObject[], namespaces: string[] = []): AuditedObject[] {
  return auditOf(objects, { namespaces, excluded: [] }).audited;
}

/** The note naming the objects being deleted (the first few), or none. */
export function beingDeletedNotes(beingDeleted: AuditedObject[]): string[] {
  if (beingDeleted.length === 0) return [];
  const names = beingDeleted.map((a) => kindAndName(a.object));
  return [
    `${names.length} AIStore object(s) being deleted, not judged (they only go away; the webhook no longer judges them): ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`,
  ];
}

/** The objects of the scope's namespaces (every one when none is given) but its excluded ones, PVs by their deployment's. */
function inScope(audited: AuditedObject[], { namespaces, excluded }: Scope): AuditedObject[] {
  return audited.filter((a) => {
    const namespace = namespaceOf(a) ?? '';
    return (namespaces.length === 0 || namespaces.includes(namespace)) && !excluded.includes(namespace);
  });
}

/**
 * What the reports hold: the namespaced objects of the -n namespaces, and every PV. The cluster
 * report is one object for all namespaces' PVs: written from a part, it would drop the rest.
 */
const reportedOf = (all: AuditedObject[], scope: Scope) => [
  ...inScope(all, scope).filter((a) => a.object.metadata?.namespace),
  ...all.filter((a) => !a.object.metadata?.namespace),
];

const MARK = { fail: 'FAIL', warn: 'WARN', pass: 'PASS' } as const;

function counts(audited: AuditedObject[]) {
  const of = (r: string) => audited.filter((a) => worst(a.results) === r).length;
  return { objects: audited.length, failing: of('fail'), warned: of('warn'), passing: of('pass') };
}

export function renderAuditText(audited: AuditedObject[], notes: string[]): string {
  const out = notes.map((n) => `note: ${terminalSafe(n)}`);
  for (const { object, evaluation, results } of audited) {
    const problems = results.filter((r) => r.result !== 'pass');
    if (problems.length === 0) continue;
    const layout = evaluation.multiTarget
      ? ` [multi-target: ${evaluation.signal}]`
      : ' [one target per node]';
    out.push(terminalSafe(`${kindAndName(object)}${layout}`));
    for (const r of problems) {
      out.push(`  ${r.unjudged ? 'ERROR' : MARK[r.result]}  ${r.rule}: ${terminalSafe(r.message)}`);
      out.push(`        fix: ${terminalSafe(r.fix ?? '')}`);
      out.push(`        see: ${RULE_DOC_BASE}#${r.rule}`);
    }
  }
  const c = counts(audited);
  out.push(
    `${c.objects} AIStore object(s) audited: ${c.failing} failing, ${c.warned} with warnings, ${c.passing} passing`,
  );
  return out.join('\n') + '\n';
}

export function renderAuditJson(audited: AuditedObject[], notes: string[]): string {
  const objects = audited.map(({ object, evaluation, results }) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata?.namespace,
    name: object.metadata?.name,
    role: evaluation.role,
    multiTarget: evaluation.multiTarget ?? null,
    signal: evaluation.signal ?? null,
    result: worst(results),
    results,
  }));
  return (
    JSON.stringify(
      {
        schemaVersion: SCHEMA_VERSION,
        tool: 'ais-guard',
        version: VERSION,
        command: 'audit',
        summary: counts(audited),
        notes,
        objects,
      },
      null,
      2,
    ) + '\n'
  );
}

export async function runAudit(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(AUDIT_HELP + '\n');
    return 0;
  }
  const kc = await requireKubeConfig(opts.kubeconfig, opts.context);
  const { collect } = await import('../audit/collect.js');
  let collected;
  try {
    collected = await collect(kc);
  } catch (err) {
    // No answer at all (refused, DNS, TLS, credentials) says which server, as doctor does.
    const answered = typeof (err as { statusCode?: unknown }).statusCode === 'number';
    const server = answered ? '' : `${kc.getCurrentCluster()?.server ?? 'the apiserver'}: `;
    io.stderr.write(
      `ais-guard audit: cannot read the cluster: ${terminalSafe(server + (err as Error).message)}\n`,
    );
    return 2;
  }
  const { audited: all, beingDeleted } = auditOf(collected.objects);
  const audited = inScope(all, opts.scope);
  const { fails, spared } = failuresUnder(audited, opts.modes);
  const notes = [
    ...collected.notes,
    ...beingDeletedNotes(inScope(beingDeleted, opts.scope)),
    ...(spared > 0
      ? [
          `${spared} failing result(s) of rules the webhook runs in mode warn or audit (--mode, --rule-mode): reported as fail, what enforce would deny; they do not fail the run`,
        ]
      : []),
  ];
  const reported = reportedOf(all, opts.scope);
  // The report APIs the cluster serves: asked only when reports are wanted and it matters.
  const needsDiscovery = opts.apply || (opts.format === 'report' && opts.reportFormat === 'auto');
  const apply = await import('../audit/apply.js');
  let served = new Set<ReportKind>();
  try {
    if (needsDiscovery) served = await apply.servedKinds(kc, opts.reportFormat);
  } catch (err) {
    io.stderr.write(
      `ais-guard audit: cannot ask which report APIs are served: ${terminalSafe((err as Error).message)}\n`,
    );
    return 2;
  }
  const kinds = reportKinds(opts.reportFormat, served);
  // Earlier reports are looked for only where the cluster serves their kind (for a kind it does
  // not, --apply stops below and says what to install). With auto, also those of the kind no longer
  // written (the cluster now serves OpenReports): Policy Reporter reads both and kept them for good.
  const inspected = opts.reportFormat === 'auto' ? [...served] : kinds.filter((k) => served.has(k));
  const clear = opts.apply ? await staleScopes(apply, kc, inspected, kinds, reported, opts.scope, io) : {};
  const built = {
    now: Math.floor(Date.now() / 1000),
    clear: opts.format === 'report' ? alwaysPrinted(clear, kinds, opts.scope.namespaces) : clear,
  };
  const reports = buildReports(reported, opts.format === 'report' || opts.apply ? kinds : [], built);
  const retired = opts.apply
    ? buildReports(
        [],
        inspected.filter((k) => !kinds.includes(k)),
        built,
      )
    : [];
  const render = {
    text: () => renderAuditText(audited, notes),
    json: () => renderAuditJson(audited, notes),
    // As plan writes its YAML: kubectl (go-yaml v2, YAML 1.1) must read a namespace "on" back as "on".
    report: () => reports.map((r) => stringifyForKube(r)).join('---\n'),
  }[opts.format];
  io.stdout.write(render());
  // The reports hold no notes and fill stdout: what the reader must know (the AIStore CRD not read,
  // objects being deleted) goes to stderr, or a partial view reads as a clean verdict.
  if (opts.format === 'report') {
    for (const n of notes) io.stderr.write(`note: ${terminalSafe(n)}\n`);
    if (reported.length === 0)
      io.stderr.write(
        'note: no AIStore object to report on: the reports are empty (applied, they clear earlier results)\n',
      );
  }
  if (opts.apply) {
    const missing = apply.missingCrds(opts.reportFormat, kinds, served);
    if (missing) {
      io.stderr.write(`ais-guard audit: not applied: ${missing}\n`);
      return 2;
    }
    // Each report is applied on its own: every refused one is named, and the run fails at the end.
    const outcomes = await apply.applyReports(kc, [...reports, ...retired]);
    for (const { name, error } of outcomes)
      io.stderr.write(
        error === undefined
          ? `applied ${name}\n`
          : `ais-guard audit: not applied: ${name}: ${apiError(error)}\n`,
      );
    if (outcomes.some((o) => o.error !== undefined)) return 2;
  }
  return fails > 0 ? 1 : 0;
}

/**
 * The failing results that fail the run: those of rules the webhook enforces (--mode, --rule-mode),
 * and those it only warns of or audits (spared). The results themselves say what each rule finds,
 * whatever the mode: during an audit-mode rollout the reports show what enforce would refuse.
 */
function failuresUnder(audited: AuditedObject[], modes: Modes): { fails: number; spared: number } {
  let fails = 0;
  let spared = 0;
  for (const { results } of audited)
    for (const r of results)
      if (r.result === 'fail') {
        if (modeOf(modes, r.rule) === 'enforce') fails++;
        else spared++;
      }
  return { fails, spared };
}

/**
 * The scopes -o report prints a report for even with no results there: the cluster (its report is one
 * object for every namespace's PVs, so an empty one is the truth, and replaces stale results when
 * applied) and each -n namespace. Without them, a run with nothing to report printed nothing, and
 * `audit -o report | kubectl apply --server-side -f -` failed with "no objects passed to apply".
 */
function alwaysPrinted(
  clear: Partial<Record<ReportKind, ReportScopes>>,
  kinds: ReportKind[],
  namespaces: string[],
): Partial<Record<ReportKind, ReportScopes>> {
  const out = { ...clear };
  for (const kind of kinds)
    out[kind] = {
      namespaces: [...new Set([...(clear[kind]?.namespaces ?? []), ...namespaces])],
      cluster: true,
    };
  return out;
}

/**
 * Per report kind, where an earlier run wrote a report that this run has no results for (within
 * the -n namespaces, and the cluster report; every one of a kind this run does not write): those
 * get an empty report, so a rerun replaces the previous results there too. A cluster that refuses
 * the list (an install whose RBAC predates it) keeps its old reports, and is told so.
 */
async function staleScopes(
  apply: typeof import('../audit/apply.js'),
  kc: KubeConfig,
  kinds: ReportKind[],
  written: ReportKind[],
  audited: AuditedObject[],
  { namespaces, excluded }: Scope,
  io: Io,
): Promise<Partial<Record<ReportKind, ReportScopes>>> {
  const found = new Set(audited.map((a) => a.object.metadata?.namespace).filter(Boolean));
  const clear: Partial<Record<ReportKind, ReportScopes>> = {};
  for (const kind of kinds) {
    // A namespace with results this run gets a report of each written kind anyway; one left out
    // (not among -n, or --exclude-namespace) keeps its report: it was not looked at.
    const stale = (ns: string) =>
      !(written.includes(kind) && found.has(ns)) &&
      (namespaces.length === 0 || namespaces.includes(ns)) &&
      !excluded.includes(ns);
    try {
      const earlier = await apply.reportScopes(kc, kind);
      clear[kind] = { namespaces: earlier.namespaces.filter(stale), cluster: earlier.cluster };
    } catch (err) {
      io.stderr.write(
        `ais-guard audit: earlier ${kind} reports not cleared where nothing is found now: ${apiError(err)} (deploy/audit/rbac.yaml grants list)\n`,
      );
    }
  }
  return clear;
}

/**
 * An apiserver error on one line: the client's ApiException message spans lines (code, message,
 * body, headers); the Status message the apiserver sent says it best. Made terminal-safe: a
 * webhook that refuses a report writes that message, ESC sequences and \r included.
 */
function apiError(err: unknown): string {
  const { code, body, message } = err as { code?: unknown; body?: unknown; message?: unknown };
  let status: string | undefined;
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    const text = (parsed as { message?: unknown } | undefined)?.message;
    if (typeof text === 'string') status = text;
  } catch {
    // not JSON: fall back to the first line of the message
  }
  const first = String(message ?? err).split('\n')[0];
  return terminalSafe(`${typeof code === 'number' ? `HTTP ${code}: ` : ''}${status ?? first}`);
}
