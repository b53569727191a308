// The pre-commit hook builds its clone of this repository on first use (scripts/precommit-hook.sh),
// in the environment pre-commit runs in: a CI job with NODE_ENV=production (npm then leaves out
// TypeScript: "tsc: not found", the commit is refused) or a ~/.npmrc with ignore-scripts=true (no
// prepare script: no dist/, an ERR_MODULE_NOT_FOUND stack on every commit). npm is the fake of
// test/support/fake-npm.ts; scripts/precommit-smoke.sh runs the real one.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FAKE_NPM } from '../support/fake-npm.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe("pre-commit hook: the first run's build of pre-commit's clone", () => {
  it.each([
    ['a plain shell', {}],
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['npm_config_ignore_scripts=true', { npm_config_ignore_scripts: 'true' }],
  ])('builds it in %s and judges the staged file', (_, env) => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-action32-hook-'));
    const clone = join(dir, 'clone');
    mkdirSync(join(clone, 'scripts'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
    cpSync(join(ROOT, 'bin'), join(clone, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'scripts', 'precommit-hook.sh'), join(clone, 'scripts', 'precommit-hook.sh'));
    const fakeBin = join(dir, 'fake-bin');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'npm'), FAKE_NPM, { mode: 0o755 });
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    cpSync(join(ROOT, 'examples', 'ais-prod.yaml'), join(repo, 'ais-prod.yaml'));
    const r = spawnSync('bash', [join(clone, 'scripts', 'precommit-hook.sh'), 'ais-prod.yaml'], {
      cwd: repo,
      encoding: 'utf8',
      env: {
        PATH: `${fakeBin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        NPM_LOG: join(dir, 'npm.log'),
        BUILT_DIST: join(ROOT, 'dist'),
        REAL_NODE_MODULES: join(ROOT, 'node_modules'),
        ...env,
      },
    });
    // The denial of examples/ais-prod.yaml: judged, so the build worked.
    expect([r.status, r.stdout.includes('DENY  pvc-name')]).toEqual([1, true]);
    expect(readFileSync(join(dir, 'npm.log'), 'utf8')).toMatch(/^npm ci /);
  });
});
