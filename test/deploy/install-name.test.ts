// A second install, or the Helm chart's fullnameOverride: `render --name` names every object of the
// install, and every reference to one (Service, ServiceAccount, Secret, roles, cert-manager's
// issuers), as the chart does; the e2e stage holds the two object for object
// (test/e2e/10-helm-chart.e2e.test.ts). doctor --name then finds such an install.
import { describe, expect, it } from '@jest/globals';
import { OVERLAYS, renderManifests, type KObject } from '../../src/deploy/index.js';
import { expectationsOf } from '../../src/doctor/expected.js';
import { cli } from '../support/cli.js';

type Deep = Record<string, unknown>;
const NAME = 'guard-b';

/** Every string in the object, with its path: what a forgotten reference would show up in. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
}

const named = (objects: KObject[], kind: string) =>
  new Set(objects.filter((o) => o.kind === kind).map((o) => o.metadata?.name));

describe('render --name', () => {
  it.each(OVERLAYS)(
    '%s (with the audit CronJob): nothing names ais-guard but the namespace, labels, image, paths and webhook names',
    async (overlay) => {
      const objects = await renderManifests({ overlay, name: NAME, withAudit: true });
      const left = objects.flatMap((o) =>
        strings(o)
          .filter(([, v]) => /(^|[/.])ais-guard($|[-.])/.test(v))
          .map(([path, v]) => `${o.kind}${path}=${v}`),
      );
      const allowed = left.filter(
        (s) =>
          !/\.(namespace|app\.kubernetes\.io\/name)=ais-guard$/.test(s) &&
          !/\.app\.kubernetes\.io\/name=ais-guard-audit$/.test(s) && // the audit pods' own, selected by nothing
          !/^Namespace\.metadata\.name=/.test(s) &&
          !/\.values\[\d+\]=ais-guard$/.test(s) && // the namespaceSelector's own-namespace exclusion
          !/\.image=ais-guard$/.test(s) &&
          !/\.containers\[0\]\.name=ais-guard$/.test(s) &&
          !/=\/etc\/ais-guard\//.test(s) &&
          !/--tls-(cert|key)=\/etc\/ais-guard\//.test(s) &&
          !/\.name=[a-z-]+\.(mutate|validate)\.ais-guard\.io$/.test(s) &&
          !/\.commonName=ais-guard webhook CA$/.test(s) &&
          !/inject-ca-from=ais-guard\//.test(s) && // <namespace>/<certificate>
          !/\.dnsNames\[\d\]=guard-b\.ais-guard\.svc/.test(s),
      );
      expect(allowed).toEqual([]);
    },
  );

  it('every reference resolves to an object of the install, and the guard is told its configurations', async () => {
    const objects = await renderManifests({ overlay: 'base', name: NAME, withAudit: true });
    const deployment = objects.find((o) => o.kind === 'Deployment') as Deep;
    const pod = (deployment.spec as Deep & { template: { spec: Deep } }).template.spec as {
      serviceAccountName: string;
      volumes: { secret?: { secretName: string } }[];
      containers: { args: string[] }[];
    };
    expect(named(objects, 'ServiceAccount')).toContain(pod.serviceAccountName);
    expect(pod.volumes.flatMap((v) => (v.secret ? [v.secret.secretName] : []))).toEqual([`${NAME}-tls`]);
    const args = pod.containers[0]!.args;
    expect(args).toContain(`--webhook-config-name=${NAME}`);
    expect(args.indexOf(`--webhook-config-name=${NAME}`)).toBe(args.indexOf('--shutdown-delay=5') + 1);
    expect(named(objects, 'ValidatingWebhookConfiguration')).toEqual(new Set([NAME]));
    expect(named(objects, 'MutatingWebhookConfiguration')).toEqual(new Set([NAME]));
    for (const o of objects.filter((x) => x.kind?.endsWith('WebhookConfiguration')))
      for (const w of o.webhooks as { clientConfig: { service: { name: string } } }[])
        expect(named(objects, 'Service')).toContain(w.clientConfig.service.name);
    for (const b of objects.filter((o) => o.kind === 'ClusterRoleBinding') as (KObject & {
      roleRef: { name: string };
      subjects: { name: string }[];
    })[]) {
      expect(named(objects, 'ClusterRole')).toContain(b.roleRef.name);
      // The audit CronJob's binding is its own ServiceAccount's; the others are the guard's.
      expect(b.subjects.map((s) => s.name)).toEqual([
        b.metadata?.name === `${NAME}-audit` ? `${NAME}-audit` : NAME,
      ]);
    }
    expect(named(objects, 'ServiceAccount')).toEqual(new Set([NAME, `${NAME}-audit`]));
    expect([...named(objects, 'ClusterRoleBinding')].sort()).toEqual([
      NAME,
      `${NAME}-audit`,
      `${NAME}-webhook-ca`,
    ]);
    const cronJob = objects.find((o) => o.kind === 'CronJob') as KObject & {
      spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: string } } } } };
    };
    expect(cronJob.metadata?.name).toBe(`${NAME}-audit`);
    expect(cronJob.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(`${NAME}-audit`);
    const resourceNames = objects
      .filter((o) => o.kind === 'ClusterRole')
      .flatMap((o) => (o.rules as { resourceNames?: string[] }[]).flatMap((r) => r.resourceNames ?? []));
    expect(resourceNames).toEqual([NAME]);
    // The Service, PDB and NetworkPolicy select this install's pods only.
    const service = objects.find((o) => o.kind === 'Service') as KObject & { spec: { selector: Deep } };
    expect(service.spec.selector['app.kubernetes.io/instance']).toBe(NAME);
  });

  it('cert-manager: the issuers, secrets, DNS names and the cainjector annotation follow', async () => {
    const objects = await renderManifests({ overlay: 'cert-manager', name: NAME, namespace: 'ops' });
    const serving = objects.find((o) => o.metadata?.name === `${NAME}-serving`) as KObject & {
      spec: { secretName: string; dnsNames: string[]; issuerRef: { name: string } };
    };
    expect(serving.spec).toMatchObject({
      secretName: `${NAME}-tls`,
      dnsNames: [`${NAME}.ops.svc`, `${NAME}.ops.svc.cluster.local`],
      issuerRef: { name: `${NAME}-ca` },
    });
    expect(named(objects, 'Issuer')).toEqual(new Set([`${NAME}-selfsigned`, `${NAME}-ca`]));
    for (const o of objects.filter((x) => x.kind?.endsWith('WebhookConfiguration')))
      expect(o.metadata?.annotations?.['cert-manager.io/inject-ca-from']).toBe(`ops/${NAME}-serving`);
  });

  it('doctor --name expects that install (configurations, ServiceAccount, Secret, RBAC names)', async () => {
    const expected = expectationsOf(await renderManifests({ name: NAME }), 'base', 'ais-guard');
    expect(expected.configs.map((c) => c.name)).toEqual([NAME, NAME]);
    expect(expected.serviceAccount).toBe(NAME);
    expect(expected.tlsSecret).toBe(`${NAME}-tls`);
  });

  it('refuses a name that cannot be a Service, and goes with the install flags only', async () => {
    for (const bad of ['Guard', '1guard', 'guard_b', 'a'.repeat(64), '-g'])
      expect(await cli(['render', `--name=${bad}`])).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('is not a valid Service name'),
      });
    expect((await cli(['render', '--vap', '--name', NAME])).code).toBe(2);
    expect((await cli(['render', '--name', 'ais-guard'])).stdout).toBe((await cli(['render'])).stdout);
  });

  it('--cert-dir: the serving certificate must name <name>.<namespace>.svc', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = join(mkdtempSync(join(tmpdir(), 'install-name-')), 'certs');
    expect((await cli(['certs', '--dir', dir])).code).toBe(0);
    const wrong = await cli(['render', '--name', NAME, '--cert-dir', dir]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`--service ${NAME} --namespace ais-guard`);
    const right = join(dir, '..', 'right');
    expect((await cli(['certs', '--dir', right, '--service', NAME])).code).toBe(0);
    expect((await cli(['render', '--name', NAME, '--cert-dir', right])).code).toBe(0);
  });
});
