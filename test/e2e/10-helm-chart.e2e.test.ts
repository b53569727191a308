// The Helm chart (deploy/helm/ais-guard, docs/helm.md): `helm lint`; `helm template` renders what
// `ais-guard render` does, object for object, with the default values and with the values that
// stand for each overlay and render flag; the chart's own values reach the guard as flags it
// parses; and the apiserver accepts the rendered chart (`kubectl apply --dry-run=server`), then a
// real `helm install` and `helm uninstall`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderManifests, type KObject, type RenderOptions } from '../../src/deploy/index.js';
import { loadConfig } from '../../src/server/config.js';
import { ARTIFACTS, ROOT, suffix } from './support/env.js';
import { makeCerts } from './support/guard.js';
import { certFiles, CHART, helm, setArgs, template, templateFails, type Values } from './support/helm.js';
import { Cleanup, eventually, installCrds, read } from './support/kube.js';
import { kubectl, ok } from './support/run.js';

const cleanup = new Cleanup();
const MANIFESTS = join(ROOT, 'test', 'e2e', 'manifests');
const CERT_MANAGER = join(MANIFESTS, 'cert-manager-stand-in-crds.yaml');
const SERVICE_MONITOR = join(MANIFESTS, 'servicemonitor-stand-in-crd.yaml');
const CERTS = join(ARTIFACTS, `helm-certs-${process.pid}`);
let caBundle: string;

beforeAll(async () => {
  caBundle = await makeCerts(CERTS);
  await installCrds(CERT_MANAGER, ['issuers.cert-manager.io', 'certificates.cert-manager.io']);
  cleanup.add('cert-manager stand-in CRDs', () => kubectl(['delete', '-f', CERT_MANAGER]));
  await installCrds(SERVICE_MONITOR, ['servicemonitors.monitoring.coreos.com']);
  cleanup.add('ServiceMonitor stand-in CRD', () => kubectl(['delete', '-f', SERVICE_MONITOR]));
});
afterAll(() => cleanup.run());

