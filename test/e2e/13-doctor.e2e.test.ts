// Issue 18, `ais-guard doctor` against a real apiserver. An installation in its own namespace NS,
// as `ais-guard render --namespace NS` gives it: ServiceAccount, ClusterRoles and bindings, the
// Service with an EndpointSlice (made by hand: no endpointslice controller or kubelet runs here), the
// TLS Secret from `ais-guard certs --namespace NS`, and both webhook configurations. Healthy, every
// check is ok; then each fault is injected with kubectl as a user would, doctor must name it (and
// nothing else), and the fault is undone. Last, the webhooks call a running guard by URL (as every
// e2e file does): doctor reads the certificate over TLS, and names the guard once it is stopped.
// The Service-mode webhooks cannot be reached by this apiserver (no cluster network); nothing is
// created through them while they are registered.
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { renderManifests } from '../../src/deploy/index.js';
import type { CheckResult } from '../../src/doctor/types.js';
import { DAY, makeCA, servingCert } from '../doctor/support.js';
import { ARTIFACTS, KUBECONFIG, suffix } from './support/env.js';
import type { Guard } from './support/guard.js';
import { Cleanup, eventually, installCrds, objects, type Obj } from './support/kube.js';
import { aisGuard, kubectl, ok } from './support/run.js';
import { AISTORE_CRD, guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
const MANAGER = 'ais-guard-e2e'; // registerWebhooks' manager: one owner, so a re-apply drops what it left out
const CHECKS = 9;
let guard: Guard;
let ns: string;
let certDir: string;
let caBundle: string;

async function apply(list: Obj[]): Promise<void> {
  for (const o of list)
    await objects.patch(
      o as k8s.KubernetesObject,
      undefined,
      undefined,
      MANAGER,
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The installation's objects (no Deployment: no kubelet runs pods here). */
async function installation(mode: 'service' | 'url'): Promise<Obj[]> {
  const rendered = (await renderManifests({
    namespace: ns,
    ...(mode === 'url' ? { url: guard.url, caBundle: guard.caBundle } : { caBundle }),
  })) as unknown as Obj[];
  const kinds = new Set([
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Service',
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
  ]);
  return rendered.filter((o) => kinds.has(o.kind));
}

function endpointSlice(ready: boolean): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'ais-guard-e2e',
      namespace: ns,
      labels: {
        'kubernetes.io/service-name': 'ais-guard',
        'endpointslice.kubernetes.io/managed-by': 'e2e.ais-guard.io',
      },
    },
    addressType: 'IPv4',
    ports: [{ name: 'https', port: 8443, protocol: 'TCP' }],
    endpoints: ['10.1.0.5', '10.1.0.6'].map((ip) => ({ addresses: [ip], conditions: { ready } })),
  } as Obj;
}

function tlsSecret(cert: string, key: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'ais-guard-tls', namespace: ns },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(cert),
      'tls.key': b64(key),
      'ca.crt': b64(readFileSync(join(certDir, 'ca.crt'), 'utf8')),
    },
  } as Obj;
}

async function healthyInstallation(): Promise<void> {
  await apply([...(await installation('service')), endpointSlice(true)]);
  const file = (f: string) => readFileSync(join(certDir, f), 'utf8');
  await apply([tlsSecret(file('tls.crt'), file('tls.key'))]);
}

interface DoctorRun {
  code: number;
  checks: CheckResult[];
  stdout: string;
}

