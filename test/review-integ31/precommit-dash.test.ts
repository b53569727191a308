// The pre-commit hook's entry gets pre-commit's `args:` then the staged files, as paths relative to
// the repository root with no "./": a manifest named "-prod.yaml" at the root arrives as "-prod.yaml",
// which check's option parser read as an option ("Unknown option '-p'", exit 2), so the commit was
// refused for no finding and the file never judged.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const hook = (cwd: string, args: string[]) =>
  spawnSync('bash', [join(ROOT, 'scripts', 'precommit-hook.sh'), ...args], { cwd, encoding: 'utf8' });

describe('pre-commit hook: staged files whose names start with "-"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-integ31-hook-'));
  copyFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), join(dir, '-prod.yaml'));
  copyFileSync(join(ROOT, 'examples', 'multi-target', '01-aistore.yaml'), join(dir, '--fix.yaml'));

  it('judges a file named -prod.yaml (its denial fails the commit, exit 1, not a usage error)', () => {
    const r = hook(dir, ['-prod.yaml']);
    expect(r.stdout + r.stderr).not.toMatch(/Unknown option/);
    expect(r.stdout).toContain('DENY  pvc-name');
    expect(r.status).toBe(1);
  });

  it('judges a file named --fix.yaml as a file, not as the --fix option', () => {
    const r = hook(dir, ['--fix.yaml']);
    expect(r.stdout + r.stderr).not.toMatch(/Unknown option|error:/);
    expect(r.stdout).toMatch(/1 object\(s\) checked/);
    expect(r.status).toBe(0);
  });

  it("keeps the hook's args: options from `args:` before the files still apply", () => {
    const r = hook(dir, ['--mode', 'warn', '-prod.yaml']);
    expect(r.stdout).toContain('WARN  pvc-name');
    expect(r.status).toBe(0);
  });
});
