// deploy/ as `kubectl kustomize` builds it: the safety properties of the webhook configurations,
// the pod hardening, least-privilege RBAC, and parity with `ais-guard render`.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import {
  buildKustomization,
  DEPLOY_DIR,
  OVERLAYS,
  overlayDir,
  renderManifests,
  type KObject,
  type Overlay,
} from '../../src/deploy/index.js';

const kustomize = (overlay: Overlay): KObject[] => kustomizeDir(overlayDir(overlay));

function kustomizeDir(dir: string): KObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        'kubectl is not on PATH: the deploy tests build deploy/ with `kubectl kustomize` (kubectl >= 1.27)',
        { cause: err },
      );
    throw new Error(
      `kubectl kustomize ${dir} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`,
      { cause: err },
    );
  }
  // YAML 1.1, as kubectl itself reads manifests.
  return YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS() as KObject);
}

const built = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(o)])) as Record<Overlay, KObject[]>;

interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope: string;
}
interface Webhook {
  name: string;
  admissionReviewVersions: string[];
  sideEffects: string;
  timeoutSeconds: number;
  failurePolicy: string;
  reinvocationPolicy?: string;
  clientConfig: { service: { name: string; namespace: string; path: string; port: number } };
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
  rules: Rule[];
  matchConditions?: { name: string; expression: string }[];
}

