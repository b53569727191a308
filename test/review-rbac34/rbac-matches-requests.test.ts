// The RBAC ais-guard ships, held against the requests its programs really send (recorded by a proxy
// in front of the stand-in apiservers, mapped to the attributes RBAC decides on): enough, so that no
// program meets a 403 in a cluster installed as shipped, and no more, since least privilege is what a
// review of a cluster-admin-installed webhook looks at first. Every overlay of `render` (also renamed
// and in another namespace), deploy/audit with its CronJob's own command line, and the chart's template.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import {
  buildKustomization,
  DEPLOY_DIR,
  OVERLAYS,
  renderManifests,
  type KObject,
} from '../../src/deploy/index.js';
import { expectationsOf, livePermissions } from '../../src/doctor/expected.js';
import { found } from '../../src/doctor/types.js';
import { patchCaBundle } from '../../src/k8s/webhook-config.js';
import { kubeCluster, RESOURCES } from '../../src/server/cluster.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';
import { objectsOf, withUid } from '../audit/support/proxied.js';
import { caPem } from '../deploy/support/ca.js';
import { BASE, webhookApiserver } from '../deploy/support/webhook-apiserver.js';
import { cli } from '../support/cli.js';
import { FakeApiServer } from '../support/fake-apiserver.js';
import {
  attributesOf,
  describe as said,
  DISCOVERY,
  grantsOf,
  ruleAllows,
  type Attributes,
  type PolicyRule,
  type ResourceAttributes,
  type Sent,
} from './support/rbac.js';
import { recorder } from './support/recorder.js';

interface Binding {
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind: string; name?: string; namespace?: string }[];
}

/** The rules of every ClusterRole bound cluster-wide to this ServiceAccount among `objects`. */
function rulesOf(objects: KObject[], namespace: string, serviceAccount: string): PolicyRule[] {
  const roles = objects
    .filter((o) => o.kind === 'ClusterRoleBinding')
    .map((o) => o as KObject & Binding)
    .filter((b) =>
      b.subjects?.some(
        (s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === namespace,
      ),
    )
    .map((b) => b.roleRef?.name);
  return objects
    .filter((o) => o.kind === 'ClusterRole' && roles.includes(o.metadata?.name))
    .flatMap((o) => (o as KObject & { rules?: PolicyRule[] }).rules ?? []);
}

interface PodOf {
  spec?: {
    template?: { spec?: PodSpecOf };
    jobTemplate?: { spec?: { template?: { spec?: PodSpecOf } } };
  };
}
interface PodSpecOf {
  serviceAccountName?: string;
  containers?: { args?: string[] }[];
}

/** What RBAC is asked for these requests, discovery left to system:discovery. */
const asked = (sent: Sent[]): Attributes[] => sent.flatMap(attributesOf);

/** The attributes no rule allows (discovery: system:discovery's). */
function refused(rules: PolicyRule[], attrs: Attributes[]): string[] {
  return [
    ...new Set(attrs.filter((a) => ![...rules, DISCOVERY].some((r) => ruleAllows(r, a))).map(said)),
  ].sort();
}

/** A rule granting exactly this one right. */
const onlyThis = (g: ResourceAttributes): PolicyRule => ({
  apiGroups: [g.group],
  resources: [g.resource],
  verbs: [g.verb],
  ...(g.name !== undefined && { resourceNames: [g.name] }),
});

/** The rights granted that no request needs: each (verb, group, resource, name) of each rule. */
function unused(rules: PolicyRule[], attrs: Attributes[]): string[] {
  const needed = attrs.filter((a): a is ResourceAttributes => !('nonResourceURL' in a));
  return [
    ...new Set(
      rules
        .flatMap(grantsOf)
        .filter((g) => !needed.some((a) => ruleAllows(onlyThis(g), a)))
        .map(said),
    ),
  ].sort();
}

// ---- serve: the informers, and --manage-webhook-config's caBundle writes ----

let informerRequests: Sent[] = [];

beforeAll(async () => {
  const fake = await FakeApiServer.start();
  const rec = await recorder(fake.url);
  const source = kubeCluster(rec.kubeConfig(), { syncTimeoutMs: 60_000 });
  try {
    await source.start();
    // Listed, then watched: wait until every kind's watch went out, not for a time.
    for (const r of RESOURCES)
      await rec.sentOne((s) => s.url.startsWith(`${r.path}?`) && s.url.includes('watch=true'));
  } finally {
    await source.stop();
    await rec.close();
    await fake.close();
  }
  informerRequests = [...rec.sent];
}, 60_000);

const webhooks = webhookApiserver<object>();
const CA = caPem('rbac34', '2026-01-01T00:00:00Z', '2036-01-01T00:00:00Z');

/** The requests of one caBundle write to configurations of this name; the mutating one absent when `validateOnly`. */
async function caBundleRequests(name: string, validateOnly: boolean): Promise<Sent[]> {
  const config = (kind: string) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [{ name: 'w.ais-guard.io', clientConfig: { service: { name, namespace: 'x' } } }],
  });
  webhooks.objects = new Map([
    [`${BASE}/validatingwebhookconfigurations/${name}`, config('ValidatingWebhookConfiguration')],
    ...(validateOnly
      ? []
      : ([
          [`${BASE}/mutatingwebhookconfigurations/${name}`, config('MutatingWebhookConfiguration')],
        ] as const)),
  ]);
  webhooks.seen = [];
  await patchCaBundle(webhooks.kc, { validating: name, mutating: name }, CA, 'overlap');
  return webhooks.seen.map((s) => ({ method: s.method, url: s.path, contentType: s.contentType }));
}

