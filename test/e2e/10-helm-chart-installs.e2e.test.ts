// review chart23: the Helm chart (deploy/helm/ais-guard) with realistic values, rendered by the helm
// binary the e2e stage builds (test/helm/build.sh, named in $HELM: npm test has no helm) and read as YAML 1.1, as helm and kubectl read
// what they apply.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { type KObject } from '../../src/deploy/index.js';
import { CHART, HELM } from './support/helm.js';

/** `helm template` with a values file: its exit status, stderr and objects. */
function template(values: unknown, release = 'ais-guard') {
  const file = join(mkdtempSync(join(tmpdir(), 'chart23-')), 'values.yaml');
  // JSON is YAML: every string stays quoted, whatever YAML 1.1 would make of it bare.
  writeFileSync(file, JSON.stringify(values));
  try {
    const out = execFileSync(HELM, ['template', release, CHART, '-f', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const objects = YAML.parseAllDocuments(out, { version: '1.1' })
      .map((d) => d.toJS() as KObject | null)
      .filter((o): o is KObject => o !== null);
    return { code: 0, stderr: '', objects };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { code: e.status, stderr: e.stderr, objects: [] as KObject[] };
  }
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('review chart23: the chart with two installs in one namespace', () => {
  // DEFECT: the chart supports a second install beside the first (fullnameOverride; service.yaml:
  // "another install in this namespace (fullnameOverride) has another instance"; docs/helm.md), and
  // its Service, PDB and NetworkPolicy select only their own pods. The ServiceMonitor does not: it
  // selects Services by app.kubernetes.io/name: ais-guard (servicemonitor.yaml), and the Service
  // carries only that label (_helpers.tpl "ais-guard.labels"). Each install's ServiceMonitor then
  // scrapes the other install's endpoints too, with its own tlsConfig: serverName
  // <its name>.<ns>.svc and its own CA, which the other guard's certificate (another name, another
  // CA) fails, so the other targets are down for good.
  // IMPACT: with the monitoring pack on both installs, Prometheus keeps failing targets (the
  // other install's pods) for good, and each failed scrape is a handshake the guard counts as
  // certificate_refused: Go's crypto/tls client sends a bad_certificate alert when verification
  // fails (checked here with a Go client and serverName guard-b.ais-guard.svc against a certificate
  // of `ais-guard certs`: "SSL3 alert read:fatal:bad certificate"), which src/server/handshake.ts maps
  // to reason certificate_refused. So AisGuardCertificateRefused ("a stale caBundle",
  // files/prometheus-rules.yaml) fires on both healthy installs, every 30 s scrape keeping it up,
  // and sends the on-call to the caBundle. (Plus kube-prometheus-stack's TargetDown.)
  // EXPECTED: each ServiceMonitor selects its own install's Service only.
  it('each ServiceMonitor selects only its own Service', () => {
    const installs = [
      template({ serviceMonitor: { enabled: true } }, 'ais-guard'),
      template({ serviceMonitor: { enabled: true }, fullnameOverride: 'guard-b' }, 'guard-b'),
    ];
    const all = installs.flatMap((i) => i.objects);
    const services = all.filter((o) => o.kind === 'Service');
    for (const monitor of all.filter((o) => o.kind === 'ServiceMonitor')) {
      const selector = (monitor.spec as { selector: { matchLabels: Record<string, string> } }).selector
        .matchLabels;
      const selected = services
        .filter((s) => s.metadata?.namespace === monitor.metadata?.namespace)
        .filter((s) => matches(selector, s.metadata?.labels as Record<string, string> | undefined))
        .map((s) => s.metadata?.name);
      expect({ monitor: monitor.metadata?.name, selected }).toEqual({
        monitor: monitor.metadata?.name,
        selected: [monitor.metadata?.name],
      });
    }
  });
});

describe('review chart23: names the schema accepts', () => {
  // DEFECT: values.schema.json lets fullnameOverride start with a digit (pattern
  // ^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$), and the chart names its Service after it. A Service
  // name must be a DNS-1035 label (a letter first; the apiserver's ValidateServiceName), so `helm
  // install` renders fine and then fails part-way at the Service, after the Namespace, RBAC and
  // Deployment went in. `ais-guard render --name 1guard`, which docs/helm.md says renders what the
  // chart does, refuses the name up front ("is not a valid Service name", src/cli/render.ts;
  // test/deploy/install-name.test.ts).
  // EXPECTED: helm template / install refuses such a fullnameOverride (schema or fail), as render does.
  it('fullnameOverride 1guard is refused before anything is applied', () => {
    const result = template({ fullnameOverride: '1guard' });
    expect(result.code).not.toBe(0);
  });

  // YAML 1.1, as Helm and kubectl read the rendered manifests, takes a bare `on` for true: the schema
  // refuses such names (test/deploy/helm-values.test.ts) and helm applies that refusal.
  it('fullnameOverride on is refused before anything is applied', () => {
    expect(template({ fullnameOverride: 'on' }).code).not.toBe(0);
    expect(template({ fullnameOverride: 'online' }).code).toBe(0);
  });

  // DEFECT: namespace names are written into the manifests unquoted: metadata.namespace,
  // the Namespace's name, clientConfig.service.namespace, ServiceAccount subjects, and the
  // namespaceSelector's flow list `values: [kube-system, ..., <ns>]` (_helpers.tpl
  // "ais-guard.namespaceSelector"). The schema accepts "1234" (and namespaces.judged "2024", "on"),
  // valid namespace names, which YAML 1.1 (Helm's and kubectl's sigs.k8s.io/yaml) then reads as the
  // number 1234 or the boolean true (`helm template` shows it: the test reads it back as helm does).
  // Such an object is not what the API accepts: a number or a boolean where ObjectMeta.namespace,
  // ServiceReference.namespace and LabelSelectorRequirement.values want strings, so the install
  // fails at decoding (not verified against an apiserver here: no server may be started).
  // IMPACT: a team whose namespaces are numbered (tenant or project ids) cannot install the chart
  // into, or judge, such a namespace; the error names a Go decoding failure, not the value.
  // EXPECTED: every rendered namespace name reads back as the string given.
  it('a numeric namespace name stays a string in every rendered field', () => {
    const { code, objects } = template({
      namespace: { name: '1234' },
      namespaces: { judged: ['2024', 'on'] },
    });
    expect(code).toBe(0);
    const namespaces = objects.map((o) => o.metadata?.namespace).filter((n) => n !== undefined);
    expect(new Set(namespaces.map((n) => typeof n))).toEqual(new Set(['string']));
    const validating = objects.find((o) => o.kind === 'ValidatingWebhookConfiguration') as unknown as {
      webhooks: {
        clientConfig: { service: { namespace: unknown } };
        namespaceSelector: { matchExpressions: { operator: string; values: unknown[] }[] };
      }[];
    };
    const first = validating.webhooks[0]!;
    expect(first.clientConfig.service.namespace).toBe('1234');
    expect(first.namespaceSelector.matchExpressions.find((e) => e.operator === 'NotIn')!.values).toContain(
      '1234',
    );
    expect(first.namespaceSelector.matchExpressions.find((e) => e.operator === 'In')!.values).toEqual([
      '2024',
      'on',
    ]);
  });
});
