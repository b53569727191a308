// review gitops25: docs/gitops.md, "Sync waves": "The overlay builds on deploy/base. For
// cert-manager, validate-only or your own overlay, copy its two patches
// (deploy/overlays/argocd/*.yaml) into your kustomization." Done as written for cert-manager, the
// waves deadlock the sync.
//
// Defect: the argocd overlay's patches target objects named `ais-guard` and `ais-guard-webhook-ca`
// only (deploy/overlays/argocd/kustomization.yaml). The cert-manager overlay adds four objects with
// other names (deploy/overlays/cert-manager/certificates.yaml: Issuer ais-guard-selfsigned,
// Certificate ais-guard-ca, Issuer ais-guard-ca, Certificate ais-guard-serving); they get no wave,
// so they are in wave 0 with the AIStore objects. The Deployment (wave -1) mounts Secret
// ais-guard-tls (deploy/base/deployment.yaml, volume `tls`, not optional), which only Certificate
// ais-guard-serving makes. Argo CD applies wave -1 and waits for the Deployment to be Healthy before
// it applies wave 0 (Argo CD sync waves docs: "waits for all resources in the previous wave to be
// healthy before moving on"); the pod stays ContainerCreating (secret "ais-guard-tls" not found),
// the Deployment never becomes Healthy, wave 0 (the Certificate that would make the Secret) is never
// applied: the sync hangs. The chart does it right (argocd.syncWaves puts "the cert-manager objects"
// in wave `objects`, docs/gitops.md), so only the kustomize route documented for cert-manager breaks.
// User impact: an Argo CD install of the cert-manager overlay with the documented waves never
// finishes its first sync, and the guard never starts.
// Expected: what the docs tell the user to build gives the cert-manager objects (at least the
// serving Certificate and its issuers) a wave below the Deployment's, as the chart does; e.g. an
// argocd patch that targets them too, or docs that name the extra targets.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { overlayDir, type KObject } from '../../src/deploy/index.js';

const wave = (o: KObject | undefined) => o?.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];

/** A kustomization over the cert-manager overlay with the argocd overlay's two patches copied in, as the docs say. */
function buildCertManagerWithWaves(): KObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'gitops25-argocd-cm-'));
  for (const f of ['wave-before-guard.yaml', 'wave-guard.yaml'])
    copyFileSync(join(overlayDir('argocd'), f), join(dir, f));
  // The argocd overlay's patches block, with its resource swapped for the cert-manager overlay.
  const argocd = YAML.parse(readFileSync(join(overlayDir('argocd'), 'kustomization.yaml'), 'utf8')) as {
    patches: unknown[];
  };
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    YAML.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [relative(dir, overlayDir('cert-manager'))],
      patches: argocd.patches,
    }),
  );
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
  return YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS() as KObject);
}

describe('docs/gitops.md: the argocd patches copied onto the cert-manager overlay', () => {
  it('the Secret the Deployment mounts is made in a wave before the Deployment, not after it', () => {
    const objects = buildCertManagerWithWaves();
    const find = (kind: string, name: string) =>
      objects.find((o) => o.kind === kind && o.metadata?.name === name);
    const deployment = find('Deployment', 'ais-guard');
    expect(wave(deployment)).toBe('-1'); // the copy worked: the guard is in wave -1
    const tlsSecret = (
      deployment as { spec: { template: { spec: { volumes: { secret?: { secretName: string } }[] } } } }
    ).spec.template.spec.volumes.find((v) => v.secret)?.secret?.secretName;
    expect(tlsSecret).toBe('ais-guard-tls');
    // Certificate ais-guard-serving makes ais-guard-tls; it and the issuers it needs must come first.
    const chain = [
      'Certificate/ais-guard-serving',
      'Issuer/ais-guard-ca',
      'Certificate/ais-guard-ca',
      'Issuer/ais-guard-selfsigned',
    ];
    const waves = Object.fromEntries(
      chain.map((id) => {
        const [kind, name] = id.split('/') as [string, string];
        const object = find(kind, name);
        expect(object).toBeDefined(); // the cert-manager overlay has it
        return [id, Number(wave(object) ?? '0')];
      }),
    );
    // Today: every one of them is wave 0 (no annotation), after the Deployment's -1: a deadlock.
    // Any wave below the Deployment's will do (the chart uses argocd.syncWaves.objects, -2).
    expect(Object.fromEntries(chain.map((id) => [id, (waves[id] ?? 0) < -1]))).toEqual(
      Object.fromEntries(chain.map((id) => [id, true])),
    );
  });
});