const VARIANTS = OVERLAYS.flatMap((overlay) => [
  { overlay, namespace: undefined, name: undefined },
  { overlay, namespace: 'guard-ops', name: 'guard-b' },
]);

describe.each(VARIANTS)('serve, render --overlay $overlay --namespace $namespace --name $name', (variant) => {
  let objects: KObject[];
  let sent: Sent[];
  let installed: Sent[];
  let doctorAsks: PolicyRule[];
  let label: string;
  beforeAll(async () => {
    objects = await renderManifests(variant);
    const deployment = objects.find((o) => o.kind === 'Deployment') as KObject & PodOf;
    const pod = deployment.spec!.template!.spec!;
    const args = pod.containers!.flatMap((c) => c.args ?? []);
    const name = args.find((a) => a.startsWith('--webhook-config-name='))?.split('=')[1] ?? 'ais-guard';
    const validateOnly = !objects.some((o) => o.kind === 'MutatingWebhookConfiguration');
    const manages = args.includes('--manage-webhook-config');
    // As installed: validate-only renders no mutating configuration, which the guard reads (404).
    installed = [...informerRequests, ...(manages ? await caBundleRequests(name, validateOnly) : [])];
    sent = [
      ...installed,
      // And it keeps the caBundle of one left from an earlier install current (render says to
      // delete it): patched too.
      ...(manages && validateOnly ? await caBundleRequests(name, false) : []),
    ];
    label = `${deployment.metadata?.namespace}/${pod.serviceAccountName}`;
    const namespace = deployment.metadata!.namespace!;
    doctorAsks = livePermissions(
      expectationsOf(objects, variant.overlay, namespace, variant.name),
      found(args),
    ).map((p) => ({
      apiGroups: [p.group ?? ''],
      resources: [p.resource ?? ''],
      verbs: [p.verb ?? ''],
      ...(p.name !== undefined && { resourceNames: [p.name] }),
    }));
  });
  const rules = () => {
    const [namespace, sa] = label.split('/') as [string, string];
    return rulesOf(objects, namespace, sa);
  };

  it('its ServiceAccount may send every request the guard sends', () => {
    expect(refused(rules(), asked(sent))).toEqual([]);
  });

  it('and is granted nothing that no request needs', () => {
    expect(unused(rules(), asked(sent))).toEqual([]);
  });

  // doctor's rbac check (src/doctor/expected.ts livePermissions) says "ok" when the ServiceAccount
  // may do what it asks: it must ask at least what the guard of this install sends, and nothing the
  // shipped roles do not grant (a false fail on a healthy install).
  it("doctor asks the apiserver for every right this guard's requests need", () => {
    expect(refused(doctorAsks, asked(installed))).toEqual([]);
  });

  it('and for no right the shipped roles leave out', () => {
    const asks = doctorAsks.flatMap(grantsOf);
    expect(asks.filter((a) => !rules().some((r) => ruleAllows(r, a))).map(said)).toEqual([]);
  });
});

