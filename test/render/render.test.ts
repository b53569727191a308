// `ais-guard render`: the deploy/ manifests with namespace, image, caBundle and URL filled in.
// (Parity with `kubectl kustomize` is checked in test/deploy/kustomize.test.ts.)
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { buildKustomization, renderManifests, type KObject } from '../../src/deploy/index.js';
import { main } from '../../src/cli/main.js';
import { ensureCerts, serviceDnsNames } from '../../src/tls/index.js';
import { captureIo, withTempDir } from '../tls/support.js';

interface Webhook {
  name: string;
  clientConfig: { service?: { namespace: string; path: string }; url?: string; caBundle?: string };
  namespaceSelector: { matchExpressions: { key: string; values: string[] }[] };
}

const webhooks = (objects: KObject[]) =>
  objects.filter((o) => o.kind?.endsWith('WebhookConfiguration')).flatMap((o) => o.webhooks as Webhook[]);
const byKind = (objects: KObject[], kind: string) => objects.filter((o) => o.kind === kind);
const deployment = (objects: KObject[]) =>
  byKind(objects, 'Deployment')[0] as {
    spec: { template: { spec: { containers: { image: string; args: string[] }[] } } };
  };

async function render(...argv: string[]) {
  const io = captureIo();
  const code = await main(['render', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

/** Parses a rendered stream the way kubectl does (YAML 1.1), failing on any YAML error. */
function parseStream(text: string): KObject[] {
  return YAML.parseAllDocuments(text, { version: '1.1' }).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as KObject;
  });
}

describe('renderManifests', () => {
  it('builds the base: every object once, the namespace first and the webhooks last', async () => {
    const objects = await renderManifests();
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ClusterRole/ais-guard',
      'ClusterRole/ais-guard-webhook-ca',
      'ClusterRoleBinding/ais-guard',
      'ClusterRoleBinding/ais-guard-webhook-ca',
      'Deployment/ais-guard',
      'MutatingWebhookConfiguration/ais-guard',
      'Namespace/ais-guard',
      'NetworkPolicy/ais-guard',
      'PodDisruptionBudget/ais-guard',
      'Service/ais-guard',
      'ServiceAccount/ais-guard',
      'ValidatingWebhookConfiguration/ais-guard',
    ]);
    expect(deployment(objects).spec.template.spec.containers[0]!.image).toBe('ais-guard:0.1.0');
    const { out } = await render();
    const kinds = parseStream(out).map((o) => o.kind);
    expect(kinds[0]).toBe('Namespace');
    expect(kinds.slice(-2)).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
  });

  it('moves everything to another namespace, the references kustomize does not know included', async () => {
    const objects = await renderManifests({ overlay: 'cert-manager', namespace: 'guard-ops' });
    expect(byKind(objects, 'Namespace')[0]!.metadata?.name).toBe('guard-ops');
    for (const o of objects) {
      if (
        ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind!) ||
        o.kind!.endsWith('Configuration')
      )
        expect(o.metadata?.namespace).toBeUndefined();
      else expect(o.metadata?.namespace).toBe('guard-ops');
    }
    expect(byKind(objects, 'ClusterRoleBinding')[0]!.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'ais-guard', namespace: 'guard-ops' },
    ]);
    for (const w of webhooks(objects)) {
      expect(w.clientConfig.service?.namespace).toBe('guard-ops');
      expect(w.namespaceSelector.matchExpressions[0]).toMatchObject({
        key: 'kubernetes.io/metadata.name',
        values: ['kube-system', 'kube-public', 'kube-node-lease', 'guard-ops'],
      });
    }
    for (const o of objects.filter((o) => o.kind?.endsWith('WebhookConfiguration')))
      expect(o.metadata?.annotations).toEqual({
        'cert-manager.io/inject-ca-from': 'guard-ops/ais-guard-serving',
      });
    const serving = byKind(objects, 'Certificate').find((o) => o.metadata?.name === 'ais-guard-serving')!;
    expect((serving.spec as { dnsNames: string[] }).dnsNames).toEqual(
      serviceDnsNames('ais-guard', 'guard-ops').slice(2),
    );
    expect(JSON.stringify(objects)).not.toMatch(/"ais-guard\/|\.ais-guard\.svc|"namespace":"ais-guard"/);
  });

  it('sets the image', async () => {
    const objects = await renderManifests({ image: 'registry.example.com:5000/ais-guard@sha256:abc' });
    expect(deployment(objects).spec.template.spec.containers[0]!.image).toBe(
      'registry.example.com:5000/ais-guard@sha256:abc',
    );
  });

  it('audit overlay: --mode=audit, and no webhook can block', async () => {
    const objects = await renderManifests({ overlay: 'audit' });
    expect(deployment(objects).spec.template.spec.containers[0]!.args).toContain('--mode=audit');
    for (const w of webhooks(objects))
      expect((w as unknown as { failurePolicy: string }).failurePolicy).toBe('Ignore');
  });
});

