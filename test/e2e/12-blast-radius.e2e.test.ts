// Issue 15, "blast radius", and issue 14 class 4 (recognition) against a real apiserver:
// - With the guard up, a chart's StatefulSet `web-target` with the target labels and a hostPort is
//   not AIStore's (no operator evidence) and is admitted.
// - With the guard stopped (webhook configurations registered, the process down), that StatefulSet,
//   its claims and static PVs (one pre-bound, one bound by the PV binder's UPDATE) bind and schedule,
//   while AIStore objects are blocked as docs/deploy.md says: the CR, the operator's StatefulSet
//   (managed-by: ais-operator), a PV pre-bound to an AIStore-shaped claim.
// - RBAC (deploy/base, deploy/audit) applied for real and asked with SubjectAccessReviews: the serve
//   ServiceAccount can list/watch what its informers need and cannot read claims; only the audit
//   ServiceAccount can. The NetworkPolicy with --apiserver-cidr and deploy/audit pass a server dry run.
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { renderManifests } from '../../src/deploy/index.js';
import { APISERVER_LOG } from './support/env.js';
import { ofKind, one, variant, yamlStream, type Placement } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import {
  Cleanup,
  core,
  create,
  createReadyNode,
  eventually,
  kc,
  read,
  rejected,
  type Obj,
} from './support/kube.js';
import { aisGuard, kubectl, ok } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
/** Binding and scheduling retry on the controllers' own schedule (the PV binder resyncs every 15 s). */
const CONTROLLER_WAIT = { timeoutMs: 90_000 };
let guard: Guard;
let namespace: string;
let place: Placement;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'blast-radius' });
  namespace = await cleanup.namespace('shop');
  place = { namespace, node: `${namespace}-node` };
  await createReadyNode(cleanup, place.node);
});
afterAll(() => cleanup.run());

const LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/component': 'target' };

/** Not AIStore's: a chart that happens to use the target labels and a `-target` name. */
function webTarget(o: { hostPort?: number } = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web-target', namespace, labels: LABELS },
    spec: {
      replicas: 2,
      // No kubelet here: pods never turn Ready, so OrderedReady would never create the second one.
      podManagementPolicy: 'Parallel',
      serviceName: 'web-target',
      selector: { matchLabels: LABELS },
      template: {
        metadata: { labels: LABELS },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': place.node },
          containers: [
            {
              name: 'web',
              image: 'registry.invalid/web:1',
              ports: [{ containerPort: 8080, ...(o.hostPort && { hostPort: o.hostPort }) }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'shop-local',
            resources: { requests: { storage: '1Gi' } },
          },
        },
      ],
    },
  };
}

/** A static local PV on the test's node; pre-bound to `claim` when given. */
function staticPv(name: string, claim?: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'shop-local',
      persistentVolumeReclaimPolicy: 'Retain',
      local: { path: `/mnt/${name}` },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [place.node] }] },
          ],
        },
      },
      ...(claim && { claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: claim } }),
    },
  };
}

const failedCalling = (webhook: string) =>
  expect.stringContaining(`failed calling webhook "${webhook}.ais-guard.io": failed to call webhook`);

it('with the guard up: admits the non-AIStore web-target StatefulSet with hostPort (class 4)', async () => {
  // Sent (the Ignore entry takes target-looking objects), judged, and left alone. Control: the
  // operator's hostPort StatefulSet (fixture 08) in the same namespace is denied.
  const stored = await create(webTarget({ hostPort: 8080 }), { dryRun: true });
  expect(stored.metadata.name).toBe('web-target');
  const control = await rejected(create(one('08', place), { dryRun: true }));
  expect(control.message).toContain(
    `ais-guard denied StatefulSet ${namespace}/ais-target: [target-host-port]`,
  );
});