// ---- audit --apply, as deploy/audit's CronJob runs it ----

describe('audit --apply, deploy/audit', () => {
  let cluster: FakeCluster;
  let sent: Sent[] = [];
  let objects: KObject[];
  const dir = mkdtempSync(join(tmpdir(), 'rbac34-'));

  beforeAll(async () => {
    objects = await buildKustomization(join(DEPLOY_DIR, 'audit'));
    const job = objects.find((o) => o.kind === 'CronJob') as KObject & PodOf;
    const args = job.spec!.jobTemplate!.spec!.template!.spec!.containers!.flatMap((c) => c.args ?? []);
    cluster = await FakeCluster.start(objectsOf('01', '04', '05', '06', '08', '09').map(withUid));
    cluster.policyReportCrd = true;
    cluster.openReportsCrd = true;
    const rec = await recorder(cluster.kubeConfig().getCurrentCluster()!.server);
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, rec.kubeConfig().exportConfig());
    try {
      // The CronJob's own arguments (auto: OpenReports here, earlier PolicyReports emptied), then
      // each report kind on its own (a cluster serving only one): every report API it may touch.
      for (const extra of [[], ['--report-format', 'policyreport'], ['--report-format', 'both'], []]) {
        const r = await cli([...args, ...extra, '--kubeconfig', file]);
        expect(r.stderr).not.toMatch(/not applied|cannot/);
      }
    } finally {
      await rec.close();
      await cluster.close();
    }
    sent = [...rec.sent];
  }, 60_000);

  const rules = () => {
    const job = objects.find((o) => o.kind === 'CronJob') as KObject & PodOf;
    return rulesOf(
      objects,
      job.metadata!.namespace!,
      job.spec!.jobTemplate!.spec!.template!.spec!.serviceAccountName!,
    );
  };

  it('its ServiceAccount may send every request audit --apply sends', () => {
    expect(sent.some((s) => s.method === 'PATCH')).toBe(true);
    expect(refused(rules(), asked(sent))).toEqual([]);
  });

  it('and is granted nothing that no request needs', () => {
    expect(unused(rules(), asked(sent))).toEqual([]);
  });
});

// ---- the chart: the same ClusterRoles as deploy/base ----

describe('the chart', () => {
  it('renders the rules of deploy/base, name for name', async () => {
    // The template with its install name put in and its other template lines left out (labels,
    // annotations, the if around the -webhook-ca role): the rules are plain YAML.
    const text = readFileSync(join(DEPLOY_DIR, 'helm/ais-guard/templates/rbac.yaml'), 'utf8')
      .replace(/\{\{ \$name \}\}/g, 'ais-guard')
      .split('\n')
      .filter((line) => !line.includes('{{'))
      .join('\n');
    const chart = YAML.parseAllDocuments(text)
      .map((d) => d.toJS() as KObject & { rules?: unknown })
      .filter((o) => o?.kind === 'ClusterRole')
      .map((o) => [o.metadata?.name, o.rules]);
    const base = (await renderManifests({ overlay: 'base' }))
      .filter((o) => o.kind === 'ClusterRole')
      .map((o) => [o.metadata?.name, (o as { rules?: unknown }).rules]);
    expect(chart).toEqual(base);
  });
});
