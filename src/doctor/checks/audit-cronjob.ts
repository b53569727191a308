// The optional `audit --apply` CronJob (deploy/audit, render --with-audit, the chart's audit.enabled).
// A failed Job is its only signal, and nobody watches it: an audit that exits 2 every hour (no report
// CRDs, its ServiceAccount's role missing, an image that does not pull) went unnoticed. Not installed
// is fine. Installed: the report APIs its --report-format needs are served (else every run exits 2),
// its ServiceAccount may do what deploy/audit/rbac.yaml grants, and its last run succeeded.
import { REPORT_APIS, REPORT_CRDS, REPORT_FORMATS, type ReportKind } from '../../audit/report-format.js';
import { cronJobArgs } from '../expected.js';
import {
  unreadable,
  type Access,
  type CheckResult,
  type CronJob,
  type Expected,
  type Fetched,
  type Snapshot,
} from '../types.js';
import { ASK_AGAIN, couldNotRead, list, readFix, verdict, type Finding } from './common.js';
import { describePermission } from './rbac.js';

/** In auto's order of preference (src/audit/report-format.ts, reportKinds). */
const KINDS: ReportKind[] = ['openreports', 'policyreport'];

/** The --report-format a CronJob's audit runs with: the last one given (as parseArgs takes it), else auto. */
export function reportFormatOf(args: string[]): string {
  let format = 'auto';
  args.forEach((a, i) => {
    if (a === '--report-format' && i + 1 < args.length) format = args[i + 1]!;
    else if (a.startsWith('--report-format=')) format = a.slice('--report-format='.length);
  });
  return format;
}

/**
 * The name of the Job the CronJob controller made for a scheduled time: `<cronjob>-<minutes since
 * the epoch>` (kubernetes pkg/controller/cronjob/utils.go, getJobName).
 */
export const jobNameOf = (cronJob: string, scheduled: string): string =>
  `${cronJob}-${Math.floor(Date.parse(scheduled) / 60_000)}`;

/** The report kind a permission's API group belongs to, if any. */
const kindOfGroup = (group: string): ReportKind | undefined =>
  KINDS.find((k) => REPORT_APIS[k].split('/')[0] === group);

/** Whether a report API is served: true, false (404), or undefined when it could not be asked. */
const servedOf = (f: Fetched<unknown> | undefined): boolean | undefined =>
  f?.ok ? true : f?.absent ? false : undefined;