describe('with the guard stopped', () => {
  const pvs = () => [staticPv(`${namespace}-pv-0`, 'data-web-target-0'), staticPv(`${namespace}-pv-1`)];

  beforeAll(async () => {
    expect(await guard.stop()).toBe(0);
  });

  it('binds and schedules a non-AIStore StatefulSet named web-target, its claims and static PVs', async () => {
    // One PV pre-bound (claimRef set at CREATE), one free: the PV binder binds it with an UPDATE.
    for (const pv of pvs()) await cleanup.createOwned(pv);
    ok(await kubectl(['apply', '-f', '-'], yamlStream([webTarget()])), 'kubectl apply web-target');
    for (const ordinal of [0, 1]) {
      const pod = await eventually(
        `web-target-${ordinal} scheduled`,
        async () => {
          const p = await core.readNamespacedPod({ namespace, name: `web-target-${ordinal}` });
          if (!p.spec?.nodeName) throw new Error('no spec.nodeName');
          return p;
        },
        CONTROLLER_WAIT,
      );
      expect(pod.spec?.nodeName).toBe(place.node);
      const claim = await core.readNamespacedPersistentVolumeClaim({
        namespace,
        name: `data-web-target-${ordinal}`,
      });
      expect(claim.status?.phase).toBe('Bound');
    }
    const volumes = await Promise.all(
      pvs().map((pv) => core.readPersistentVolume({ name: pv.metadata.name })),
    );
    expect(volumes.map((v) => [v.status?.phase, v.spec?.claimRef?.namespace])).toEqual([
      ['Bound', namespace],
      ['Bound', namespace],
    ]);
    expect(new Set(volumes.map((v) => v.spec?.claimRef?.name))).toEqual(
      new Set(['data-web-target-0', 'data-web-target-1']),
    );
    // Sent to the Ignore entry and failed open (the binder's claimRef update among them).
    const log = readFileSync(APISERVER_LOG, 'utf8');
    expect(log).toContain('failing open storage-by-name.validate.ais-guard.io');
    expect(log).not.toMatch(
      /failed calling webhook "(storage|volumes)\.validate\.ais-guard\.io".*web-target/,
    );
  });

  it('blocks AIStore objects: the CR, the operator StatefulSet, a PV pre-bound to an AIStore claim', async () => {
    const ais = await cleanup.namespace('shop-ais');
    const at = { namespace: ais, node: place.node };
    expect((await rejected(create(one('01', at)))).message).toEqual(failedCalling('aistores.validate'));
    // Fixture 07: what NewTargetSS renders, with app.kubernetes.io/managed-by: ais-operator.
    expect((await rejected(create(one('07', at)))).message).toEqual(failedCalling('storage.validate'));
    const pv = ofKind('04', 'PersistentVolume', at)[0] as Obj;
    expect((await rejected(create(pv))).message).toEqual(failedCalling('volumes.validate'));
    // The same StatefulSet with an ownerReference to an AIStore CR instead of the label.
    const owned = variant(one('07', at), (o) => {
      delete o.metadata.labels?.['app.kubernetes.io/managed-by'];
      o.metadata.ownerReferences = [
        {
          apiVersion: 'ais.nvidia.com/v1beta1',
          kind: 'AIStore',
          name: 'ais',
          uid: '00000000-0000-0000-0000-000000000001',
        },
      ];
    });
    expect((await rejected(create(owned))).message).toEqual(failedCalling('storage.validate'));
    for (const o of [one('01', at), one('07', at), pv]) expect(await read(o)).toBeUndefined();
  });
});