const key = (o: KObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

function expectSameObjects(chart: KObject[], rendered: KObject[]): void {
  expect(chart.map(key).sort()).toEqual(rendered.map(key).sort());
  const byKey = new Map(rendered.map((o) => [key(o), o]));
  for (const o of chart) expect(o).toEqual(byKey.get(key(o)));
}

const one = (objects: KObject[], kind: string): KObject => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

interface PodSpec {
  containers: { args: string[]; image: string; imagePullPolicy?: string }[];
  volumes: { name: string; secret?: { secretName: string } }[];
}
const podSpec = (objects: KObject[]) =>
  (one(objects, 'Deployment').spec as { template: { spec: PodSpec } }).template.spec;
const argsOf = (objects: KObject[]) => podSpec(objects).containers[0]!.args;

interface Webhook {
  name: string;
  failurePolicy: string;
  timeoutSeconds: number;
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
}
const webhooks = (objects: KObject[]) =>
  [
    ...(one(objects, 'ValidatingWebhookConfiguration').webhooks as Webhook[]),
    ...(one(objects, 'MutatingWebhookConfiguration').webhooks as Webhook[]),
  ] as Webhook[];

describe('helm lint', () => {
  it.each<[string, Values]>([
    ['default values', {}],
    ['cert-manager', { 'certificates.mode': 'cert-manager' }],
    ['audit, ServiceMonitor, one replica', { mode: 'audit', 'serviceMonitor.enabled': true, replicas: 1 }],
    ['validate-only', { 'mutatingWebhook.enabled': false }],
  ])('--strict passes: %s', async (_name, values) => {
    const result = ok(await helm(['lint', '--strict', CHART, ...setArgs(values)]), 'helm lint');
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });
});

describe('helm template is `ais-guard render`, object for object', () => {
  const cases: [string, Values, RenderOptions][] = [
    ['default values = deploy/base', {}, {}],
    ['mode=audit = overlays/audit', { mode: 'audit' }, { overlay: 'audit' }],
    [
      'mutatingWebhook.enabled=false = overlays/validate-only',
      { 'mutatingWebhook.enabled': false },
      { overlay: 'validate-only' },
    ],
    [
      'certificates.mode=cert-manager = overlays/cert-manager',
      { 'certificates.mode': 'cert-manager' },
      { overlay: 'cert-manager' },
    ],
    [
      'cert-manager in another namespace = render --overlay cert-manager --namespace guard-ops',
      { 'certificates.mode': 'cert-manager', 'namespace.name': 'guard-ops' },
      { overlay: 'cert-manager', namespace: 'guard-ops' },
    ],
    [
      'argocd.syncWaves.enabled = overlays/argocd',
      { 'argocd.syncWaves.enabled': true },
      { overlay: 'argocd' },
    ],
    ['fullnameOverride = render --name', { fullnameOverride: 'guard-b' }, { name: 'guard-b' }],
    ['audit.enabled = render --with-audit', { 'audit.enabled': true }, { withAudit: true }],
    [
      'audit.enabled with fullnameOverride, namespace and sync waves = render --with-audit --name --namespace --overlay argocd',
      {
        'audit.enabled': true,
        fullnameOverride: 'guard-b',
        'namespace.name': 'guard-ops',
        'argocd.syncWaves.enabled': true,
      },
      { withAudit: true, name: 'guard-b', namespace: 'guard-ops', overlay: 'argocd' },
    ],
    [
      'fullnameOverride with cert-manager in another namespace = render --name --overlay cert-manager --namespace guard-ops',
      { fullnameOverride: 'guard-b', 'certificates.mode': 'cert-manager', 'namespace.name': 'guard-ops' },
      { name: 'guard-b', overlay: 'cert-manager', namespace: 'guard-ops' },
    ],
    [
      'networkPolicy.apiserverCidrs = render --apiserver-cidr',
      { 'networkPolicy.apiserverCidrs': '{10.0.0.10/32,fd00::a/128}' },
      { apiserverCidrs: ['10.0.0.10/32', 'fd00::a/128'] },
    ],
  ];
  it.each(cases)('%s', async (_name, values, opts) => {
    const { objects } = await template(values);
    expectSameObjects(objects, await renderManifests(opts));
  });

  it('namespace, image and caBundle = render --namespace --image --ca-bundle (the audit CronJob too)', async () => {
    const { objects } = await template({
      'audit.enabled': true,
      'namespace.name': 'guard-ops',
      'image.repository': 'registry.example.com/ais-guard',
      'image.tag': '0.2.0',
      'certificates.caBundle': caBundle,
    });
    expectSameObjects(
      objects,
      await renderManifests({
        namespace: 'guard-ops',
        image: 'registry.example.com/ais-guard:0.2.0',
        caBundle,
        withAudit: true,
      }),
    );
  });

  it('does not depend on the release name or the release namespace', async () => {
    const a = await template({}, 'ais-guard');
    const b = ok(
      await helm(['template', 'other-release', CHART, '--namespace', 'elsewhere']),
      'helm template',
    );
    expect(b.stdout).toBe(a.yaml);
  });
});

describe('argocd.syncWaves', () => {
  const wave = (o: KObject) => o.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];

  it('puts every object the chart can render in a wave, the Deployment and the audit objects in their own, other annotations kept', async () => {
    const { objects } = await template({
      'argocd.syncWaves.enabled': true,
      'argocd.syncWaves.objects': -5,
      'argocd.syncWaves.deployment': -3,
      'argocd.syncWaves.audit': 2,
      'certificates.mode': 'cert-manager',
      'serviceMonitor.enabled': true,
      'prometheusRule.enabled': true,
      'grafanaDashboard.enabled': true,
      'grafanaDashboard.annotations.grafana_folder': 'Storage',
      'audit.enabled': true,
    });
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Certificate', 'Issuer', 'ServiceMonitor', 'PrometheusRule', 'ConfigMap', 'CronJob'])
      expect(kinds).toContain(kind);
    expect(objects.map((o) => `${o.kind} ${wave(o)}`)).toEqual(
      objects.map(
        (o) =>
          `${o.kind} ${o.kind === 'Deployment' ? '-3' : o.metadata?.name?.endsWith('-audit') ? '2' : '-5'}`,
      ),
    );
    expect(one(objects, 'ConfigMap').metadata?.annotations?.grafana_folder).toBe('Storage');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'])
      expect(one(objects, kind).metadata?.annotations?.['cert-manager.io/inject-ca-from']).toBe(
        'ais-guard/ais-guard-serving',
      );
  });

  it('off by default: no object has a wave', async () => {
    const { objects } = await template({
      'certificates.mode': 'cert-manager',
      'serviceMonitor.enabled': true,
    });
    expect(objects.filter((o) => wave(o) !== undefined)).toEqual([]);
  });
});