const one = (objects: KObject[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const hooks = (objects: KObject[], kind: 'Validating' | 'Mutating') =>
  one(objects, `${kind}WebhookConfiguration`).webhooks as Webhook[];
/** The mutating entries; the validate-only overlay has no mutating configuration at all. */
const mutatingHooks = (objects: KObject[]) =>
  objects.some((o) => o.kind === 'MutatingWebhookConfiguration') ? hooks(objects, 'Mutating') : [];
const failurePolicies = (objects: KObject[], kind: 'Validating' | 'Mutating') =>
  Object.fromEntries(hooks(objects, kind).map((w) => [w.name, w.failurePolicy]));

const ALLOWED_RULES = new Set([
  'ais.nvidia.com/v1beta1/aistores',
  'apps/v1/statefulsets',
  '/v1/pods',
  '/v1/persistentvolumeclaims',
  '/v1/persistentvolumes',
]);

describe.each(OVERLAYS)('kubectl kustomize deploy (%s)', (overlay) => {
  const objects = built[overlay];
  const allHooks = [...hooks(objects, 'Validating'), ...mutatingHooks(objects)];
  const validateOnly = overlay === 'validate-only';

  it('has every part of the install', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'NetworkPolicy',
      'ValidatingWebhookConfiguration',
      ...(validateOnly ? [] : ['MutatingWebhookConfiguration']),
    ])
      expect(kinds).toContain(kind);
    expect(kinds.has('MutatingWebhookConfiguration')).toBe(!validateOnly);
    expect(one(objects, 'Namespace').metadata?.name).toBe('ais-guard');
  });

  it('webhooks: v1 reviews, no side effects, 5 s at most, CREATE/UPDATE of the AIStore kinds only', () => {
    expect(allHooks).toHaveLength(validateOnly ? 5 : 8);
    for (const w of allHooks) {
      expect(w.admissionReviewVersions).toEqual(['v1']);
      expect(w.sideEffects).toBe('None');
      expect(w.timeoutSeconds).toBeLessThanOrEqual(5);
      expect(w.clientConfig.service).toMatchObject({ name: 'ais-guard', namespace: 'ais-guard', port: 443 });
      expect(w.clientConfig.service.path).toBe(w.name.includes('.validate.') ? '/validate' : '/mutate');
      for (const rule of w.rules) {
        expect(rule.operations.every((op) => op === 'CREATE' || op === 'UPDATE')).toBe(true);
        for (const g of rule.apiGroups)
          for (const v of rule.apiVersions)
            for (const r of rule.resources) expect(ALLOWED_RULES).toContain(`${g}/${v}/${r}`);
        expect(rule.scope).toBe(rule.resources.includes('persistentvolumes') ? 'Cluster' : 'Namespaced');
      }
    }
  });

  it("webhooks: system namespaces and the guard's own are never sent", () => {
    for (const w of allHooks)
      expect(w.namespaceSelector.matchExpressions).toContainEqual({
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: expect.arrayContaining(['kube-system', 'kube-public', 'kube-node-lease', 'ais-guard']),
      });
  });

  it('webhooks: every one but the AIStore ones is sent AIStore targets only (matchConditions)', () => {
    for (const w of allHooks) {
      const aistore = w.rules.some((r) => r.resources.includes('aistores'));
      const selecting = (w.matchConditions ?? []).filter(
        (c) => c.name !== 'create-or-spec-change' && c.name !== 'create-or-drops-stored-anti-affinity-off',
      );
      if (aistore) {
        expect(w.rules).toHaveLength(1);
        expect(selecting).toEqual([]);
      } else {
        expect(selecting.length).toBeGreaterThan(0);
        for (const c of selecting)
          expect(c.expression).toMatch(/target|'ais-operator'|'AIStore'|provisioned-by/);
      }
    }
    const pods = hooks(objects, 'Validating').find((w) => w.name === 'pods.validate.ais-guard.io')!;
    expect(pods.matchConditions![0]!.expression).toMatch(
      /app\.kubernetes\.io\/component.*'target'.*\bcomponent'.*'app'/s,
    );
  });

  it('webhooks: only AIStore CRs and objects with operator evidence reach a Fail entry (issue 15)', () => {
    const fail = hooks(objects, 'Validating').filter((w) => w.failurePolicy === 'Fail');
    for (const w of fail) {
      if (w.rules.some((r) => r.resources.includes('aistores'))) continue;
      const text = JSON.stringify(w.matchConditions);
      // Operator labels or owner, or (PVs, CREATE only) the operator's claim shape.
      expect(text).toMatch(/'ais-operator'|claim-ref-has-aistore-claim-shape/);
      if (w.rules.some((r) => r.resources.includes('persistentvolumes')))
        for (const r of w.rules) expect(r.operations).toEqual(['CREATE']);
    }
  });

  it('webhooks: no validating entry is sent an UPDATE that leaves the spec alone', () => {
    // Finalizers, labels, owner references: a guard that is down must never block them (deleting
    // an AIStore or a claim ends with one). Checked against an apiserver in docs/deploy.md.
    const updated = hooks(objects, 'Validating').filter((w) =>
      w.rules.some((r) => r.operations.includes('UPDATE')),
    );
    expect(updated.map((w) => w.name)).not.toContain('volumes.validate.ais-guard.io');
    for (const w of updated)
      expect(w.matchConditions).toContainEqual({
        name: 'create-or-spec-change',
        expression:
          "request.operation == 'CREATE' || !has(object.spec) || !has(oldObject.spec) || " +
          'object.spec != oldObject.spec',
      });
  });

  it('webhooks: mutations happen on CREATE, and on the one AIStore UPDATE that drops a stored anti-affinity off', () => {
    for (const w of mutatingHooks(objects)) {
      const aistore = w.rules.some((r) => r.resources.includes('aistores'));
      for (const rule of w.rules)
        expect(rule.operations).toEqual(aistore ? ['CREATE', 'UPDATE'] : ['CREATE']);
      if (!aistore) expect(JSON.stringify(w.matchConditions ?? [])).not.toContain('oldObject');
      // Any other update (finalizers, labels, spec changes) is never sent: see 15-reapply.e2e.test.ts.
      else
        expect(w.matchConditions).toEqual([
          expect.objectContaining({
            name: 'create-or-drops-stored-anti-affinity-off',
            expression: expect.stringMatching(
              /^request\.operation == 'CREATE' \|\| \(.*oldObject\.spec\.targetSpec\.disablePodAntiAffinity == true.*!has\(object\.spec\.targetSpec\.disablePodAntiAffinity\)\)$/s,
            ),
          }),
        ]);
    }
  });

  it('webhooks: mutations are optional (Ignore) and see the final object (IfNeeded)', () => {
    for (const w of mutatingHooks(objects)) {
      expect(w.failurePolicy).toBe('Ignore');
      expect(w.reinvocationPolicy).toBe('IfNeeded');
    }
  });

  it('the guard runs hardened, twice, on different nodes when it can', () => {
    const deploy = one(objects, 'Deployment') as {
      spec: {
        replicas: number;
        strategy: { rollingUpdate: { maxUnavailable: number } };
        template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
      };
    };
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const pod = deploy.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.topologySpreadConstraints).toContainEqual(
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1 }),
    );
    expect(pod.serviceAccountName).toBe('ais-guard');
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0]!;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources).toMatchObject({
      requests: { cpu: expect.anything(), memory: expect.anything() },
      limits: { cpu: expect.anything(), memory: expect.anything() },
    });
    expect(c.ports).toEqual([{ name: 'https', containerPort: 8443, protocol: 'TCP' }]);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' } });
    const args = c.args as string[];
    expect(args[0]).toBe('serve');
    expect(args).toEqual(
      expect.arrayContaining([
        '--port=8443',
        '--tls-cert=/etc/ais-guard/tls/tls.crt',
        '--tls-key=/etc/ais-guard/tls/tls.key',
      ]),
    );
    // One explicit mode; the caBundle is the guard's to keep current unless cert-manager owns it.
    expect(args.filter((a) => a.startsWith('--mode'))).toEqual([
      overlay === 'audit' ? '--mode=audit' : '--mode=enforce',
    ]);
    expect(args.filter((a) => a.startsWith('--manage-webhook-config'))).toEqual(
      overlay === 'cert-manager' ? [] : ['--manage-webhook-config'],
    );
    expect(args.filter((a) => a.startsWith('--config'))).toEqual([]);
    expect(c.env).toContainEqual({
      name: 'AIS_GUARD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
    expect(c.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/ais-guard/tls', readOnly: true });
    expect(pod.volumes).toContainEqual({
      name: 'tls',
      secret: { secretName: 'ais-guard-tls', defaultMode: 0o440 },
    });
  });

  it('a disruption budget, a Service on 443, and a NetworkPolicy: in on 8443, out to the apiserver and DNS', () => {
    expect(one(objects, 'PodDisruptionBudget').spec).toMatchObject({
      minAvailable: 1,
      selector: { matchLabels: OWN_PODS },
    });
    // The install's own pods, and those only (another install in the namespace has another instance).
    expect((one(objects, 'Service').spec as { selector: unknown }).selector).toEqual(OWN_PODS);
    expect((one(objects, 'Service').spec as { ports: unknown[] }).ports).toEqual([
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ]);
    expect(one(objects, 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: OWN_PODS },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 8443 }] }],
      egress: [
        {
          ports: [
            { protocol: 'TCP', port: 443 },
            { protocol: 'TCP', port: 6443 },
          ],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  it('RBAC: read-only context without claims; get/patch on the two webhook configurations by name, only with --manage-webhook-config', () => {
    const role = (name: string) =>
      objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === name) as
        { rules: Record<string, string[]>[] } | undefined;
    const binding = (name: string) =>
      objects.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata?.name === name);
    expect(role('ais-guard')!.rules).toEqual([
      { apiGroups: ['ais.nvidia.com'], resources: ['aistores'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumes', 'nodes'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['list', 'watch'] },
    ]);
    expect(binding('ais-guard')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'ais-guard' },
      subjects: [{ kind: 'ServiceAccount', name: 'ais-guard', namespace: 'ais-guard' }],
    });
    const args = (
      one(objects, 'Deployment') as { spec: { template: { spec: { containers: { args: string[] }[] } } } }
    ).spec.template.spec.containers[0]!.args;
    if (args.includes('--manage-webhook-config')) {
      expect(role('ais-guard-webhook-ca')!.rules).toEqual([
        {
          apiGroups: ['admissionregistration.k8s.io'],
          resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
          resourceNames: ['ais-guard'],
          verbs: ['get', 'patch'],
        },
      ]);
      expect(binding('ais-guard-webhook-ca')).toMatchObject({
        roleRef: { kind: 'ClusterRole', name: 'ais-guard-webhook-ca' },
        subjects: [{ kind: 'ServiceAccount', name: 'ais-guard', namespace: 'ais-guard' }],
      });
    } else {
      // cert-manager's cainjector writes the caBundle: the guard may write nothing at all.
      expect(role('ais-guard-webhook-ca')).toBeUndefined();
      expect(binding('ais-guard-webhook-ca')).toBeUndefined();
    }
    expect(objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')).toEqual([]);
  });

  it('is what `ais-guard render` prints, object for object', async () => {
    const key = (o: KObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const rendered = await renderManifests({ overlay });
    expect(rendered.map(key).sort()).toEqual(objects.map(key).sort());
    const byKey = new Map(objects.map((o) => [key(o), o]));
    for (const o of rendered) expect(o).toEqual(byKey.get(key(o)));
  });
});

