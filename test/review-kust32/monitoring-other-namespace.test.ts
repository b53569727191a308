// deploy/overlays/monitoring is written for an install named ais-guard in namespace ais-guard.
// README sends every kustomize install to it ("beside any install"), but an install elsewhere
// (`render --namespace guard-ops`, or `kubectl apply -k` under a `namespace:` of one's own) that
// sets the pack's namespace the same way gets a ServiceMonitor whose tlsConfig.serverName is still
// ais-guard.ais-guard.svc, which the install's certificate does not name (every scrape fails its
// TLS check), and an AisGuardDown that looks for up{namespace="ais-guard"}: absent(), so the
// critical alert fires for good. README must give the kustomization that moves the pack, and that
// kustomization must build to a pack with nothing left naming ais-guard's namespace.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

function kustomize(dir: string): Record<string, unknown>[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
  return YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS() as Record<string, unknown>);
}

describe('README: the monitoring pack beside an install in another namespace', () => {
  const pack = join(DEPLOY_DIR, 'overlays', 'monitoring');

  it('a namespace: of its own leaves the pack looking at ais-guard (why README must say more)', () => {
    const own = mkdtempSync(join(tmpdir(), 'ais-guard-kust32-mon-'));
    writeFileSync(
      join(own, 'kustomization.yaml'),
      `namespace: guard-ops\nresources: [${relative(own, pack)}]\n`,
    );
    const text = YAML.stringify(kustomize(own));
    expect(text).toContain('serverName: ais-guard.ais-guard.svc');
    expect(text).toContain('namespace="ais-guard"');
  });

  it("README's kustomization for another namespace builds a pack that names only that namespace", () => {
    const block = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('deploy/overlays/monitoring'));
    expect(block).toBeDefined();
    const own = mkdtempSync(join(tmpdir(), 'ais-guard-kust32-mon-'));
    // The block names the overlay from a clone beside it; here it is the checkout's.
    const written = block!.replace(/\S*deploy\/overlays\/monitoring/, relative(own, pack));
    writeFileSync(join(own, 'kustomization.yaml'), written);
    const objects = kustomize(own);
    const namespace = (YAML.parse(written) as { namespace: string }).namespace;
    expect(namespace).not.toBe('ais-guard');
    for (const o of objects) expect((o.metadata as { namespace?: string }).namespace).toBe(namespace);
    const text = YAML.stringify(objects);
    expect(text).toContain(`serverName: ais-guard.${namespace}.svc`);
    expect(text).toContain(`up{job="ais-guard",namespace="${namespace}"}`);
    expect(text).not.toContain('ais-guard.ais-guard.svc');
    expect(text).not.toContain('namespace="ais-guard"');
  });
});