async function doctor(extra: string[] = []): Promise<DoctorRun> {
  const r = await aisGuard(['doctor', '-n', ns, '-o', 'json', ...extra]);
  if (r.code === 2) throw new Error(`doctor could not run: ${r.stderr}`);
  return {
    code: r.code,
    checks: (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks,
    stdout: r.stdout,
  };
}

const notOk = (run: DoctorRun) =>
  Object.fromEntries(
    run.checks.filter((c) => c.status !== 'ok').map((c) => [c.check, `${c.status}: ${c.message}`]),
  );

/** Polls doctor (RBAC and CRD changes reach the apiserver's caches a little later) until `want` holds. */
async function doctorSays(what: string, want: Record<string, RegExp>): Promise<DoctorRun> {
  return eventually(
    what,
    async () => {
      const run = await doctor();
      const got = notOk(run);
      if (Object.keys(got).sort().join() !== Object.keys(want).sort().join())
        throw new Error(`doctor's problems: ${JSON.stringify(got)}`);
      for (const [check, re] of Object.entries(want))
        if (!re.test(got[check]!)) throw new Error(`${check}: ${got[check]} does not match ${re}`);
      return run;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

const allOk = (what: string) => doctorSays(what, {});

/** doctor's text output, kept beside the guards' logs (E2E_KEEP=1 keeps them) for the README. */
async function saveText(name: string): Promise<void> {
  const r = await aisGuard(['doctor', '-n', ns]);
  writeFileSync(join(ARTIFACTS, `doctor-${name}.txt`), `exit ${r.code}\n${r.stdout}${r.stderr}`);
}

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'doctor' });
  ns = await cleanup.namespace('doctor');
  certDir = join(ARTIFACTS, `doctor-install-${suffix()}`);
  // A certificate for the Service in NS, as docs/deploy.md installs it.
  caBundle = ok(await aisGuard(['certs', '--dir', certDir, '--namespace', ns]), 'ais-guard certs')
    .stdout.trim()
    .split('\n')
    .at(-1)!;
  for (const [kind, name] of [
    ['ClusterRole', 'ais-guard'],
    ['ClusterRole', 'ais-guard-webhook-ca'],
    ['ClusterRoleBinding', 'ais-guard'],
    ['ClusterRoleBinding', 'ais-guard-webhook-ca'],
  ])
    cleanup.add(`${kind} ${name}`, () =>
      objects.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name } }),
    );
  await healthyInstallation();
});
afterAll(() => cleanup.run());

describe('a healthy installation', () => {
  it('every check is ok, exit 0', async () => {
    const run = await allOk('healthy');
    expect(run.code).toBe(0);
    expect(run.checks.map((c) => c.check)).toHaveLength(CHECKS);
    const text = ok(await aisGuard(['doctor', '-n', ns]), 'ais-guard doctor');
    await saveText('healthy');
    expect(text.stdout.trim().split('\n')).toHaveLength(CHECKS);
    expect(text.stdout).toMatch(
      /^ok {4}webhook-service {9}webhooks call Service doctor-\w+\/ais-guard:443 \(2 ready endpoints\)\.$/m,
    );
    expect(text.stdout).toMatch(
      /^ok {4}ca-bundle .* signed the serving certificate from Secret doctor-\w+\/ais-guard-tls/m,
    );
  });

  it("run with the guard's own ServiceAccount token: RBAC asked by SelfSubjectAccessReviews", async () => {
    const token = ok(await kubectl(['-n', ns, 'create', 'token', 'ais-guard']), 'create token').stdout.trim();
    const admin = YAML.parse(readFileSync(KUBECONFIG, 'utf8')) as { clusters: unknown[] };
    const file = join(mkdtempSync(join(ARTIFACTS, 'sa-')), 'kubeconfig');
    writeFileSync(
      file,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: admin.clusters,
        users: [{ name: 'sa', user: { token } }],
        contexts: [{ name: 'sa', context: { cluster: 'e2e', user: 'sa' } }],
        'current-context': 'sa',
      }),
    );
    const r = await aisGuard(['doctor', '-n', ns, '-o', 'json', '--kubeconfig', file]);
    const checks = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks;
    expect(checks.find((c) => c.check === 'rbac')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/\(12 SelfSubjectAccessReviews\)$/),
    });
    // It may get its own two configurations and nothing else doctor reads: named, not passed.
    expect(checks.find((c) => c.check === 'webhook-configurations')?.status).toBe('ok');
    expect(checks.find((c) => c.check === 'aistore-crd')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/could not be read \(403 .*forbidden/),
    });
  });
});

