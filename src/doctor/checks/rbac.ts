// What the guard's informers list and watch (src/server/cluster.ts RESOURCES), and with
// --manage-webhook-config get/patch of its own configurations, asked of the apiserver for the
// guard's ServiceAccount (SubjectAccessReview). A denied list/watch leaves the guard never ready.
import type { CheckResult, Expected, Permission, Snapshot } from '../types.js';
import { list, renderHint, verdict, type Finding } from './common.js';

export const describePermission = (p: Permission): string =>
  `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}${p.name ? `/${p.name}` : ''}`;

export function checkRbac(snapshot: Snapshot, expected: Expected): CheckResult {
  const who = `ServiceAccount ${expected.namespace}/${expected.serviceAccount}`;
  const findings: Finding[] = [];
  const hint = renderHint(expected);
  if (!snapshot.serviceAccount.ok && snapshot.serviceAccount.absent)
    findings.push({ status: 'fail', message: `${who} does not exist`, fix: hint });
  const denied = snapshot.access
    .filter((a) => a.allowed === false)
    .map((a) => describePermission(a.permission));
  const unasked = snapshot.access.filter((a) => a.allowed === undefined);
  if (denied.length > 0)
    findings.push({
      status: 'fail',
      message: `${who} may not ${list(denied, 6)}`,
      // Named as render --name names them (src/deploy/transform.ts, renamed).
      fix: `restore the ClusterRoles ${expected.name}${expected.permissions.some((p) => p.name) ? ` and ${expected.name}-webhook-ca` : ''} and their bindings (${hint})`,
    });
  if (unasked.length > 0)
    findings.push({
      status: 'warn',
      message: `not checked: ${unasked[0]!.reason ?? 'no answer'}`,
      fix: 'run doctor as a user that may create subjectaccessreviews',
    });
  const resources = [
    ...new Set(expected.permissions.filter((p) => !p.name).map((p) => describePermission(p).split(' ')[1]!)),
  ];
  const configs = expected.permissions.filter((p) => p.name && p.verb === 'get').length;
  const summary = `${who} may list and watch ${resources.join(', ')}${
    configs ? ` and get/patch its ${configs} webhook configuration${configs === 1 ? '' : 's'}` : ''
  } (${snapshot.access.length} ${snapshot.access[0]?.self ? 'SelfSubjectAccessReviews' : 'SubjectAccessReviews'})`;
  return verdict('rbac', findings, summary);
}
