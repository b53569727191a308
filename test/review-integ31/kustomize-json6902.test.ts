// A kustomize overlay's JSON 6902 patch file is a YAML (or JSON) list of operations. README says the
// patch files a kustomization lists are skipped with a note; a strategic-merge patch was, but a
// JSON 6902 one was an input error ("document 1 is not a Kubernetes object", exit 2). So the Action
// (default `paths: .`) or `check overlays/` failed the job on a valid kustomize repository.
import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../support/cli.js';

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');

function overlay(kustomization: string) {
  const repo = mkdtempSync(join(tmpdir(), 'ais-guard-integ31-kust-'));
  cpSync(join(EXAMPLES, 'multi-target'), join(repo, 'base'), { recursive: true });
  mkdirSync(join(repo, 'overlay'));
  writeFileSync(join(repo, 'overlay', 'kustomization.yaml'), kustomization);
  writeFileSync(
    join(repo, 'overlay', 'replicas.yaml'),
    '- op: replace\n  path: /spec/targetSpec/size\n  value: 2\n',
  );
  writeFileSync(
    join(repo, 'overlay', 'labels.json'),
    '[{"op": "add", "path": "/metadata/labels/x", "value": "y"}]\n',
  );
  return repo;
}

describe('check on a kustomize tree: JSON 6902 patch files', () => {
  it.each([
    [
      'patches[].path',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches:\n' +
        '  - path: replicas.yaml\n    target: {kind: AIStore}\n  - path: labels.json\n    target: {kind: AIStore}\n',
    ],
    [
      'patchesJson6902[].path',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatchesJson6902:\n' +
        '  - path: replicas.yaml\n    target: {group: ais.nvidia.com, version: v1beta1, kind: AIStore, name: ais}\n' +
        '  - path: labels.json\n    target: {group: ais.nvidia.com, version: v1beta1, kind: AIStore, name: ais}\n',
    ],
  ])('a list patch named by %s is skipped with a note, not an input error', async (_, kustomization) => {
    const repo = overlay(kustomization);
    const r = await cli(['check', repo]);
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).toMatch(/replicas\.yaml: note: skipped: a kustomize patch listed by/);
    expect(r.stdout).toMatch(/labels\.json: note: skipped: a kustomize patch listed by/);
    expect(r.code).toBe(0);
  });

  it('a list that no kustomization names is still an input error (kubectl apply -f refuses it)', async () => {
    const repo = overlay(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n',
    );
    const r = await cli(['check', repo]);
    expect(r.stdout).toMatch(/replicas\.yaml:1: error: document 1 is not a Kubernetes object/);
    expect(r.code).toBe(2);
  });
});