describe('ais-guard render', () => {
  it('fills the caBundle of every webhook from --cert-dir, and the stream parses', () =>
    withTempDir(async (dir) => {
      const { caBundle } = await ensureCerts(dir, { dnsNames: ['ais-guard.ops.svc'], ipAddresses: [] });
      const { code, out } = await render('--cert-dir', dir, '--namespace', 'ops', '--image', 'guard:dev');
      expect(code).toBe(0);
      const objects = parseStream(out);
      const hooks = webhooks(objects);
      expect(hooks).toHaveLength(8);
      for (const w of hooks) expect(w.clientConfig.caBundle).toBe(caBundle);
      expect(Buffer.from(caBundle, 'base64').toString('utf8')).toBe(
        await readFile(join(dir, 'ca.crt'), 'utf8'),
      );
      expect(deployment(objects).spec.template.spec.containers[0]!.image).toBe('guard:dev');
      expect(hooks.every((w) => w.clientConfig.service?.namespace === 'ops')).toBe(true);
    }));

  it('takes the caBundle as base64 too', () =>
    withTempDir(async (dir) => {
      const { caBundle } = await ensureCerts(dir, { dnsNames: ['x'], ipAddresses: [] });
      const objects = parseStream((await render('--ca-bundle', caBundle)).out);
      expect(webhooks(objects).map((w) => w.clientConfig.caBundle)).toEqual(Array(8).fill(caBundle));
    }));

  it('--url calls the guard outside the cluster, with each webhook keeping its path', () =>
    withTempDir(async (dir) => {
      const { caBundle } = await ensureCerts(dir, { dnsNames: [], ipAddresses: ['127.0.0.1'] });
      const { code, out } = await render(
        '--url',
        'https://127.0.0.1:9443',
        '--cert-dir',
        dir,
        '--webhooks-only',
      );
      expect(code).toBe(0);
      const objects = parseStream(out);
      expect(objects.map((o) => o.kind)).toEqual([
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
      ]);
      for (const w of webhooks(objects)) {
        expect(w.clientConfig).toEqual({
          url: `https://127.0.0.1:9443${w.name.includes('.validate.') ? '/validate' : '/mutate'}`,
          caBundle,
        });
      }
    }));

  it.each([
    [['--overlay', 'prod'], /unknown overlay "prod"/],
    [['--namespace', 'Not_Valid'], /is not a valid namespace name/],
    [['--url', 'http://127.0.0.1:9443'], /must be https/],
    [['--url', 'https://127.0.0.1:9443/validate'], /HOST:PORT only/],
    [['--url', 'not a url'], /is not a URL/],
    [['--ca-bundle', 'bm90IGEgY2VydA=='], /--ca-bundle is not a base64 PEM CA certificate/],
    [['--cert-dir', '/nonexistent'], /cannot read \/nonexistent\/ca\.crt.*ais-guard certs/],
    [['--ca-bundle', 'x', '--cert-dir', 'y'], /not both/],
    [['--overlay', 'cert-manager', '--ca-bundle', 'x'], /injects the caBundle itself/],
  ])('exits 2 on %j', async (argv, message) => {
    const { code, err, out } = await render(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });
});

describe('the kustomize subset', () => {
  async function kustomization(files: Record<string, string>) {
    const dir = await mkdtemp(join(tmpdir(), 'ais-guard-kust-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "1"\n';

  it('applies merge and JSON6902 patches, namespace and images', async () => {
    const dir = await kustomization({
      'kustomization.yaml': [
        'namespace: ns1',
        'resources: [cm.yaml, deploy.yaml]',
        'images: [{name: app, newName: reg/app, newTag: "2"}]',
        'patches:',
        '  - path: merge.yaml',
        '  - target: {kind: ConfigMap, name: cm}',
        '    patch: |-',
        '      - {op: add, path: /data/c, value: "3"}',
      ].join('\n'),
      'cm.yaml': cm,
      'deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "app:1"}]\n',
      'merge.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: {x: "1"}\ndata:\n  a: null\n  b: "2"\n',
    });
    try {
      const [configMap, deploy] = await buildKustomization(dir);
      expect(configMap).toEqual({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', namespace: 'ns1', labels: { x: '1' } },
        data: { b: '2', c: '3' },
      });
      expect(JSON.stringify(deploy)).toContain('"image":"reg/app:2"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a target without a name is a selector that may pick nothing, as in kustomize (overlays/argocd on base)', async () => {
    const dir = await kustomization({
      'kustomization.yaml':
        'resources: [cm.yaml]\npatches: [{target: {group: cert-manager.io}, patch: "kind: Any\\nmetadata: {name: x, labels: {w: \\"1\\"}}"}]\n',
      'cm.yaml': cm,
    });
    try {
      const [configMap] = await buildKustomization(dir);
      expect(configMap?.metadata).toEqual({ name: 'cm' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      { 'kustomization.yaml': 'resources: [cm.yaml]\ncommonLabels: {a: b}\n' },
      /resources, namespace, images and patches only\): render does not support commonLabels/,
    ],
    [
      {
        'kustomization.yaml': 'resources: [cm.yaml]\npatches: [{path: p.yaml}]\n',
        'p.yaml': 'kind: ConfigMap\nmetadata: {name: cm}\ndata: {l: [1]}\n',
      },
      /merges maps only.*JSON6902/,
    ],
    [
      {
        'kustomization.yaml':
          'resources: [cm.yaml]\npatches: [{target: {kind: ConfigMap}, patch: "[{op: test, path: /data/a, value: \'2\'}]"}]\n',
      },
      /test operation failed|Test operation failed/i,
    ],
    [
      {
        'kustomization.yaml': 'resources: [cm.yaml]\npatches: [{path: p.yaml}]\n',
        'p.yaml': '- {op: remove, path: /data}\n',
      },
      /needs a target/,
    ],
    [
      {
        'kustomization.yaml': 'resources: [cm.yaml]\npatches: [{path: p.yaml}]\n',
        'p.yaml': 'kind: Secret\nmetadata: {name: cm}\n',
      },
      /matches no resource/,
    ],
    [{ 'kustomization.yaml': 'resources: [https://example.com/x]\n' }, /remote resource/],
    [
      {
        'kustomization.yaml':
          'resources: [cm.yaml]\npatches: [{path: p.yaml, options: {allowKindChange: true}}]\n',
      },
      /patches: render does not support options/,
    ],
    [
      {
        'kustomization.yaml':
          'resources: [cm.yaml]\npatches: [{target: {labelSelector: a=b}, patch: "[]"}]\n',
      },
      /target: render does not support labelSelector/,
    ],
    [
      {
        'kustomization.yaml': 'resources: [cm.yaml]\npatches: [{path: p.yaml}]\n',
        'p.yaml': '$patch: delete\nkind: ConfigMap\nmetadata: {name: nosuch}\n',
      },
      /matches no resource/,
    ],
  ])('refuses what it does not support, instead of ignoring it (%#)', async (files, message) => {
    const dir = await kustomization({ 'cm.yaml': cm, ...files });
    try {
      await expect(buildKustomization(dir)).rejects.toThrow(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('render --apiserver-cidr (NetworkPolicy)', () => {
  const policy = (objects: KObject[]) =>
    byKind(objects, 'NetworkPolicy')[0]!.spec as {
      ingress: { from?: unknown[] }[];
      egress: { to?: unknown[]; ports: { port: number }[] }[];
    };

  it('admits 8443 only from the apiserver and lets the guard reach only it and DNS', async () => {
    const { code, out } = await render('--apiserver-cidr', '10.0.0.10/32', '--apiserver-cidr', 'fd00::a/128');
    expect(code).toBe(0);
    const spec = policy(parseStream(out));
    const blocks = [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: 'fd00::a/128' } }];
    expect(spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8443 }], from: blocks }]);
    expect(spec.egress[0]!.to).toEqual(blocks);
    // DNS stays with kube-dns.
    expect(JSON.stringify(spec.egress[1]!.to)).toContain('kube-dns');
    // Without the flag: no source restriction (the CNI caveat, docs/deploy.md).
    expect(policy(await renderManifests()).ingress[0]!.from).toBeUndefined();
  });

  it.each(['10.0.0.1', '10.0.0.300/32', '10.0.0.0/33', 'fd00::/129', 'x/8', '10.0.0.0/8/1'])(
    'refuses %s',
    async (cidr) => {
      const { code, err } = await render('--apiserver-cidr', cidr);
      expect(code).toBe(2);
      expect(err).toContain(`--apiserver-cidr "${cidr}" is not a CIDR`);
    },
  );
});

describe('the kustomize subset: $patch: delete', () => {
  it('removes the resource the patch names, as kustomize does (overlays/cert-manager drops the caBundle role)', async () => {
    const objects = await renderManifests({ overlay: 'cert-manager' });
    const names = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(names).toContain('ClusterRole/ais-guard');
    expect(names).not.toContain('ClusterRole/ais-guard-webhook-ca');
    expect(names).not.toContain('ClusterRoleBinding/ais-guard-webhook-ca');
  });
});
