// review mon34: the kustomize pack's ServiceMonitor finds the guard of every kustomize install it is
// documented to go beside (README "Monitoring": base, audit or cert-manager) and can verify it.
//
// The chart's ServiceMonitor is scraped in the e2e suite; deploy/overlays/monitoring is only built,
// so nothing tied it to the installs: a Service label, port or Secret renamed in deploy/base, or a
// name dropped from the cert-manager Certificate, leaves a ServiceMonitor that selects nothing or
// whose every scrape fails TLS. Prometheus then has no target, AisGuardDown fires for good and every
// other alert is blind. This checks, install by install: the selector matches exactly one Service in
// the pack's namespace, the endpoint's port is that Service's and leads to the guard's HTTPS
// container port, the CA Secret is the one the Deployment serves from, serverName is a name the
// serving certificate carries, and AisGuardDown's up{job, namespace} names that Service.
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { buildKustomization, DEPLOY_DIR, type KObject } from '../../src/deploy/index.js';
import { serviceDnsNames } from '../../src/tls/names.js';

interface Monitor {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: {
      port: string;
      scheme: string;
      tlsConfig: { serverName: string; ca: { secret: { name: string } } };
    }[];
  };
}
interface Service {
  spec: { selector: Record<string, string>; ports: { name: string; targetPort: string | number }[] };
}
interface Deployment {
  spec: {
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        containers: { ports?: { name: string; containerPort: number }[] }[];
        volumes?: { secret?: { secretName: string } }[];
      };
    };
  };
}

const spec = <T>(o: KObject) => o as unknown as T;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('review mon34: the kustomize ServiceMonitor scrapes the kustomize installs', () => {
  it.each(['base', 'overlays/audit', 'overlays/cert-manager'])('beside deploy/%s', async (install) => {
    const pack = await buildKustomization(join(DEPLOY_DIR, 'overlays', 'monitoring'));
    const objects = await buildKustomization(join(DEPLOY_DIR, install));
    const monitorObject = pack.find((o) => o.kind === 'ServiceMonitor')!;
    const monitor = spec<Monitor>(monitorObject);
    const namespace = monitorObject.metadata!.namespace!;

    const services = objects.filter(
      (o) =>
        o.kind === 'Service' &&
        o.metadata?.namespace === namespace &&
        matches(monitor.spec.selector.matchLabels, o.metadata.labels as Record<string, string>),
    );
    expect(services.map((s) => s.metadata!.name)).toHaveLength(1);
    const service = services[0]!;
    const deployment = objects.find(
      (o) =>
        o.kind === 'Deployment' &&
        matches(spec<Service>(service).spec.selector, spec<Deployment>(o).spec.template.metadata.labels),
    )!;
    const pod = spec<Deployment>(deployment).spec.template.spec;

    for (const endpoint of monitor.spec.endpoints) {
      const port = spec<Service>(service).spec.ports.find((p) => p.name === endpoint.port);
      expect({ port: endpoint.port, onService: port !== undefined }).toEqual({
        port: endpoint.port,
        onService: true,
      });
      const containerPort = pod.containers
        .flatMap((c) => c.ports ?? [])
        .find((p) => p.name === port!.targetPort || p.containerPort === port!.targetPort);
      expect({ targetPort: port!.targetPort, container: containerPort?.containerPort }).toEqual({
        targetPort: port!.targetPort,
        container: 8443,
      });
      expect(endpoint.scheme).toBe('https');
      const secrets = (pod.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : []));
      expect(secrets).toContain(endpoint.tlsConfig.ca.secret.name);
      // The names the serving certificate carries: `ais-guard certs` (src/tls/names.ts) or the
      // cert-manager Certificate that writes that Secret.
      const certificate = objects.find(
        (o) =>
          o.kind === 'Certificate' &&
          (o.spec as { secretName?: string } | undefined)?.secretName === endpoint.tlsConfig.ca.secret.name,
      );
      const names = certificate
        ? ((certificate.spec as { dnsNames: string[] }).dnsNames ?? [])
        : serviceDnsNames(service.metadata!.name!, namespace);
      expect(names).toContain(endpoint.tlsConfig.serverName);
    }

    // AisGuardDown: the operator's job label is the Service's name (no jobLabel set).
    const rule = pack.find((o) => o.kind === 'PrometheusRule')!;
    const down = (rule.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === 'AisGuardDown')!;
    for (const m of down.expr.matchAll(/up\{([^}]*)\}/g))
      expect(m[1]).toBe(`job="${service.metadata!.name}",namespace="${namespace}"`);
  });
});