/** The report APIs a run needs: a finding when none (auto) or one (policyreport, openreports, both) is missing. */
function reportFindings(
  format: string,
  served: Record<ReportKind, boolean | undefined>,
  audit: Snapshot['audit'],
): Finding[] {
  const needed: ReportKind[] = format === 'auto' || format === 'both' ? KINDS : [format as ReportKind];
  const unknown = needed.filter((k) => served[k] === undefined);
  const missing = needed.filter((k) => served[k] === false);
  const every = 'every run writes nothing and exits 2';
  if (format === 'auto' && needed.some((k) => served[k])) return [];
  if (format === 'auto' ? missing.length === needed.length : missing.length > 0)
    return [
      {
        status: 'fail',
        message: `${every}: ${
          format === 'auto'
            ? `neither ${missing.map((k) => REPORT_APIS[k]).join(' nor ')} is served`
            : `${missing.map((k) => REPORT_APIS[k]).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not served`
        } (--report-format ${format})`,
        fix: `install ${missing.map((k) => REPORT_CRDS[k]).join(format === 'auto' ? ' or ' : ' and ')}`,
      },
    ];
  if (unknown.length === 0) return [];
  const first = (audit.reportApis[REPORT_APIS[unknown[0]!]] ?? unreadable('not asked')) as Extract<
    Fetched<unknown>,
    { ok: false }
  >;
  return [
    {
      status: 'warn',
      message: `whether its report APIs are served not checked: ${couldNotRead(`API ${REPORT_APIS[unknown[0]!]}`, first)}`,
      fix: readFix(
        first,
        "run doctor as a user that may read the API discovery (every user may: check doctor's kubeconfig)",
      ),
    },
  ];
}

/** What the ServiceAccount may not do, split into what runs need now and what only auto may need later. */
function rbacFindings(
  who: string,
  access: Access[],
  format: string,
  served: Record<ReportKind, boolean | undefined>,
  role: string,
): Finding[] {
  const findings: Finding[] = [];
  const denied = access.filter((a) => a.allowed === false);
  // A report kind's rights matter when the run lists or writes it: the one a fixed format names,
  // with auto each kind served (it lists both, writes OpenReports if served); unknown counts as needed.
  const needs = (kind: ReportKind) =>
    format === 'auto' ? served[kind] !== false : format === 'both' || format === kind;
  const now = denied.filter((a) => {
    const kind = kindOfGroup(a.permission.group);
    return kind === undefined || needs(kind);
  });
  const later = denied.filter((a) => {
    const kind = kindOfGroup(a.permission.group);
    return kind !== undefined && format === 'auto' && !needs(kind);
  });
  const restore = `restore the ClusterRole ${role} and its ClusterRoleBinding to ${who} (ais-guard render --with-audit, the chart's audit.enabled; docs/deploy.md "RBAC")`;
  if (now.length > 0)
    findings.push({
      status: 'fail',
      message: `its ${who} may not ${list(
        now.map((a) => describePermission(a.permission)),
        6,
      )}: every run exits 2`,
      fix: restore,
    });
  if (later.length > 0)
    findings.push({
      status: 'warn',
      message: `its ${who} may not ${list(later.map((a) => describePermission(a.permission)))}, needed once the cluster serves ${list([...new Set(later.map((a) => REPORT_APIS[kindOfGroup(a.permission.group)!]))])} (--report-format auto then writes them)`,
      fix: restore,
    });
  const unasked = access.find((a) => a.allowed === undefined);
  if (unasked)
    findings.push({
      status: 'warn',
      message: `its ${who}'s rights not checked: ${unasked.reason ?? 'no answer'}`,
      fix: unasked.unanswered ? ASK_AGAIN : 'run doctor as a user that may create subjectaccessreviews',
    });
  return findings;
}

/** The CronJob's own status: suspended, never run, running, or its last run failed. */
function statusFindings(
  cronJob: CronJob,
  name: string,
  namespace: string,
): {
  findings: Finding[];
  note: string;
} {
  const { lastScheduleTime: scheduled, lastSuccessfulTime: succeeded, active } = cronJob.status ?? {};
  const findings: Finding[] = [];
  if (cronJob.spec?.suspend === true)
    findings.push({
      status: 'warn',
      message: 'suspended: no audit runs',
      fix: `kubectl -n ${namespace} patch cronjob ${name} -p '{"spec":{"suspend":false}}' (or remove it: it is optional)`,
    });
  if (!scheduled) return { findings, note: 'not run yet' };
  const running = (active ?? []).flatMap((a) => a.name ?? []);
  // The run of the last schedule is still going: nothing to judge of it yet.
  if (running.length > 0) return { findings, note: `a run is in progress (Job ${running.join(', ')})` };
  if (succeeded && Date.parse(succeeded) >= Date.parse(scheduled))
    return { findings, note: `last run succeeded (scheduled ${scheduled})` };
  const job = jobNameOf(name, scheduled);
  findings.push({
    status: 'warn',
    message: `the last run (Job ${job}, scheduled ${scheduled}) did not succeed (${
      succeeded ? `last success ${succeeded}` : 'no run has succeeded'
    })`,
    fix: `kubectl -n ${namespace} logs job/${job}: exit 1 means some object breaks a rule the webhook would deny (see the reports: kubectl get reports,policyreports -A), exit 2 that the cluster could not be read, the report CRDs are missing or a report was refused (the log says which); no log: kubectl -n ${namespace} describe job/${job} (image not pulled, ServiceAccount missing)`,
  });
  return { findings, note: '' };
}

export function checkAuditCronjob(snapshot: Snapshot, expected: Expected): CheckResult {
  const { audit } = snapshot;
  const name = expected.audit.cronJob;
  const label = `CronJob ${expected.namespace}/${name}`;
  if (!audit.cronJob.ok)
    return audit.cronJob.absent
      ? {
          check: 'audit-cronjob',
          status: 'ok',
          message: `${label} not installed (optional: ais-guard render --with-audit, the chart's audit.enabled)`,
        }
      : {
          check: 'audit-cronjob',
          status: 'warn',
          message: `not checked: ${couldNotRead(label, audit.cronJob)}`,
          fix: readFix(
            audit.cronJob,
            `run doctor as a user that may get cronjobs.batch in ${expected.namespace}`,
          ),
        };
  const cronJob = audit.cronJob.value;
  const args = cronJobArgs(cronJob);
  const format = reportFormatOf(args);
  const findings: Finding[] = [];
  const served = Object.fromEntries(
    KINDS.map((k) => [k, servedOf(audit.reportApis[REPORT_APIS[k]])]),
  ) as Record<ReportKind, boolean | undefined>;
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    findings.push({
      status: 'fail',
      message: `it runs audit with --report-format ${format}, which audit refuses: every run exits 2`,
      fix: `use one of ${REPORT_FORMATS.join(', ')}`,
    });
  // Without --apply it writes no report (a custom CronJob): no report API is needed.
  else if (args.includes('--apply')) findings.push(...reportFindings(format, served, audit));
  const who = `ServiceAccount ${expected.namespace}/${audit.serviceAccount ?? 'default'}`;
  findings.push(...rbacFindings(who, audit.access, format, served, name));
  const status = statusFindings(cronJob, name, expected.namespace);
  findings.push(...status.findings);
  const writes = KINDS.filter((k) => served[k]).map((k) => REPORT_APIS[k]);
  const result = verdict(
    'audit-cronjob',
    findings,
    `${label} (schedule ${cronJob.spec?.schedule ?? '?'}, --report-format ${format}${
      writes.length ? `, served: ${writes.join(', ')}` : ''
    }): ${status.note}; its ${who} may do what ClusterRole ${name} grants (${audit.access.length} SubjectAccessReviews)`,
  );
  return result.status === 'ok' ? result : { ...result, message: `${label}: ${result.message}` };
}
