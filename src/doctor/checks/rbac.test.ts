import { expect, it } from '@jest/globals';
import { absent, found, unreadable, type Snapshot } from '../types.js';
import { checkTable, expectedFor, type CheckRow } from '../../../test/doctor/support.js';
import { checkRbac } from './rbac.js';

const denied = (s: Snapshot, verb: string, resource: string) => {
  for (const a of s.access)
    if (a.permission.verb === verb && a.permission.resource === resource) a.allowed = false;
};
const deny =
  (verb: string, resource: string): CheckRow['edit'] =>
  (s) =>
    denied(s, verb, resource);

const rows: CheckRow[] = [
  {
    name: 'healthy base install',
    expect: {
      status: 'ok',
      message:
        /ServiceAccount ais-guard\/ais-guard may list and watch aistores\.ais\.nvidia\.com, persistentvolumes, nodes, statefulsets\.apps and get\/patch its 2 webhook configurations \(12 SubjectAccessReviews\)/,
    },
  },
  {
    name: 'cert-manager install: no webhook-configuration rights expected',
    overlay: 'cert-manager',
    expect: { status: 'ok', message: /statefulsets\.apps \(8 SubjectAccessReviews\)$/ },
  },
  {
    name: 'asked as the ServiceAccount itself',
    edit: (s) => s.access.forEach((a) => (a.self = true)),
    expect: { status: 'ok', message: /\(12 SelfSubjectAccessReviews\)$/ },
  },
  {
    name: 'watch nodes removed',
    edit: deny('watch', 'nodes'),
    expect: {
      status: 'fail',
      message: /may not watch nodes$/,
      fix: /restore the ClusterRoles ais-guard and ais-guard-webhook-ca/,
    },
  },
  {
    name: 'list statefulsets removed',
    edit: deny('list', 'statefulsets'),
    expect: { status: 'fail', message: /may not list statefulsets\.apps/ },
  },
  {
    name: 'patch of the configurations removed',
    edit: deny('patch', 'validatingwebhookconfigurations'),
    expect: {
      status: 'fail',
      message: /may not patch validatingwebhookconfigurations\.admissionregistration\.k8s\.io\/ais-guard/,
    },
  },
  {
    // The chart with certificates.manageWebhookConfig=false, or cert-manager mode with mode=audit:
    // no ClusterRole ais-guard-webhook-ca, on purpose.
    name: 'the live guard runs without --manage-webhook-config: its configuration rights are not needed',
    edit: (s) => {
      if (s.guardArgs?.ok)
        s.guardArgs = found(s.guardArgs.value.filter((a) => a !== '--manage-webhook-config'));
      denied(s, 'patch', 'validatingwebhookconfigurations');
    },
    expect: {
      status: 'ok',
      message:
        /statefulsets\.apps, not its webhook configurations \(it runs without --manage-webhook-config\) \(8 SubjectAccessReviews\)$/,
    },
  },
  {
    name: 'Deployment not readable: a denied patch of the configurations is a warning',
    edit: (s) => {
      s.guardArgs = unreadable('403 deployments.apps is forbidden');
      denied(s, 'patch', 'validatingwebhookconfigurations');
    },
    expect: {
      status: 'warn',
      message:
        /may not patch validatingwebhookconfigurations\.admissionregistration\.k8s\.io\/ais-guard, needed only if the guard runs with --manage-webhook-config: Deployment ais-guard\/ais-guard not read \(403/,
      fix: /restore the ClusterRole ais-guard-webhook-ca/,
    },
  },
  {
    name: 'ServiceAccount deleted',
    edit: (s) => (s.serviceAccount = absent()),
    expect: { status: 'fail', message: /ServiceAccount ais-guard\/ais-guard does not exist/ },
  },
  {
    name: 'the doctor user may not create SubjectAccessReviews',
    edit: (s) => {
      for (const a of s.access) {
        delete a.allowed;
        a.reason = 'creating a SubjectAccessReview: 403';
      }
    },
    expect: {
      status: 'warn',
      message: /not checked: creating a SubjectAccessReview: 403/,
      fix: /create subjectaccessreviews/,
    },
  },
];

checkTable(checkRbac, rows);

it('asks for list and watch of every resource the informers use (src/server/cluster.ts)', async () => {
  const { RESOURCES } = await import('../../server/cluster.js');
  const expected = await expectedFor('cert-manager');
  expect(expected.permissions.map((p) => `${p.verb} ${p.resource}`).sort()).toEqual(
    RESOURCES.flatMap((r) => [`list ${r.name}`, `watch ${r.name}`]).sort(),
  );
});