const OWN_PODS = { 'app.kubernetes.io/name': 'ais-guard', 'app.kubernetes.io/instance': 'ais-guard' };

describe('kubectl kustomize deploy/audit (the audit CronJob)', () => {
  const objects = kustomizeDir(join(DEPLOY_DIR, 'audit'));

  it('has its own ServiceAccount and ClusterRole: reads claims and pods, writes PolicyReports and OpenReports only', () => {
    const role = one(objects, 'ClusterRole') as {
      metadata: { name: string };
      rules: Record<string, string[]>[];
    };
    expect(role.metadata.name).toBe('ais-guard-audit');
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['pods', 'persistentvolumeclaims', 'persistentvolumes', 'nodes'],
      verbs: ['list'],
    });
    const writes = role.rules.filter((r) => r.verbs!.some((v) => v !== 'list'));
    expect(writes).toEqual([
      {
        apiGroups: ['wgpolicyk8s.io'],
        resources: ['policyreports', 'clusterpolicyreports'],
        verbs: ['list', 'create', 'patch'],
      },
      {
        apiGroups: ['openreports.io'],
        resources: ['reports', 'clusterreports'],
        verbs: ['list', 'create', 'patch'],
      },
    ]);
    expect(one(objects, 'ClusterRoleBinding')).toMatchObject({
      roleRef: { name: 'ais-guard-audit' },
      subjects: [{ kind: 'ServiceAccount', name: 'ais-guard-audit', namespace: 'ais-guard' }],
    });
    const job = one(objects, 'CronJob') as {
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: { serviceAccountName: string; containers: { args: string[]; image: string }[] };
            };
          };
        };
      };
    };
    const pod = job.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('ais-guard-audit');
    expect(pod.containers[0]!.args.slice(0, 2)).toEqual(['audit', '--apply']);
    expect(pod.containers[0]!.image).toBe('ais-guard:0.1.0');
  });

  it('is what the kustomize subset builds', async () => {
    expect(await buildKustomization(join(DEPLOY_DIR, 'audit'))).toEqual(objects);
  });
});

