// Issue 6, scenario 7: the deploy manifests are accepted by a real apiserver. `kubectl apply
// --dry-run=server -k` for deploy/base and every overlay, and the same for what `ais-guard render`
// prints: every object, the webhook configurations (CEL matchConditions compiled) and the
// Deployment (checked against the namespace's Pod Security level: restricted) included.
// cert-manager's CRDs are not available offline: its Issuer/Certificate go to stand-in CRDs that
// accept any spec, which proves well-formed Kubernetes objects, not that cert-manager accepts them.
import { join } from 'node:path';
import { renderManifests, type KObject, type Overlay } from '../../src/deploy/index.js';
import { ARTIFACTS, ROOT } from './support/env.js';
import { makeCerts } from './support/guard.js';
import { Cleanup, installCrds, read, type Obj } from './support/kube.js';
import { aisGuard, kubectl, ok } from './support/run.js';

const cleanup = new Cleanup();
const STAND_INS = join(ROOT, 'test', 'e2e', 'manifests', 'cert-manager-stand-in-crds.yaml');
let caBundle: string;

beforeAll(async () => {
  // The guard's namespace for real, labelled as deploy/ has it (pod-security enforce: restricted),
  // so the dry-run Deployment is held to that level.
  ok(await kubectl(['apply', '-f', 'deploy/base/namespace.yaml']), 'kubectl apply namespace.yaml');
  await installCrds(STAND_INS, ['issuers.cert-manager.io', 'certificates.cert-manager.io']);
  cleanup.add('stand-in CRDs', () => kubectl(['delete', '-f', STAND_INS]));
  caBundle = await makeCerts(join(ARTIFACTS, `deploy-certs-${process.pid}`));
});
afterAll(() => cleanup.run());

const DIRS: Record<Overlay, string> = {
  base: 'deploy/base',
  audit: 'deploy/overlays/audit',
  'cert-manager': 'deploy/overlays/cert-manager',
  'validate-only': 'deploy/overlays/validate-only',
  argocd: 'deploy/overlays/argocd',
};

/** How kubectl names an object in its output: resource[.group]/name. */
function resourceOf(o: KObject): string {
  const apiVersion = String(o.apiVersion);
  const group = apiVersion.includes('/') ? `.${apiVersion.split('/')[0]}` : '';
  return `${String(o.kind).toLowerCase()}${group}/${o.metadata?.name}`;
}

/** What must not change in a dry run: the guard's Deployment and webhook configurations. */
async function snapshot(): Promise<Record<string, string | undefined>> {
  const watched: Obj[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ais-guard', namespace: 'ais-guard' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ais-guard', namespace: 'ais-guard' } },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'ais-guard' },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'ais-guard' },
    },
  ];
  const out: Record<string, string | undefined> = {};
  for (const o of watched) out[o.kind] = (await read(o))?.metadata.resourceVersion as string | undefined;
  return out;
}

async function expectAcceptedDryRun(args: string[], input: string | undefined, expected: KObject[]) {
  const before = await snapshot();
  const result = await kubectl(['apply', '--dry-run=server', ...args], input);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split('\n');
  for (const line of lines) expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
  expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(expected.map(resourceOf).sort());
  expect(await snapshot()).toEqual(before);
}

it('holds Deployments in the guard namespace to Pod Security "restricted" (control)', async () => {
  const result = await kubectl([
    'create',
    'deployment',
    'unrestricted',
    '--image=registry.invalid/pause:1',
    '--namespace=ais-guard',
    '--dry-run=server',
  ]);
  expect(result.stderr).toContain('Warning: would violate PodSecurity "restricted:latest"');
});

describe.each(Object.entries(DIRS) as [Overlay, string][])('%s', (overlay, dir) => {
  it(`kubectl apply --dry-run=server -k ${dir}: every object accepted, nothing stored`, async () => {
    const expected = await renderManifests({ overlay });
    expect(expected.map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'ValidatingWebhookConfiguration',
        ...(overlay === 'validate-only' ? [] : ['MutatingWebhookConfiguration']),
      ]),
    );
    if (overlay === 'cert-manager')
      expect(expected.map((o) => o.kind)).toEqual(expect.arrayContaining(['Issuer', 'Certificate']));
    await expectAcceptedDryRun(['-k', dir], undefined, expected);
  });

  it(`ais-guard render --overlay ${overlay} | kubectl apply --dry-run=server -f -: accepted`, async () => {
    const flags = ['--image', 'registry.example.com/ais-guard:0.1.0'];
    // The cainjector owns the caBundle with cert-manager; render refuses one there.
    if (overlay !== 'cert-manager') flags.push('--ca-bundle', caBundle);
    const rendered = ok(await aisGuard(['render', '--overlay', overlay, ...flags]), 'ais-guard render');
    const expected = await renderManifests({
      overlay,
      image: 'registry.example.com/ais-guard:0.1.0',
      caBundle: overlay === 'cert-manager' ? undefined : caBundle,
    });
    await expectAcceptedDryRun(['-f', '-'], rendered.stdout, expected);
  });
});
