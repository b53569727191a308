import { expect, it } from '@jest/globals';
import { absent } from '../types.js';
import { checkTable, expectedFor, type CheckRow } from '../../../test/doctor/support.js';
import { checkRbac } from './rbac.js';

const deny =
  (verb: string, resource: string): CheckRow['edit'] =>
  (s) => {
    for (const a of s.access)
      if (a.permission.verb === verb && a.permission.resource === resource) a.allowed = false;
  };

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
