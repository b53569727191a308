// What the guard's informers list and watch (src/server/cluster.ts RESOURCES), and with
// --manage-webhook-config get/patch of its own configurations, asked of the apiserver for the
// guard's ServiceAccount (SubjectAccessReview). A denied list/watch leaves the guard never ready.
// Whether the guard runs with --manage-webhook-config is read off its live Deployment: a Helm
// install may leave it off (cert-manager mode, certificates.manageWebhookConfig=false) with
// failure policies that match an overlay that has it, and then withholds those rights on purpose.
import { MANAGE_WEBHOOK_CONFIG } from '../expected.js';
import type { CheckResult, Expected, Permission, Snapshot } from '../types.js';
import { ASK_AGAIN, couldNotRead, list, renderHint, verdict, type Finding } from './common.js';

export const describePermission = (p: Permission): string =>
  `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}${p.name ? `/${p.name}` : ''}`;

/** get/patch on the guard's own configurations: needed with --manage-webhook-config only. */
const caBundleRight = (p: Permission): boolean => p.name !== undefined;

export function checkRbac(snapshot: Snapshot, expected: Expected): CheckResult {
  const who = `ServiceAccount ${expected.namespace}/${expected.serviceAccount}`;
  const findings: Finding[] = [];
  const hint = renderHint(expected);
  if (!snapshot.serviceAccount.ok && snapshot.serviceAccount.absent)
    findings.push({ status: 'fail', message: `${who} does not exist`, fix: hint });
  const args = snapshot.guardArgs;
  // undefined: the Deployment was not read, so whether the guard needs the caBundle rights is unknown.
  const manages = args?.ok ? args.value.includes(MANAGE_WEBHOOK_CONFIG) : undefined;
  const access = snapshot.access.filter((a) => manages !== false || !caBundleRight(a.permission));
  const caRole = access.some((a) => caBundleRight(a.permission)) ? ` and ${expected.name}-webhook-ca` : '';
  const denied = access.filter((a) => a.allowed === false);
  const needed = denied.filter((a) => manages === true || !caBundleRight(a.permission));
  const unsure = denied.filter((a) => manages === undefined && caBundleRight(a.permission));
  const unasked = access.filter((a) => a.allowed === undefined);
  if (needed.length > 0)
    findings.push({
      status: 'fail',
      message: `${who} may not ${list(
        needed.map((a) => describePermission(a.permission)),
        6,
      )}`,
      // Named as render --name names them (src/deploy/transform.ts, renamed).
      fix: `restore the ClusterRoles ${expected.name}${caRole} and their bindings (${hint})`,
    });
  if (unsure.length > 0) {
    const deployment = `Deployment ${expected.namespace}/${expected.deployment}`;
    // Why its args are unknown decides the fix: a grant helps only with a refusal (403).
    const [notRead, tell] =
      args && !args.ok && args.absent
        ? [`${deployment} does not exist`, 'restore the Deployment too']
        : args && !args.ok && args.unanswered
          ? [couldNotRead(deployment, args), ASK_AGAIN]
          : [
              `${deployment} not read (${args && !args.ok ? args.reason : 'not asked'})`,
              "grant doctor's user get on the Deployment to tell",
            ];
    findings.push({
      status: 'warn',
      message: `${who} may not ${list(unsure.map((a) => describePermission(a.permission)))}, needed only if the guard runs with ${MANAGE_WEBHOOK_CONFIG}: ${notRead}`,
      fix: `if its args have ${MANAGE_WEBHOOK_CONFIG}, restore the ClusterRole ${expected.name}-webhook-ca and its binding (${hint}); ${tell}`,
    });
  }
  if (unasked.length > 0)
    findings.push({
      status: 'warn',
      message: `not checked: ${unasked[0]!.reason ?? 'no answer'}`,
      fix: unasked[0]!.unanswered ? ASK_AGAIN : 'run doctor as a user that may create subjectaccessreviews',
    });
  const resources = [
    ...new Set(
      access
        .filter((a) => !caBundleRight(a.permission))
        .map((a) => describePermission(a.permission).split(' ')[1]!),
    ),
  ];
  const configs = access.filter((a) => caBundleRight(a.permission) && a.permission.verb === 'get').length;
  const summary = `${who} may list and watch ${resources.join(', ')}${
    configs ? ` and get/patch its ${configs} webhook configuration${configs === 1 ? '' : 's'}` : ''
  }${
    // The overlay has it, the live guard does not (e.g. the chart in cert-manager mode with mode=audit).
    manages === false && expected.permissions.some(caBundleRight)
      ? `, not its webhook configurations (it runs without ${MANAGE_WEBHOOK_CONFIG})`
      : ''
  } (${access.length} ${access[0]?.self ? 'SelfSubjectAccessReviews' : 'SubjectAccessReviews'})`;
  return verdict('rbac', findings, summary);
}