describe('the failurePolicy table (docs/deploy.md)', () => {
  it('base: AIStore CRs and target storage fail closed, target pods fail open', () => {
    expect(failurePolicies(built.base, 'Validating')).toEqual({
      'aistores.validate.ais-guard.io': 'Fail',
      'storage.validate.ais-guard.io': 'Fail',
      'volumes.validate.ais-guard.io': 'Fail',
      'storage-by-name.validate.ais-guard.io': 'Ignore',
      'pods.validate.ais-guard.io': 'Ignore',
    });
  });

  it('audit: nothing can block, and the guard runs with --mode=audit', () => {
    expect(Object.values(failurePolicies(built.audit, 'Validating'))).toEqual([
      'Ignore',
      'Ignore',
      'Ignore',
      'Ignore',
      'Ignore',
    ]);
    const args = (
      one(built.audit, 'Deployment') as { spec: { template: { spec: { containers: { args: string[] }[] } } } }
    ).spec.template.spec.containers[0]!.args;
    // The base's --mode=enforce replaced in place, not overridden by a later flag.
    expect(args.filter((a) => a.startsWith('--mode'))).toEqual(['--mode=audit']);
    const base = (
      one(built.base, 'Deployment') as { spec: { template: { spec: { containers: { args: string[] }[] } } } }
    ).spec.template.spec.containers[0]!.args;
    expect(args).toEqual(base.map((a) => (a === '--mode=enforce' ? '--mode=audit' : a)));
  });

  it('cert-manager, validate-only and argocd: same policies as the base', () => {
    for (const overlay of ['cert-manager', 'validate-only', 'argocd'] as const)
      expect(failurePolicies(built[overlay], 'Validating')).toEqual(
        failurePolicies(built.base, 'Validating'),
      );
  });
});

describe('the validate-only overlay', () => {
  it('is the base without the MutatingWebhookConfiguration, nothing else changed', () => {
    const key = (o: KObject) => `${o.kind}/${o.metadata?.name}`;
    const withoutMutating = built.base.filter((o) => o.kind !== 'MutatingWebhookConfiguration');
    expect(built['validate-only'].map(key)).toEqual(withoutMutating.map(key));
    expect(built['validate-only']).toEqual(withoutMutating);
  });
});

