import { beforeAll, describe, expect, it } from '@jest/globals';
import { renderManifests, type KObject } from '../../deploy/index.js';
import { checkAuditCronjob, jobNameOf, reportFormatOf } from './audit-cronjob.js';
import { cronJobServiceAccount } from '../expected.js';
import {
  absent,
  found,
  unanswered,
  unreadable,
  type CronJob,
  type Expected,
  type Snapshot,
} from '../types.js';
import { checkTable, expectedFor, healthySnapshot, makeCerts, NOW } from '../../../test/doctor/support.js';

const OPENREPORTS = 'openreports.io/v1alpha1';
const POLICYREPORT = 'wgpolicyk8s.io/v1alpha2';

/** deploy/audit's CronJob as `render --with-audit` gives it, before any run. */
let rendered: CronJob;
beforeAll(async () => {
  const objects = await renderManifests({ withAudit: true });
  rendered = objects.find((o) => o.kind === 'CronJob') as KObject & CronJob;
});

const HOUR_AGO = new Date(NOW.getTime() - 3_600_000).toISOString();
const TWO_HOURS_AGO = new Date(NOW.getTime() - 7_200_000).toISOString();

/**
 * The CronJob installed and healthy: OpenReports served (PolicyReports not), every right granted,
 * the last run (an hour ago) succeeded. `edit` then changes it.
 */
function installed(edit: (cj: CronJob, audit: Snapshot['audit']) => void = () => undefined) {
  return (s: Snapshot, _c: unknown, e: Expected) => {
    const cronJob = structuredClone(rendered);
    cronJob.status = { lastScheduleTime: HOUR_AGO, lastSuccessfulTime: HOUR_AGO };
    s.audit = {
      cronJob: found(cronJob),
      reportApis: { [OPENREPORTS]: found({}), [POLICYREPORT]: absent() },
      serviceAccount: 'ais-guard-audit',
      access: e.audit.permissions.map((permission) => ({ permission, allowed: true })),
    };
    edit(cronJob, s.audit);
  };
}

const withArgs = (args: string[]) => (cj: CronJob) => {
  cj.spec!.jobTemplate!.spec!.template!.spec!.containers![0]!.args = args;
};
const deny =
  (...rights: string[]) =>
  (_cj: CronJob, audit: Snapshot['audit']) => {
    for (const a of audit.access)
      if (rights.includes(`${a.permission.verb} ${a.permission.resource}`)) a.allowed = false;
  };
const serve = (apis: Record<string, boolean>) => (_cj: CronJob, audit: Snapshot['audit']) => {
  for (const [api, on] of Object.entries(apis)) audit.reportApis[api] = on ? found({}) : absent();
};
const both =
  (...edits: ((cj: CronJob, audit: Snapshot['audit']) => void)[]) =>
  (cj: CronJob, audit: Snapshot['audit']) =>
    edits.forEach((f) => f(cj, audit));