describe("the chart's own values", () => {
  it('mode, per-rule modes, failure mode and namespaces reach the guard as flags it accepts', async () => {
    const { objects } = await template({
      mode: 'warn',
      'rules.pvc-name': 'enforce',
      'rules.target-host-port': 'audit',
      failureMode: 'deny',
      'namespaces.excluded': '{kube-system,kube-public,kube-node-lease,legacy}',
      'namespaces.judged': '{ais-prod,ais-test}',
      'extraArgs[0]': '--log-level=debug',
    });
    const args = argsOf(objects);
    expect(args[0]).toBe('serve');
    const { values } = parseArgs({ args: args.slice(1), strict: false });
    const config = await loadConfig({ flags: values, env: { AIS_GUARD_NAMESPACE: 'ais-guard' } });
    expect(config.modes).toEqual({
      default: 'warn',
      rules: { 'pvc-name': 'enforce', 'target-host-port': 'audit' },
    });
    expect(config.failureMode).toBe('deny');
    expect(config.excludeNamespaces).toEqual([
      'kube-system',
      'kube-public',
      'kube-node-lease',
      'legacy',
      'ais-guard',
    ]);
    expect(config.includeNamespaces).toEqual(['ais-prod', 'ais-test']);
    expect(config.logLevel).toBe('debug');
    expect(config.manageWebhookConfig).toBe(true);
    // The apiserver never sends what the guard would not judge.
    for (const w of webhooks(objects))
      expect(w.namespaceSelector.matchExpressions).toEqual([
        {
          key: 'kubernetes.io/metadata.name',
          operator: 'NotIn',
          values: ['kube-system', 'kube-public', 'kube-node-lease', 'legacy', 'ais-guard'],
        },
        { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ais-prod', 'ais-test'] },
      ]);
  });

  it('failure policies and webhook timeout', async () => {
    const { objects } = await template({
      'failurePolicy.storage': 'Ignore',
      'failurePolicy.pods': 'Fail',
      webhookTimeoutSeconds: 3,
    });
    expect(Object.fromEntries(webhooks(objects).map((w) => [w.name, w.failurePolicy]))).toEqual({
      'aistores.validate.ais-guard.io': 'Fail',
      'storage.validate.ais-guard.io': 'Ignore',
      'volumes.validate.ais-guard.io': 'Fail',
      'storage-by-name.validate.ais-guard.io': 'Ignore',
      'pods.validate.ais-guard.io': 'Fail',
      'aistores.mutate.ais-guard.io': 'Ignore',
      'storage.mutate.ais-guard.io': 'Ignore',
      'pods.mutate.ais-guard.io': 'Ignore',
    });
    for (const w of webhooks(objects)) expect(w.timeoutSeconds).toBe(3);
  });

  // Review deploy47: in mode warn the guard answers allowed to every review, so Fail entries only
  // refused AIStore objects while it was down. Fail again once something may be refused.
  it.each([
    [{ mode: 'warn' }, 'Ignore'],
    [{ mode: 'warn', 'rules.pvc-name': 'enforce' }, 'Fail'],
    [{ mode: 'warn', failureMode: 'deny' }, 'Fail'],
    [{ mode: 'audit', 'rules.pvc-name': 'warn' }, 'Ignore'],
  ])('failure policies of %j: the three evidence entries %s', async (values, policy) => {
    const { objects } = await template(values);
    const policies = Object.fromEntries(webhooks(objects).map((w) => [w.name, w.failurePolicy]));
    for (const name of ['aistores', 'storage', 'volumes'])
      expect(policies[`${name}.validate.ais-guard.io`]).toBe(policy);
    expect(Object.values(policies).filter((p) => p === 'Fail')).toHaveLength(policy === 'Fail' ? 3 : 0);
  });

  it('replicas, resources, image digest and pull policy; no disruption budget for one replica', async () => {
    const { objects } = await template({
      replicas: 1,
      'resources.limits.memory': '1Gi',
      'image.digest': `sha256:${'a'.repeat(64)}`,
      'image.pullPolicy': 'Always',
    });
    expect((one(objects, 'Deployment').spec as { replicas: number }).replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    const c = podSpec(objects).containers[0]! as PodSpec['containers'][0] & {
      resources: { limits: { memory: string; cpu: string } };
    };
    expect(c.resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    expect(c.image).toBe(`ais-guard@sha256:${'a'.repeat(64)}`);
    expect(c.imagePullPolicy).toBe('Always');
  });

  it('fullnameOverride: a second install in one namespace selects only its own pods (Service, PDB, NetworkPolicy, spread)', async () => {
    // Both Services would otherwise send the apiserver's calls to either install's pods, whose
    // certificates name another Service (outside review "install").
    const first = (await template({ replicas: 2 })).objects;
    const second = (await template({ replicas: 2, fullnameOverride: 'guard-b', mode: 'audit' })).objects;
    type Labels = Record<string, string>;
    const podLabels = (o: KObject[]) =>
      (one(o, 'Deployment').spec as { template: { metadata: { labels: Labels } } }).template.metadata.labels;
    const selects = (selector: Labels, labels: Labels) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const [mine, theirs] of [
      [first, second],
      [second, first],
    ] as const) {
      const selectors: Labels[] = [
        (one(mine, 'Service').spec as { selector: Labels }).selector,
        (one(mine, 'PodDisruptionBudget').spec as { selector: { matchLabels: Labels } }).selector.matchLabels,
        (one(mine, 'NetworkPolicy').spec as { podSelector: { matchLabels: Labels } }).podSelector.matchLabels,
        ...(
          podSpec(mine) as unknown as {
            topologySpreadConstraints: { labelSelector: { matchLabels: Labels } }[];
          }
        ).topologySpreadConstraints.map((t) => t.labelSelector.matchLabels),
      ];
      for (const selector of selectors) {
        expect(selects(selector, podLabels(mine))).toBe(true);
        expect(selects(selector, podLabels(theirs))).toBe(false);
      }
    }
  });

  it('self-managed with the files of `ais-guard certs`: the chart makes the Secret and the caBundle', async () => {
    const { objects } = await template({}, 'ais-guard', certFiles(CERTS));
    const secret = one(objects, 'Secret') as KObject & { type: string; data: Record<string, string> };
    expect(secret.metadata).toMatchObject({ name: 'ais-guard-tls', namespace: 'ais-guard' });
    expect(secret.type).toBe('kubernetes.io/tls');
    for (const file of ['tls.crt', 'tls.key', 'ca.crt'])
      expect(Buffer.from(secret.data[file]!, 'base64').toString('utf8')).toBe(
        readFileSync(join(CERTS, file), 'utf8'),
      );
    // Otherwise the same objects as render --cert-dir.
    expectSameObjects(
      objects.filter((o) => o.kind !== 'Secret'),
      await renderManifests({ caBundle }),
    );
    expect(
      await templateFails({ 'certificates.files.tlsCrt': readFileSync(join(CERTS, 'tls.crt'), 'utf8') }),
    ).toContain('certificates.files: give tlsCrt, tlsKey and caCrt together');
  });

  it('an existing Secret: mounted, and required', async () => {
    const { objects } = await template({
      'certificates.mode': 'existing-secret',
      'certificates.existingSecret': 'corp-pki-ais-guard',
    });
    expect(podSpec(objects).volumes).toContainEqual({
      name: 'tls',
      secret: { secretName: 'corp-pki-ais-guard', defaultMode: 0o440 },
    });
    expect(objects.filter((o) => o.apiVersion?.startsWith('cert-manager.io'))).toEqual([]);
    expect(await templateFails({ 'certificates.mode': 'existing-secret' })).toContain(
      'certificates.existingSecret: name the Secret to mount',
    );
  });

  it('refuses a caBundle with cert-manager, an unknown rule, mode or certificate source', async () => {
    expect(
      await templateFails({ 'certificates.mode': 'cert-manager', 'certificates.caBundle': caBundle }),
    ).toContain("cert-manager's cainjector fills the caBundle");
    // (helm v4.3.1 reports the wrong path for a propertyNames error, but names the key and the ids)
    expect(await templateFails({ 'rules.no-such-rule': 'warn' })).toMatch(
      /invalid propertyName 'no-such-rule'\n.*value must be one of .*'pvc-name'/,
    );
    expect(await templateFails({ mode: 'strict' })).toContain(
      "at '/mode': value must be one of 'enforce', 'warn', 'audit'",
    );
    expect(await templateFails({ 'certificates.mode': 'vault' })).toContain(
      "at '/certificates/mode': value must be one of 'self-managed', 'cert-manager', 'existing-secret'",
    );
  });

  it('a ServiceMonitor that scrapes /metrics over HTTPS with the CA of the TLS Secret', async () => {
    const { objects } = await template({
      'serviceMonitor.enabled': true,
      'serviceMonitor.labels.release': 'prometheus',
    });
    const monitor = one(objects, 'ServiceMonitor');
    expect(monitor.metadata?.labels).toEqual({
      'app.kubernetes.io/name': 'ais-guard',
      release: 'prometheus',
    });
    expect(monitor.spec).toEqual({
      // This install's Service only (another install's has another instance, name and CA).
      selector: {
        matchLabels: { 'app.kubernetes.io/name': 'ais-guard', 'app.kubernetes.io/instance': 'ais-guard' },
      },
      endpoints: [
        {
          port: 'https',
          scheme: 'https',
          path: '/metrics',
          interval: '30s',
          scrapeTimeout: '10s',
          // The guard's own `endpoint` label (validate/mutate) wins over the Prometheus Operator's
          // target label of that name (README, Monitoring).
          honorLabels: true,
          tlsConfig: {
            serverName: 'ais-guard.ais-guard.svc',
            ca: { secret: { name: 'ais-guard-tls', key: 'ca.crt' } },
          },
        },
      ],
    });
  });
});

/** How kubectl names an object in its output: resource[.group]/name. */
function resourceOf(o: KObject): string {
  const apiVersion = String(o.apiVersion);
  const group = apiVersion.includes('/') ? `.${apiVersion.split('/')[0]}` : '';
  return `${String(o.kind).toLowerCase()}${group}/${o.metadata?.name}`;
}

describe('the apiserver accepts the rendered chart (kubectl apply --dry-run=server)', () => {
  it.each<[string, Values]>([
    ['default values', {}],
    [
      'cert-manager and a ServiceMonitor',
      { 'certificates.mode': 'cert-manager', 'serviceMonitor.enabled': true },
    ],
    [
      'audit mode, rule modes, judged namespaces, caBundle, one replica',
      {
        mode: 'audit',
        'rules.pvc-name': 'warn',
        'namespaces.judged': '{ais-prod}',
        replicas: 1,
        'certificates.caBundle': 'CA',
      },
    ],
    [
      'the audit CronJob with its schedule, flags and resources',
      {
        'audit.enabled': true,
        'audit.schedule': '*/30 * * * *',
        'audit.extraArgs[0]': '--report-format=policyreport',
        'audit.resources.limits.memory': '1Gi',
      },
    ],
  ])('%s', async (_name, values) => {
    const withCa =
      values['certificates.caBundle'] === 'CA' ? { ...values, 'certificates.caBundle': caBundle } : values;
    const namespace = `ais-guard-helm-${suffix()}`;
    const { yaml, objects } = await template({ ...withCa, 'namespace.name': namespace });
    // The namespace for real first (as `helm install` makes it before the rest), labelled
    // restricted as the chart has it: a dry-run Deployment needs its namespace to exist.
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    ok(await kubectl(['apply', '-f', '-'], JSON.stringify(ns)), 'kubectl apply namespace');
    cleanup.add(`namespace ${namespace}`, () => kubectl(['delete', 'namespace', namespace, '--wait=false']));
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], yaml);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/ (created|unchanged) \(server dry run\)$/);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(objects.map(resourceOf).sort());
  });
});