describe('the argocd overlay', () => {
  const wave = (o: KObject) => o.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];

  it('syncs the webhook configurations and the rest before the guard, and the guard before wave 0', () => {
    const waves = Object.fromEntries(built.argocd.map((o) => [`${o.kind}/${o.metadata?.name}`, wave(o)]));
    expect(waves).toEqual(
      Object.fromEntries(
        built.base.map((o) => [`${o.kind}/${o.metadata?.name}`, o.kind === 'Deployment' ? '-1' : '-2']),
      ),
    );
    expect(Object.keys(waves)).toEqual(
      expect.arrayContaining([
        'ValidatingWebhookConfiguration/ais-guard',
        'MutatingWebhookConfiguration/ais-guard',
        'ClusterRole/ais-guard-webhook-ca',
      ]),
    );
  });

  it('is the base with the annotations added, nothing else changed', () => {
    const strip = (o: KObject) => {
      const c = structuredClone(o);
      delete c.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];
      if (c.metadata?.annotations && Object.keys(c.metadata.annotations).length === 0)
        delete c.metadata.annotations;
      return c;
    };
    expect(built.argocd.map(strip)).toEqual(built.base);
  });
});

describe('the cert-manager overlay', () => {
  const objects = built['cert-manager'];
  const named = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.name === name);

  it('injects the CA into both webhook configurations from the serving Certificate', () => {
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'])
      expect(one(objects, kind).metadata?.annotations).toEqual({
        'cert-manager.io/inject-ca-from': 'ais-guard/ais-guard-serving',
      });
  });

  it('issues the serving certificate the Deployment mounts, from a private CA', () => {
    expect(named('Issuer', 'ais-guard-selfsigned')?.spec).toEqual({ selfSigned: {} });
    expect(named('Certificate', 'ais-guard-ca')?.spec).toMatchObject({
      isCA: true,
      secretName: 'ais-guard-ca',
      issuerRef: { kind: 'Issuer', name: 'ais-guard-selfsigned' },
    });
    expect(named('Issuer', 'ais-guard-ca')?.spec).toEqual({ ca: { secretName: 'ais-guard-ca' } });
    expect(named('Certificate', 'ais-guard-serving')?.spec).toMatchObject({
      secretName: 'ais-guard-tls',
      dnsNames: ['ais-guard.ais-guard.svc', 'ais-guard.ais-guard.svc.cluster.local'],
      usages: expect.arrayContaining(['server auth']),
      issuerRef: { kind: 'Issuer', name: 'ais-guard-ca' },
    });
  });
});

describe('Dockerfile', () => {
  it('builds in node:24-slim, runs on distroless as a numeric non-root user, ships deploy/ for render', async () => {
    const text = await readFile(join(DEPLOY_DIR, '..', 'Dockerfile'), 'utf8');
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:24-slim', 'node:24-slim', 'gcr.io/distroless/nodejs24-debian12:nonroot']);
    expect(text).toMatch(/^RUN npm ci --omit=dev --ignore-scripts$/m);
    expect(text).toMatch(/^USER 65532:65532$/m);
    expect(text).toMatch(/^COPY deploy \.\/deploy$/m);
    expect(text).not.toMatch(/^COPY \. /m);
    // The labels follow package.json; scripts/image-stage.sh checks them again on the parsed stage.
    const pkg = JSON.parse(await readFile(join(DEPLOY_DIR, '..', 'package.json'), 'utf8')) as {
      version: string;
      license: string;
    };
    expect(text).toMatch(new RegExp(`^ARG VERSION=${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
    expect(text).toContain(`org.opencontainers.image.licenses="${pkg.license}"`);
    // uid 65532 can write only under /tmp (an emptyDir in the Deployment): self-managed certs go there.
    expect(text).toMatch(/AIS_GUARD_CERT_DIR=\/tmp\//);
    const ignore = await readFile(join(DEPLOY_DIR, '..', '.dockerignore'), 'utf8');
    expect(ignore.split('\n')).toContain('*');
    expect(ignore).not.toMatch(/^!certs/m);
  });
});
