// Files a kustomization reads as data, not as resources: a replacements file (kustomize takes one
// replacement or a list of them) and the files of configMapGenerator and secretGenerator (their
// content becomes a ConfigMap's or Secret's data, whatever it is). `kubectl apply -k` never applies
// them as objects, yet `check DIR` on such a tree read them as manifests: a YAML list there was an
// input error (exit 2, the Action's job failed on a tree `kubectl kustomize` builds), and an object
// there was judged as if it were applied.
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-kust32-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const RESOURCE = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: ns}\ndata: {x: "1"}\n';

describe('check on a kustomize tree: files a kustomization reads as data', () => {
  it('a replacements file holding a list is skipped with a note, not an input error', async () => {
    const dir = tree({
      'kustomization.yaml': 'resources: [cm.yaml]\nreplacements:\n  - path: repl.yaml\n',
      'cm.yaml': RESOURCE,
      'repl.yaml':
        '- source: {kind: ConfigMap, name: app, fieldPath: data.x}\n' +
        '  targets:\n    - select: {kind: ConfigMap, name: app}\n      fieldPaths: [data.y]\n',
    });
    const r = await cli(['check', dir]);
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).toMatch(/repl\.yaml: note: skipped: .*kustomization\.yaml/);
    expect(r.stdout).toContain('1 object(s) checked');
    expect(r.code).toBe(0);
  });

  it('configMapGenerator and secretGenerator files (path and key=path) are data, not manifests', async () => {
    const dir = tree({
      'kustomization.yaml':
        'resources: [cm.yaml]\nconfigMapGenerator:\n  - name: rules\n    files: [rules.yaml, extra=other.yml]\n' +
        '  - name: tmpl\n    files: [template.yaml, settings.yaml]\n  - name: vars\n    envs: [vars.yaml]\n' +
        'secretGenerator:\n  - name: creds\n    files: [creds.json]\n',
      'cm.yaml': RESOURCE,
      'rules.yaml': '- a\n- b\n',
      'other.yml': '- c\n',
      // A manifest kept as a ConfigMap's data (a template some job applies later): kustomize
      // never applies it, so its verdict is not the tree's.
      'template.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept-as-data, namespace: ns}\n',
      // Bytes kustomize copies, never reads as YAML: what a manifest could not be is no error here.
      'settings.yaml': 'retries: [1\n',
      'vars.yaml': '[1]\n',
      'creds.json': '[1, 2]\n',
    });
    const r = await cli(['check', dir]);
    expect(r.stdout).not.toContain('error:');
    for (const file of [
      'rules.yaml',
      'other.yml',
      'template.yaml',
      'settings.yaml',
      'vars.yaml',
      'creds.json',
    ])
      expect(r.stdout).toMatch(new RegExp(`${file.replace('.', '\\.')}: note: skipped: `));
    expect(r.stdout).toContain('1 object(s) checked');
    expect(r.code).toBe(0);
  });

  it('transformers and generators configurations are build files: not judged, not counted, never duplicates', async () => {
    // kustomize's own examples name such a configuration `notImportantHere`: two overlays that each
    // label their objects so were "the same object twice" (exit 2) when the repository was checked.
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-kust32-'));
    for (const env of ['dev', 'prod']) {
      mkdirSync(join(dir, env));
      writeFileSync(
        join(dir, env, 'kustomization.yaml'),
        'resources: [cm.yaml]\ntransformers: [labels.yaml]\ngenerators: [gen.yaml]\n',
      );
      writeFileSync(join(dir, env, 'cm.yaml'), RESOURCE.replace('name: app', `name: app-${env}`));
      writeFileSync(
        join(dir, env, 'labels.yaml'),
        `apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: notImportantHere}\nlabels: {env: ${env}}\n` +
          'fieldSpecs:\n  - {path: metadata/labels, create: true}\n',
      );
      writeFileSync(
        join(dir, env, 'gen.yaml'),
        'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: settings}\nliterals: [a=b]\n',
      );
    }
    const r = await cli(['check', dir]);
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).toMatch(/labels\.yaml: note: skipped: /);
    expect(r.stdout).toMatch(/gen\.yaml: note: skipped: /);
    expect(r.stdout).toContain('2 object(s) checked');
    expect(r.code).toBe(0);
  });

  it('the same list beside the kustomization but not named by it stays an input error', async () => {
    const dir = tree({
      'kustomization.yaml': 'resources: [cm.yaml]\n',
      'cm.yaml': RESOURCE,
      'rules.yaml': '- a\n',
    });
    const r = await cli(['check', dir]);
    expect(r.stdout).toMatch(/rules\.yaml:1: error: document 1 is not a Kubernetes object/);
    expect(r.code).toBe(2);
  });
});