describe('helm install and uninstall', () => {
  /**
   * An install of its own name and namespace, so nothing else in the cluster is touched; Ignore
   * everywhere, so nothing waits on a guard that never starts (this control plane runs no kubelet).
   */
  const ownInstall = (name: string): Values => ({
    fullnameOverride: name,
    'namespace.name': name,
    'failurePolicy.aistores': 'Ignore',
    'failurePolicy.storage': 'Ignore',
    'failurePolicy.volumes': 'Ignore',
  });

  /** Helm deletes the namespace the chart made, and what is kept in it goes with it. */
  const namespaceGone = (name: string) =>
    eventually(`namespace ${name} gone`, async () => {
      const ns = await read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      if (ns && ns.status && (ns.status as { phase?: string }).phase !== 'Terminating')
        throw new Error('namespace still Active');
    });

  it('an upgrade that drops the certificate files keeps the Secret, and one that gives them again takes it back', async () => {
    // docs/helm.md: `helm upgrade --set mode=enforce` (no reuse flag) renders no Secret. Helm deleted
    // it then: every replica started afterwards could not mount it and never became ready.
    const name = `ais-guard-keep-${suffix()}`;
    const values = ownInstall(name);
    const release = `e2e-${suffix()}`;
    const run = (verb: string, extra: string[]) =>
      helm([verb, release, CHART, '--namespace', 'default', ...setArgs(values), ...extra]);
    cleanup.add(`helm release ${release}`, () => helm(['uninstall', release, '--namespace', 'default']));
    ok(await run('install', certFiles(CERTS)), 'helm install');
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-tls`, namespace: name } };
    const uid = (await read(secret))?.metadata?.uid;
    expect(uid).toBeDefined();

    ok(await run('upgrade', ['--set', 'mode=warn']), 'helm upgrade without the files');
    expect((await read(secret))?.metadata?.uid).toBe(uid);

    ok(await run('upgrade', certFiles(CERTS)), 'helm upgrade with the files again');
    const back = await read(secret);
    expect(back?.metadata?.uid).toBe(uid);
    expect(Buffer.from((back?.data as Record<string, string>)['tls.crt']!, 'base64').toString('utf8')).toBe(
      readFileSync(join(CERTS, 'tls.crt'), 'utf8'),
    );
    ok(await helm(['uninstall', release, '--namespace', 'default', '--wait']), 'helm uninstall');
    await namespaceGone(name);
  });

  it('installs every object (namespace included) and removes them again', async () => {
    const name = `ais-guard-helm-${suffix()}`;
    const values: Values = { ...ownInstall(name), 'audit.enabled': true };
    const release = `e2e-${suffix()}`;
    const installed = await helm([
      'install',
      release,
      CHART,
      '--namespace',
      'default',
      ...setArgs(values),
      ...certFiles(CERTS),
    ]);
    cleanup.add(`helm release ${release}`, () => helm(['uninstall', release, '--namespace', 'default']));
    ok(installed, 'helm install');
    expect(installed.stdout).toContain('STATUS: deployed');
    const { objects } = await template(values, release, certFiles(CERTS));
    expect(objects.map((o) => o.kind)).toContain('Secret');
    for (const o of objects)
      expect(await read(o as Parameters<typeof read>[0])).toMatchObject({
        kind: o.kind,
        metadata: { name: o.metadata?.name },
      });
    const webhook = await read({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name },
    });
    const clientConfig = (
      webhook?.webhooks as { clientConfig: { service: { namespace: string }; caBundle: string } }[]
    )[0]!.clientConfig;
    expect(clientConfig.service.namespace).toBe(name);
    expect(clientConfig.caBundle).toBe(caBundle);
    // The guard is told the configurations' name, since it is not ais-guard.
    expect(argsOf(objects)).toContain(`--webhook-config-name=${name}`);

    ok(await helm(['uninstall', release, '--namespace', 'default', '--wait']), 'helm uninstall');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ClusterRole'])
      expect(
        await read({
          apiVersion: objects.find((o) => o.kind === kind)!.apiVersion!,
          kind,
          metadata: { name },
        }),
      ).toBeUndefined();
    expect(
      await read({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `${name}-audit` },
      }),
    ).toBeUndefined();
    await namespaceGone(name);
  });
});
