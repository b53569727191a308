// A platform team installs deploy/ from a kustomization of its own (`kubectl apply -k`), with the
// transformers every team uses: `namespace:`, `namePrefix`/`nameSuffix`. kustomize rewrites the
// references it knows (a Service a webhook calls, a ServiceAccount a binding names) and leaves the
// rest naming `ais-guard`. Each stale reference below breaks the install (no caBundle, so the Fail
// entries refuse every AIStore write; or guard pods that never become ready), so docs/deploy.md
// must name each one where it speaks of such an overlay. Built here with `kubectl kustomize`, so
// the list is what kustomize really leaves, not what the docs assume.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR, type KObject } from '../../src/deploy/index.js';

const DEPLOY_MD = readFileSync(join(import.meta.dirname, '../../docs/deploy.md'), 'utf8');

/** `kubectl kustomize` of a kustomization that takes `dir` of deploy/ as its resource. */
function build(transformers: string, dir: string): KObject[] {
  const own = mkdtempSync(join(tmpdir(), 'ais-guard-kust32-own-'));
  const resource = relative(own, join(DEPLOY_DIR, dir));
  writeFileSync(join(own, 'kustomization.yaml'), `${transformers}\nresources: [${resource}]\n`);
  const out = execFileSync('kubectl', ['kustomize', own], { encoding: 'utf8', stdio: 'pipe' });
  return YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS() as KObject);
}

interface Loose {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  webhooks?: { namespaceSelector?: { matchExpressions?: { values?: string[] }[] } }[];
  rules?: { resourceNames?: string[] }[];
  spec?: {
    dnsNames?: string[];
    issuerRef?: { name?: string };
    template?: { spec?: { containers?: { args?: string[] }[] } };
  };
}

const injectCaFrom = (objects: Loose[]) =>
  objects.flatMap((o) => o.metadata?.annotations?.['cert-manager.io/inject-ca-from'] ?? []);

describe("docs/deploy.md on a kustomization of one's own over deploy/", () => {
  it('namespace: names every reference kustomize leaves in ais-guard', () => {
    const objects = build('namespace: guard-ops', 'overlays/cert-manager') as Loose[];
    const stale: string[] = [];
    const excluded = objects.flatMap((o) =>
      (o.webhooks ?? []).flatMap(
        (w) => w.namespaceSelector?.matchExpressions?.flatMap((e) => e.values ?? []) ?? [],
      ),
    );
    if (excluded.includes('ais-guard') && !excluded.includes('guard-ops')) stale.push('namespaceSelector');
    if (injectCaFrom(objects).some((a) => a.startsWith('ais-guard/'))) stale.push('inject-ca-from');
    const dnsNames = objects.flatMap((o) => (o.kind === 'Certificate' ? (o.spec?.dnsNames ?? []) : []));
    if (dnsNames.some((n) => n.startsWith('ais-guard.ais-guard.'))) stale.push('dnsNames');
    expect(stale).toEqual(['namespaceSelector', 'inject-ca-from', 'dnsNames']);

    // The sentence that tells a kustomize user what to patch besides `namespace:`.
    const flat = DEPLOY_MD.replace(/\s+/g, ' ');
    const start = flat.indexOf('A kustomize overlay that only sets `namespace:`');
    expect(start).toBeGreaterThan(0);
    const advice = flat.slice(start, flat.indexOf('or use `render`', start));
    for (const field of stale) expect(advice).toContain(`\`${field}\``);
  });

  it('namePrefix/nameSuffix: names every reference kustomize leaves as ais-guard, and render --name', () => {
    const base = build('namePrefix: team-', 'base') as Loose[];
    const certManager = build('namePrefix: team-', 'overlays/cert-manager') as Loose[];
    const stale: string[] = [];
    const configs = base.filter((o) => o.kind?.endsWith('WebhookConfiguration')).map((o) => o.metadata?.name);
    expect(configs).toEqual(['team-ais-guard', 'team-ais-guard']);
    const role = base.find(
      (o) => o.metadata?.name === 'team-ais-guard-webhook-ca' && o.kind === 'ClusterRole',
    );
    if (role?.rules?.some((r) => r.resourceNames?.includes('ais-guard'))) stale.push('resourceNames');
    const args = base.flatMap((o) => o.spec?.template?.spec?.containers?.flatMap((c) => c.args ?? []) ?? []);
    if (!args.some((a) => a.startsWith('--webhook-config-name'))) stale.push('--webhook-config-name');
    const issuers = new Set(certManager.filter((o) => o.kind === 'Issuer').map((o) => o.metadata?.name));
    const refs = certManager.flatMap((o) => (o.kind === 'Certificate' ? [o.spec?.issuerRef?.name] : []));
    if (refs.some((r) => !issuers.has(r))) stale.push('issuerRef');
    if (injectCaFrom(certManager).some((a) => a.endsWith('/ais-guard-serving'))) stale.push('inject-ca-from');
    const dnsNames = certManager.flatMap((o) => (o.kind === 'Certificate' ? (o.spec?.dnsNames ?? []) : []));
    if (dnsNames.some((n) => n.startsWith('ais-guard.'))) stale.push('dnsNames');
    expect(stale).toEqual([
      'resourceNames',
      '--webhook-config-name',
      'issuerRef',
      'inject-ca-from',
      'dnsNames',
    ]);

    const paragraph = DEPLOY_MD.split(/\n\s*\n/).find((p) => p.includes('`namePrefix`'));
    expect(paragraph).toBeDefined();
    const flat = paragraph?.replace(/\s+/g, ' ');
    for (const field of stale) expect(flat).toContain(`\`${field}\``);
    expect(flat).toContain('render --name');
    // The certificate from `ais-guard certs` names the Service, which the prefix renamed.
    expect(flat).toContain('--service');
  });
});
