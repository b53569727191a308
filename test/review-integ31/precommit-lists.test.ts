// The pre-commit hook gets every staged *.yaml/*.yml, and docs/gitops.md says a commit of files with
// no Kubernetes object (values, workflow, pre-commit files) passes. A YAML file whose top level is a
// list was an input error instead ("document 1 is not a Kubernetes object", exit 2): a kustomize
// JSON 6902 patch committed without its kustomization.yaml, .pre-commit-hooks.yaml, an Ansible
// playbook. The commit was refused with no finding. With --allow-empty (what the hook passes) such a
// document is skipped with a note; without it (the Action, a user's check) it stays an input error.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const hook = (cwd: string, args: string[]) =>
  spawnSync('bash', [join(ROOT, 'scripts', 'precommit-hook.sh'), ...args], { cwd, encoding: 'utf8' });

describe('pre-commit hook: staged YAML files whose top level is a list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-integ31-lists-'));
  writeFileSync(
    join(dir, 'replicas-patch.yaml'),
    '- op: replace\n  path: /spec/targetSpec/size\n  value: 2\n',
  );
  writeFileSync(join(dir, '.pre-commit-hooks.yaml'), '- id: x\n  name: x\n  entry: x\n  language: script\n');
  writeFileSync(join(dir, 'playbook.yml'), '- hosts: all\n  tasks: []\n');
  copyFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), join(dir, 'ais-prod.yaml'));

  it('a commit of only such files passes, each skipped with a note', () => {
    const r = hook(dir, ['replicas-patch.yaml', '.pre-commit-hooks.yaml', 'playbook.yml']);
    expect(r.stdout + r.stderr).not.toContain('error:');
    expect(r.stdout).toMatch(/replicas-patch\.yaml:1: note: document 1 skipped: not a Kubernetes object/);
    expect(r.status).toBe(0);
  });

  it('the objects staged beside them are still judged (a denial fails the commit)', () => {
    const r = hook(dir, ['replicas-patch.yaml', 'ais-prod.yaml']);
    expect(r.stdout).toContain('DENY  pvc-name');
    expect(r.status).toBe(1);
  });

  it('without --allow-empty a list document stays an input error (kubectl apply -f refuses it)', async () => {
    const r = await cli(['check', join(dir, 'playbook.yml'), join(dir, 'ais-prod.yaml')]);
    expect(r.stdout).toMatch(/playbook\.yml:1: error: document 1 is not a Kubernetes object/);
    expect(r.code).toBe(2);
  });
});