describe('audit-cronjob', () => {
  checkTable(checkAuditCronjob, [
    {
      name: 'not installed: ok, it is optional',
      expect: { status: 'ok', message: /^CronJob ais-guard\/ais-guard-audit not installed \(optional/ },
    },
    {
      name: 'CronJob not readable (403): not checked',
      edit: (s) => (s.audit.cronJob = unreadable('403 cronjobs.batch "ais-guard-audit" is forbidden')),
      expect: {
        status: 'warn',
        message: /^not checked: CronJob ais-guard\/ais-guard-audit could not be read \(403/,
        fix: /may get cronjobs\.batch in ais-guard/,
      },
    },
    {
      name: 'CronJob not answered (503): ask again',
      edit: (s) => (s.audit.cronJob = unanswered('503 unavailable')),
      expect: { status: 'warn', message: /did not answer/, fix: /^run doctor again/ },
    },
    {
      name: 'installed and healthy: the last run succeeded, every right granted',
      edit: installed(),
      expect: {
        status: 'ok',
        message:
          /^CronJob ais-guard\/ais-guard-audit \(schedule 17 \* \* \* \*, --report-format auto, served: openreports\.io\/v1alpha1\): last run succeeded .*ServiceAccount ais-guard\/ais-guard-audit may do what ClusterRole ais-guard-audit grants \(18 SubjectAccessReviews\)$/,
      },
    },
    {
      name: 'never scheduled yet: ok with a note',
      edit: installed((cj) => (cj.status = {})),
      expect: { status: 'ok', message: /: not run yet;/ },
    },
    {
      name: 'auto, neither report API served: fail, every run exits 2',
      edit: installed(serve({ [OPENREPORTS]: false, [POLICYREPORT]: false })),
      expect: {
        status: 'fail',
        message:
          /^CronJob ais-guard\/ais-guard-audit: every run writes nothing and exits 2: neither openreports\.io\/v1alpha1 nor wgpolicyk8s\.io\/v1alpha2 is served \(--report-format auto\)/,
        fix: /^install the OpenReports CRDs .* or the PolicyReport CRDs/,
      },
    },
    {
      name: 'auto, only PolicyReports served: ok',
      edit: installed(serve({ [OPENREPORTS]: false, [POLICYREPORT]: true })),
      expect: { status: 'ok', message: /served: wgpolicyk8s\.io\/v1alpha2\)/ },
    },
    {
      name: '--report-format=openreports (one word), only PolicyReports served: fail',
      edit: installed(
        both(
          withArgs(['audit', '--apply', '-o', 'json', '--report-format=openreports']),
          serve({ [OPENREPORTS]: false, [POLICYREPORT]: true }),
        ),
      ),
      expect: {
        status: 'fail',
        message: /exits 2: openreports\.io\/v1alpha1 is not served \(--report-format openreports\)/,
        fix: /^install the OpenReports CRDs/,
      },
    },
    {
      name: "--report-format both (the chart's extraArgs), PolicyReports missing: fail",
      edit: installed(withArgs(['audit', '--apply', '-o', 'json', '--report-format', 'both'])),
      expect: { status: 'fail', message: /wgpolicyk8s\.io\/v1alpha2 is not served \(--report-format both\)/ },
    },
    {
      name: 'without --apply nothing is written: no report API needed',
      edit: installed(
        both(withArgs(['audit', '-o', 'json']), serve({ [OPENREPORTS]: false, [POLICYREPORT]: false })),
      ),
      expect: { status: 'ok', message: /--report-format auto\): last run succeeded/ },
    },
    {
      name: 'a --report-format audit refuses: fail',
      edit: installed(withArgs(['audit', '--apply', '--report-format', 'openreport'])),
      expect: {
        status: 'fail',
        message: /--report-format openreport, which audit refuses: every run exits 2/,
        fix: /auto, policyreport, openreports, both/,
      },
    },
    {
      name: 'report API discovery refused (403): not checked',
      edit: installed((_cj, audit) => {
        audit.reportApis[OPENREPORTS] = unreadable('403 forbidden');
        audit.reportApis[POLICYREPORT] = unreadable('403 forbidden');
      }),
      expect: {
        status: 'warn',
        message: /report APIs are served not checked: API openreports\.io\/v1alpha1 could not be read \(403/,
      },
    },
    {
      name: 'may not list pods: fail, every run exits 2',
      edit: installed(deny('list pods')),
      expect: {
        status: 'fail',
        message: /ServiceAccount ais-guard\/ais-guard-audit may not list pods: every run exits 2/,
        fix: /^restore the ClusterRole ais-guard-audit and its ClusterRoleBinding/,
      },
    },
    {
      name: 'auto, OpenReports served, may not create reports: fail',
      edit: installed(deny('create reports')),
      expect: { status: 'fail', message: /may not create reports\.openreports\.io/ },
    },
    {
      name: 'auto, OpenReports not served, may not create reports: warn, needed once they are',
      edit: installed(
        both(serve({ [OPENREPORTS]: false, [POLICYREPORT]: true }), deny('create reports', 'patch reports')),
      ),
      expect: {
        status: 'warn',
        message:
          /may not create reports\.openreports\.io, patch reports\.openreports\.io, needed once the cluster serves openreports\.io\/v1alpha1/,
      },
    },
    {
      name: '--report-format policyreport: the OpenReports rights are not needed',
      edit: installed(
        both(
          withArgs(['audit', '--apply', '--report-format', 'policyreport']),
          serve({ [OPENREPORTS]: true, [POLICYREPORT]: true }),
          deny('create reports', 'list clusterreports'),
        ),
      ),
      expect: { status: 'ok' },
    },
    {
      name: 'SubjectAccessReviews not allowed to doctor: not checked',
      edit: installed((_cj, audit) => {
        audit.access = audit.access.map(({ permission }) => ({
          permission,
          reason: 'creating a SubjectAccessReview: 403',
        }));
      }),
      expect: {
        status: 'warn',
        message: /rights not checked: creating a SubjectAccessReview: 403/,
        fix: /create subjectaccessreviews/,
      },
    },
    {
      name: 'the last run failed: warn, naming its Job and what exit 1 and 2 mean',
      edit: installed(
        (cj) => (cj.status = { lastScheduleTime: HOUR_AGO, lastSuccessfulTime: TWO_HOURS_AGO }),
      ),
      expect: {
        status: 'warn',
        message: new RegExp(
          `^CronJob ais-guard/ais-guard-audit: the last run \\(Job ais-guard-audit-${Date.parse(HOUR_AGO) / 60_000}, scheduled ${HOUR_AGO}\\) did not succeed \\(last success ${TWO_HOURS_AGO}\\)`,
        ),
        fix: new RegExp(
          `^kubectl -n ais-guard logs job/ais-guard-audit-${Date.parse(HOUR_AGO) / 60_000}: exit 1 means .*reports.*, exit 2 that the cluster could not be read, the report CRDs are missing or a report was refused`,
        ),
      },
    },
    {
      name: 'scheduled but never succeeded: warn',
      edit: installed((cj) => (cj.status = { lastScheduleTime: HOUR_AGO })),
      expect: { status: 'warn', message: /did not succeed \(no run has succeeded\)/, fix: /logs job\// },
    },
    {
      name: 'the last schedule still running: ok, nothing to judge yet',
      edit: installed(
        (cj) =>
          (cj.status = {
            lastScheduleTime: HOUR_AGO,
            lastSuccessfulTime: TWO_HOURS_AGO,
            active: [{ name: 'ais-guard-audit-123' }],
          }),
      ),
      expect: { status: 'ok', message: /a run is in progress \(Job ais-guard-audit-123\)/ },
    },
    {
      name: 'suspended: warn',
      edit: installed((cj) => (cj.spec!.suspend = true)),
      expect: { status: 'warn', message: /: suspended: no audit runs/, fix: /"suspend":false/ },
    },
  ]);
});

describe('audit-cronjob helpers', () => {
  it.each([
    { args: ['audit', '--apply'], format: 'auto' },
    { args: ['audit', '--report-format', 'both'], format: 'both' },
    { args: ['audit', '--report-format=policyreport'], format: 'policyreport' },
    // parseArgs keeps the last of a repeated option.
    { args: ['--report-format', 'both', '--report-format=openreports'], format: 'openreports' },
  ])('--report-format of $args: $format', ({ args, format }) => {
    expect(reportFormatOf(args)).toBe(format);
  });

  it('the Job of a schedule: <cronjob>-<minutes since the epoch>, as the CronJob controller names it', () => {
    expect(jobNameOf('ais-guard-audit', '1970-01-01T01:00:00Z')).toBe('ais-guard-audit-60');
    expect(jobNameOf('x', '2026-11-30T11:17:00Z')).toBe(`x-${Date.UTC(2026, 10, 30, 11, 17) / 60_000}`);
  });

  it("the pods' ServiceAccount: serviceAccountName, the deprecated serviceAccount, else default", () => {
    const pod = (spec: object): CronJob => ({ spec: { jobTemplate: { spec: { template: { spec } } } } });
    expect(cronJobServiceAccount(pod({ serviceAccountName: 'a', serviceAccount: 'b' }))).toBe('a');
    expect(cronJobServiceAccount(pod({ serviceAccount: 'b' }))).toBe('b');
    expect(cronJobServiceAccount(pod({}))).toBe('default');
  });

  it("the rights asked are deploy/audit's ClusterRole, renamed with the install", async () => {
    const expected = await expectedFor('base');
    expect(expected.audit.cronJob).toBe('ais-guard-audit');
    expect(expected.audit.permissions).toContainEqual({ verb: 'list', group: '', resource: 'pods' });
    expect(expected.audit.permissions).toContainEqual({
      verb: 'patch',
      group: 'wgpolicyk8s.io',
      resource: 'clusterpolicyreports',
    });
    expect(expected.audit.permissions).toHaveLength(18);
    // And a healthy install with no CronJob says so without asking anything.
    const snapshot = await healthySnapshot(expected, makeCerts());
    expect(checkAuditCronjob(snapshot, expected)).toMatchObject({ status: 'ok' });
  });
});