describe('each fault, injected and undone, is named', () => {
  afterEach(async () => {
    await healthyInstallation();
    await allOk('restored');
  });

  it('the ValidatingWebhookConfiguration deleted', async () => {
    ok(await kubectl(['delete', 'validatingwebhookconfiguration', 'ais-guard']), 'delete');
    const run = await doctorSays('config deleted', {
      'webhook-configurations': /^fail: ValidatingWebhookConfiguration ais-guard is missing$/,
    });
    expect(run.code).toBe(1);
  });

  it('a caBundle of another CA', async () => {
    const other = b64(makeCA('not the guard CA').cert);
    const ops = [0, 1, 2].map((i) => ({
      op: 'replace',
      path: `/webhooks/${i}/clientConfig/caBundle`,
      value: other,
    }));
    ok(
      await kubectl([
        'patch',
        'mutatingwebhookconfiguration',
        'ais-guard',
        '--type=json',
        '-p',
        JSON.stringify(ops),
      ]),
      'patch',
    );
    await doctorSays('caBundle wrong', {
      'ca-bundle':
        /^fail: the webhooks carry 2 different caBundles .*CA "not the guard CA"\) did not sign the serving certificate/,
    });
  });

  it('the Service without ready endpoints (guard pods not ready), then without an EndpointSlice', async () => {
    await apply([endpointSlice(false)]);
    await doctorSays('endpoints not ready', {
      'webhook-service': /^fail: Service doctor-\w+\/ais-guard has no ready endpoints/,
    });
    ok(await kubectl(['-n', ns, 'delete', 'endpointslice', 'ais-guard-e2e']), 'delete slice');
    await doctorSays('no slice', {
      'webhook-service': /^fail: Service doctor-\w+\/ais-guard has no ready endpoints/,
    });
    ok(await kubectl(['-n', ns, 'delete', 'service', 'ais-guard']), 'delete service');
    await doctorSays('no Service', {
      'webhook-service': /^fail: Service doctor-\w+\/ais-guard does not exist$/,
    });
  });

  it('an expired serving certificate in the Secret, then one expiring in 5 days', async () => {
    const ca = {
      cert: readFileSync(join(certDir, 'ca.crt'), 'utf8'),
      key: readFileSync(join(certDir, 'ca.key'), 'utf8'),
    };
    const dnsNames = [`ais-guard.${ns}.svc`];
    const expired = servingCert(ca, {
      from: new Date(Date.now() - 90 * DAY),
      to: new Date(Date.now() - DAY),
      dnsNames,
    });
    await apply([tlsSecret(expired.cert, expired.key)]);
    await doctorSays('expired', {
      'certificate-expiry': /^fail: serving certificate expired on \d{4}-\d\d-\d\d$/,
    });
    await saveText('expired');
    // A 90-day certificate: a short-lived one is expiring only within a sixth of its lifetime.
    const soon = servingCert(ca, {
      from: new Date(Date.now() - 85 * DAY),
      to: new Date(Date.now() + 5 * DAY + 3_600_000),
      dnsNames,
    });
    await apply([tlsSecret(soon.cert, soon.key)]);
    const run = await doctorSays('expiring', {
      'certificate-expiry': /^warn: serving certificate expires on .* \(in 5 days\)$/,
    });
    expect(run.code).toBe(0);
    expect((await doctor(['--strict'])).code).toBe(1);
  });

  it('an RBAC rule removed from the ClusterRole', async () => {
    // The rule for persistentvolumes and nodes is the second.
    ok(
      await kubectl([
        'patch',
        'clusterrole',
        'ais-guard',
        '--type=json',
        '-p',
        '[{"op":"remove","path":"/rules/1"}]',
      ]),
      'patch',
    );
    await doctorSays('RBAC', {
      rbac: /^fail: ServiceAccount doctor-\w+\/ais-guard may not list persistentvolumes, watch persistentvolumes, list nodes, watch nodes$/,
    });
  });

  it('a namespaceSelector that no longer excludes kube-system', async () => {
    const values = ['kube-public', 'kube-node-lease', ns];
    ok(
      await kubectl([
        'patch',
        'validatingwebhookconfiguration',
        'ais-guard',
        '--type=json',
        '-p',
        JSON.stringify([
          { op: 'replace', path: '/webhooks/0/namespaceSelector/matchExpressions/0/values', value: values },
        ]),
      ]),
      'patch',
    );
    await doctorSays('selector', {
      'namespace-selector': /^fail: kube-system is not excluded from aistores\.validate\.ais-guard\.io$/,
    });
    await saveText('selector');
  });

  it('a failurePolicy changed', async () => {
    ok(
      await kubectl([
        'patch',
        'validatingwebhookconfiguration',
        'ais-guard',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/webhooks/1/failurePolicy","value":"Ignore"}]',
      ]),
      'patch',
    );
    const run = await doctorSays('failurePolicy', {
      'failure-policy': /^fail: storage\.validate\.ais-guard\.io is Ignore, documented Fail \(base\)/,
    });
    // The fix doctor prints is the command that undoes it.
    const fix = run.checks.find((c) => c.check === 'failure-policy')!.fix!;
    expect(fix).toContain(
      `kubectl patch validatingwebhookconfiguration ais-guard --type=json -p '[{"op":"replace","path":"/webhooks/1/failurePolicy","value":"Fail"}]'`,
    );
    // And so does the audit overlay's expectation, the other way round.
    const audit = await doctor(['--overlay', 'audit']);
    expect(notOk(audit)['failure-policy']).toMatch(
      /^fail: aistores\.validate\.ais-guard\.io is Fail, documented Ignore \(audit\).*volumes\.validate/,
    );
  });

  it('the AIStore CRD missing, then serving only a version ais-guard does not know', async () => {
    ok(await kubectl(['delete', 'crd', 'aistores.ais.nvidia.com', '--wait=true']), 'delete crd');
    await doctorSays('CRD missing', {
      'aistore-crd': /^fail: CRD aistores\.ais\.nvidia\.com is not installed/,
    });
    // The operator's CRD with its one version renamed v1 (a future operator).
    const v1 = YAML.parseAllDocuments(readFileSync(AISTORE_CRD, 'utf8'))
      .map((d) => d.toJS() as { spec: { versions: { name: string }[] } } | null)
      .find((d) => d !== null)!;
    v1.spec.versions[0]!.name = 'v1';
    const file = join(mkdtempSync(join(ARTIFACTS, 'crd-')), 'v1.json');
    writeFileSync(file, JSON.stringify(v1));
    await installCrds(file, ['aistores.ais.nvidia.com']);
    await doctorSays('unknown version', {
      'aistore-crd': /^fail: CRD aistores\.ais\.nvidia\.com serves v1, not v1beta1/,
    });
    ok(await kubectl(['delete', 'crd', 'aistores.ais.nvidia.com', '--wait=true']), 'delete v1 crd');
    await installAistoreCrd();
  });
});

describe('webhooks that call a guard by URL', () => {
  it('doctor reads the certificate over TLS, then names the stopped guard', async () => {
    await apply(await installation('url'));
    const run = await allOk('by URL');
    const ca = run.checks.find((c) => c.check === 'ca-bundle')!;
    expect(ca.message).toMatch(
      new RegExp(
        `signed the serving certificate from TLS at ${guard.url.replaceAll('.', '\\.')} \\(names 127\\.0\\.0\\.1\\)`,
      ),
    );
    await guard.stop();
    const stopped = await doctorSays('guard stopped', {
      'webhook-service':
        /^fail: aistores\.validate\.ais-guard\.io calls https:\/\/127\.0\.0\.1:\d+\/validate, which does not answer: connect ECONNREFUSED/,
      'ca-bundle': /^warn: serving certificate not read \(TLS at https:\/\/127\.0\.0\.1:\d+: no answer/,
    });
    writeFileSync(join(ARTIFACTS, 'doctor-stopped.json'), stopped.stdout);
    await saveText('stopped');
    expect(stopped.code).toBe(1);
  });
});