describe('RBAC (deploy/base and deploy/audit, applied)', () => {
  const GUARD_NS = 'ais-guard';
  const authz = kc.makeApiClient(k8s.AuthorizationV1Api);

  beforeAll(async () => {
    const rbacKinds = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
    const base = (await renderManifests()).filter((o) => rbacKinds.has(o.kind ?? '')) as unknown as Obj[];
    const audit = ok(await kubectl(['kustomize', 'deploy/audit']), 'kubectl kustomize deploy/audit');
    const ns = ok(await kubectl(['apply', '-f', 'deploy/base/namespace.yaml']), 'namespace');
    expect(ns.code).toBe(0);
    ok(await kubectl(['apply', '-f', '-'], yamlStream(base)), 'apply the base RBAC');
    const auditRbac = audit.stdout
      .split(/^---$/m)
      .filter((doc) => /^kind: (ServiceAccount|ClusterRole|ClusterRoleBinding)$/m.test(doc))
      .join('---\n');
    ok(await kubectl(['apply', '-f', '-'], auditRbac), 'apply the audit RBAC');
    cleanup.add('RBAC', async () => {
      await kubectl(['delete', '--ignore-not-found', '-f', '-'], yamlStream(base));
      await kubectl(['delete', '--ignore-not-found', '-f', '-'], auditRbac);
    });
  });

  /** What the apiserver's authorizer answers for the ServiceAccount (RBAC is eventually consistent). */
  async function can(account: string, attrs: k8s.V1ResourceAttributes): Promise<boolean> {
    const review = await authz.createSubjectAccessReview({
      body: {
        spec: {
          user: `system:serviceaccount:${GUARD_NS}:${account}`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${GUARD_NS}`, 'system:authenticated'],
          resourceAttributes: attrs,
        },
      },
    });
    return review.status?.allowed === true;
  }

  const INFORMERS: k8s.V1ResourceAttributes[] = [
    { group: 'ais.nvidia.com', resource: 'aistores' },
    { resource: 'persistentvolumes' },
    { resource: 'nodes' },
    { group: 'apps', resource: 'statefulsets' },
  ];

  it('serve: list and watch what its informers need, nothing on claims, patch only its own webhook configurations', async () => {
    await eventually('the serve role in effect', async () => {
      if (!(await can('ais-guard', { verb: 'list', resource: 'nodes' }))) throw new Error('not yet');
    });
    for (const attrs of INFORMERS)
      for (const verb of ['list', 'watch'])
        expect([verb, attrs.resource, await can('ais-guard', { ...attrs, verb })]).toEqual([
          verb,
          attrs.resource,
          true,
        ]);
    const denied: k8s.V1ResourceAttributes[] = [
      { verb: 'list', resource: 'persistentvolumeclaims' },
      { verb: 'get', resource: 'persistentvolumeclaims', namespace, name: 'data-web-target-0' },
      { verb: 'watch', resource: 'persistentvolumeclaims' },
      { verb: 'list', resource: 'pods' },
      { verb: 'get', resource: 'secrets', namespace: GUARD_NS },
      { verb: 'create', group: 'ais.nvidia.com', resource: 'aistores', namespace },
      { verb: 'list', group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' },
      {
        verb: 'patch',
        group: 'admissionregistration.k8s.io',
        resource: 'validatingwebhookconfigurations',
        name: 'other',
      },
      {
        verb: 'delete',
        group: 'admissionregistration.k8s.io',
        resource: 'validatingwebhookconfigurations',
        name: 'ais-guard',
      },
    ];
    for (const attrs of denied)
      expect([attrs.verb, attrs.resource, await can('ais-guard', attrs)]).toEqual([
        attrs.verb,
        attrs.resource,
        false,
      ]);
    for (const resource of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'])
      for (const verb of ['get', 'patch'])
        expect(
          await can('ais-guard', {
            verb,
            group: 'admissionregistration.k8s.io',
            resource,
            name: 'ais-guard',
          }),
        ).toBe(true);
  });

  it('audit: its own ServiceAccount reads claims and writes PolicyReports and OpenReports, and nothing of the webhook', async () => {
    await eventually('the audit role in effect', async () => {
      if (!(await can('ais-guard-audit', { verb: 'list', resource: 'persistentvolumeclaims' })))
        throw new Error('not yet');
    });
    for (const attrs of [
      { verb: 'list', resource: 'pods' },
      { verb: 'list', group: 'ais.nvidia.com', resource: 'aistores' },
      { verb: 'patch', group: 'wgpolicyk8s.io', resource: 'policyreports', namespace },
      { verb: 'create', group: 'wgpolicyk8s.io', resource: 'clusterpolicyreports' },
      { verb: 'patch', group: 'openreports.io', resource: 'reports', namespace },
      { verb: 'create', group: 'openreports.io', resource: 'clusterreports' },
    ])
      expect([attrs.verb, attrs.resource, await can('ais-guard-audit', attrs)]).toEqual([
        attrs.verb,
        attrs.resource,
        true,
      ]);
    for (const attrs of [
      {
        verb: 'patch',
        group: 'admissionregistration.k8s.io',
        resource: 'validatingwebhookconfigurations',
        name: 'ais-guard',
      },
      { verb: 'delete', resource: 'persistentvolumeclaims', namespace },
      { verb: 'get', resource: 'secrets', namespace: GUARD_NS },
    ])
      expect([attrs.verb, attrs.resource, await can('ais-guard-audit', attrs)]).toEqual([
        attrs.verb,
        attrs.resource,
        false,
      ]);
  });

  it('the NetworkPolicy narrowed to the apiserver (render --apiserver-cidr) and deploy/audit pass a server dry run', async () => {
    const rendered = ok(
      await aisGuard(['render', '--apiserver-cidr', '10.0.0.10/32', '--apiserver-cidr', 'fd00::a/128']),
      'ais-guard render --apiserver-cidr',
    );
    const policy = rendered.stdout
      .split(/^---$/m)
      .filter((doc) => /^kind: NetworkPolicy$/m.test(doc))
      .join('---\n');
    const dry = await kubectl(['apply', '--dry-run=server', '-f', '-'], policy);
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    expect(dry.stdout).toContain('networkpolicy.networking.k8s.io/ais-guard');
    const audit = await kubectl(['apply', '--dry-run=server', '-k', 'deploy/audit']);
    expect([audit.code, audit.stderr]).toEqual([0, '']);
    expect(audit.stdout).toContain('cronjob.batch/ais-guard-audit');
  });
});
