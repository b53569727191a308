// The GitHub Action (action.yml): its wiring, and its steps' scripts run as a runner runs them
// (inputs as INPUT_* variables, outputs appended to the $GITHUB_OUTPUT file) against examples/.
// AIS_GUARD points the scripts at this checkout's CLI (bin/ais-guard.js, built by npm ci).
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { FAKE_NPM } from '../support/fake-npm.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const action = YAML.parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[];
  };
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Run {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  sarif?: { runs: { tool: { driver: { name: string } }; results: { ruleId: string; level: string }[] }[] };
}

/** One step script, as the runner would run it: cwd the repository, INPUT_* set, $GITHUB_OUTPUT a file. */
function step(script: string, inputs: Record<string, string>, runner: NodeJS.ProcessEnv = {}): Run {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-action-'));
  const outputFile = join(dir, 'github-output');
  writeFileSync(outputFile, '');
  const sarifFile = join(dir, 'ais-guard.sarif');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AIS_GUARD: `${process.execPath} ${join(ROOT, 'bin', 'ais-guard.js')}`,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    INPUT_SARIF_FILE: sarifFile,
    ...runner,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'action', script)], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  let sarif: Run['sarif'];
  try {
    sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as Run['sarif'];
  } catch {
    sarif = undefined;
  }
  return { code: r.status, stdout: r.stdout + r.stderr, outputs, sarif };
}

describe('action.yml', () => {
  const steps = action.runs.steps;

  it('is a composite action whose steps run the scripts in scripts/action/', () => {
    expect(action.runs.using).toBe('composite');
    const scripts = steps.flatMap((s) =>
      [...(s.run ?? '').matchAll(/scripts\/action\/([\w-]+\.sh)/g)].map((m) => m[1]),
    );
    expect(scripts).toEqual(['install.sh', 'check.sh', 'verdict.sh']);
    for (const s of scripts) accessSync(join(ROOT, 'scripts', 'action', s!), constants.X_OK);
    for (const s of steps.filter((x) => x.run)) expect(s.run).toContain('$GITHUB_ACTION_PATH/');
  });

  it('every input it reads is declared, and every declared input is read', () => {
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    const used = new Set([...text.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const name of ['paths', 'mode', 'strict', 'version']) expect(action.inputs).toHaveProperty(name);
  });

  it('each INPUT_* variable a script reads is set by its step', () => {
    for (const s of steps.filter((x) => x.run)) {
      const script = /scripts\/action\/([\w-]+\.sh)/.exec(s.run!)![1]!;
      const source = readFileSync(join(ROOT, 'scripts', 'action', script), 'utf8');
      const read = new Set([...source.matchAll(/\bINPUT_[A-Z_]+/g)].map((m) => m[0]));
      expect([...read].sort()).toEqual(Object.keys(s.env ?? {}).sort());
    }
  });

  it('installs from its own checkout by default (no registry), and uploads with codeql-action v3', () => {
    // ais-guard is not on npm: a registry default would install whatever holds that name there.
    expect(action.inputs.version!.default).toBe('');
    expect(action.inputs['install-from']!.default).toBe('');
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(upload?.uses).toBe('github/codeql-action/upload-sarif@v3');
    // Upload before failing: the verdict is the last step.
    expect(steps.indexOf(upload!)).toBe(steps.length - 2);
  });

  it("its outputs are the check step's, which check.sh writes", () => {
    for (const [name, o] of Object.entries(action.outputs))
      expect(o.value).toBe(`\${{ steps.check.outputs.${name} }}`);
    const r = step('check.sh', { paths: 'examples/multi-target' });
    expect(Object.keys(r.outputs).sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('scripts/action/check.sh', () => {
  it('a valid layout: exit code 0, the corrections as notes, SARIF written', () => {
    const r = step('check.sh', { paths: 'examples/multi-target' });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '0', denials: '0', warnings: '0', 'input-errors': '0' });
    expect(r.sarif?.runs[0]?.tool.driver.name).toBe('ais-guard');
    expect(r.sarif?.runs[0]?.results.map((x) => x.level)).toEqual(['note', 'note']);
    expect(r.stdout).toMatch(
      /^::notice file=examples\/multi-target\/03-pvc-target-1\.yaml,line=11,title=ais-guard target-disk-binding::/m,
    );
  });

  it('a denial: the step passes (so the upload runs), exit-code 1 for the verdict, an error annotation', () => {
    const r = step('check.sh', { paths: 'examples/ais-prod.yaml' });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '1', denials: '1' });
    expect(r.sarif?.runs[0]?.results).toEqual([
      expect.objectContaining({ ruleId: 'pvc-name', level: 'error' }),
    ]);
    expect(r.stdout).toMatch(/^::error file=examples\/ais-prod\.yaml,line=38,title=ais-guard pvc-name::/m);
    expect(r.stdout).toContain('DENY  pvc-name');
  });

  it('an absolute path (paths: ${{ github.workspace }}/deploy) is a file URI in the SARIF, the path itself in the annotation', () => {
    // A uri "/home/runner/work/r/r/x.yaml" is an absolute-path reference: resolved against the
    // repository root (SARIF 2.1.0 3.4.3, RFC 3986 5.2.2) it names <root>/home/runner/..., no file.
    // A file: URI is absolute, and code scanning relativizes it against the upload's checkout_uri
    // (a file: URI of the workspace, codeql-action's checkout_path input).
    const abs = join(ROOT, 'examples', 'ais-prod.yaml');
    const r = step('check.sh', { paths: abs });
    expect(r.outputs).toMatchObject({ 'exit-code': '1', denials: '1' });
    const sarif = r.sarif as unknown as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uri = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri).toBe(pathToFileURL(abs).href);
    // The runner makes an annotation's absolute path under the workspace relative itself.
    expect(r.stdout).toContain(`::error file=${abs.replace(/:/g, '%3A')},line=38,title=ais-guard pvc-name::`);
  });

  it('several paths, one per line, judged together; a broken file is an input error', () => {
    const r = step('check.sh', { paths: 'examples/broken.yaml\nexamples/ais-prod.yaml\n' });
    expect(r.outputs).toMatchObject({ 'exit-code': '2', denials: '1', 'input-errors': '1' });
    expect(r.stdout).toMatch(
      /^::error file=examples\/broken\.yaml,line=30,title=ais-guard%3A input error::/m,
    );
  });

  it('mode warn turns the denial into a warning; strict fails on it again', () => {
    expect(step('check.sh', { paths: 'examples/ais-prod.yaml', mode: 'warn' }).outputs).toMatchObject({
      'exit-code': '0',
      denials: '0',
      warnings: '1',
    });
    expect(
      step('check.sh', { paths: 'examples/ais-prod.yaml', mode: 'warn', strict: 'true' }).outputs[
        'exit-code'
      ],
    ).toBe('1');
  });

  it("base: a violation the target branch already has is not the pull request's doing (a warning)", () => {
    const base = mkdtempSync(join(tmpdir(), 'ais-guard-action-base-'));
    mkdirSync(join(base, 'examples'));
    cpSync(join(ROOT, 'examples', 'ais-prod.yaml'), join(base, 'examples', 'ais-prod.yaml'));
    const r = step('check.sh', { paths: 'examples/ais-prod.yaml', base }, { GITHUB_BASE_REF: 'main' });
    expect(r.outputs).toMatchObject({ 'exit-code': '0', denials: '0', warnings: '1', 'input-errors': '0' });
    expect(r.stdout).toContain('already so before this update');
    // check's notes reach the SARIF as notifications of level note: a notice, not an input error.
    expect(r.stdout).toMatch(
      /^::notice file=[^\n]*title=ais-guard%3A note::--base: 2 of 2 object\(s\) judged as updates/m,
    );
    // Not a pull request (a push, a merge queue): the base checkout would be this very commit.
    const push = step('check.sh', { paths: 'examples/ais-prod.yaml', base });
    expect(push.outputs).toMatchObject({ 'exit-code': '1', denials: '1' });
    expect(push.stdout).toContain('::notice::ais-guard: base ignored (not a pull request');
  });

  it('a second use in one job with the same code scanning category is warned about (its upload would replace the first)', () => {
    // Code scanning keeps one analysis per commit and category: the second upload's alerts replace
    // the first's, and the first use's denials vanish from the Security tab and the pull request.
    const runner = { RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'ais-guard-action-twice-')) };
    const use = (paths: string, category: string, upload = 'true') =>
      step('check.sh', { paths, category, upload_sarif: upload }, runner);
    const first = use('examples/ais-prod.yaml', 'ais-guard');
    expect(first.stdout).not.toContain('::warning::');
    const other = use('examples/multi-target', 'ais-guard-staging');
    expect(other.stdout).not.toContain('::warning::');
    const noUpload = use('examples/multi-target', 'ais-guard', 'false');
    expect(noUpload.stdout).not.toContain('::warning::');
    const again = use('examples/multi-target', 'ais-guard');
    expect(again.code).toBe(0);
    expect(again.outputs['exit-code']).toBe('0');
    expect(again.stdout).toMatch(
      /^::warning::ais-guard: category "ais-guard" was uploaded by an earlier use of this action in this job/m,
    );
  });

  it('a bad input is exit code 2 with no SARIF to upload', () => {
    const bad = step('check.sh', { paths: 'examples/ais-prod.yaml', mode: 'bogus' });
    expect(bad.code).toBe(0);
    expect(bad.outputs).toMatchObject({ 'exit-code': '2', 'sarif-file': '' });
    expect(bad.stdout).toContain('unknown mode "bogus"');
    const strict = step('check.sh', { paths: 'examples', strict: 'yes' });
    expect(strict.code).toBe(2);
    expect(strict.stdout).toContain('::error::strict: true or false');
  });

  it('a sarif-file it cannot write is an input error naming it (exit 2), not "found denials"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-action-sarif-'));
    writeFileSync(join(dir, 'file'), '');
    // Under a regular file: mkdir -p and the write both fail, as for a read-only directory (which
    // root, who runs many self-hosted runners, could write anyway).
    const r = step('check.sh', {
      paths: 'examples/ais-prod.yaml',
      sarif_file: join(dir, 'file', 'out.sarif'),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/::error::ais-guard: cannot write sarif-file .*file\/out\.sarif/);
    expect(r.outputs).toMatchObject({ 'exit-code': '2', 'sarif-file': '' });
  });
});

describe('scripts/action/verdict.sh and install.sh', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['', 2],
  ])('verdict on exit code "%s" is %d', (code, want) => {
    expect(step('verdict.sh', { exit_code: code }).code).toBe(want);
  });

  it('install.sh takes exact versions only, and an install-from that exists (checked before npm runs)', () => {
    const range = step('install.sh', { version: '^0.1' });
    expect(range.code).toBe(2);
    expect(range.stdout).toContain('::error::version: give an exact version');
    const missing = step('install.sh', { version: pkg.version, install_from: '/nonexistent/ais-guard.tgz' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('::error::install-from: no such file');
  });

  it('install.sh on a Windows runner stops at once with an error that says so (before npm or a link)', () => {
    // Git Bash's ln copies instead of linking, so the default install ran a copy of bin/ais-guard.js
    // whose ../dist/ is not there: an ERR_MODULE_NOT_FOUND stack trace, no word of Windows.
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-action-windows-'));
    const githubPath = join(dir, 'github-path');
    writeFileSync(githubPath, '');
    for (const inputs of [{}, { version: pkg.version }] as Record<string, string>[]) {
      const r = step('install.sh', inputs, {
        RUNNER_OS: 'Windows',
        GITHUB_ACTION_PATH: ROOT,
        RUNNER_TEMP: join(dir, 'runner'),
        GITHUB_PATH: githubPath,
      });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/^::error::ais-guard: Windows runners are not supported/m);
    }
    expect(readFileSync(githubPath, 'utf8')).toBe('');
  });

  it("install.sh by default puts the action checkout's own ais-guard on PATH and asks npm for nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-action-install-'));
    const fakeBin = join(dir, 'fake-bin');
    mkdirSync(fakeBin);
    // dist/ is built here (npm ci's prepare), so the registry must not be asked.
    writeFileSync(join(fakeBin, 'npm'), '#!/bin/sh\necho "npm $*" >&2\nexit 97\n', { mode: 0o755 });
    const githubPath = join(dir, 'github-path');
    writeFileSync(githubPath, '');
    const r = step(
      'install.sh',
      { version: '', install_from: '' },
      {
        PATH: `${fakeBin}:${process.env.PATH}`,
        GITHUB_ACTION_PATH: ROOT,
        RUNNER_TEMP: join(dir, 'runner'),
        GITHUB_PATH: githubPath,
      },
    );
    expect([r.code, r.stdout.trim()]).toEqual([0, `ais-guard ${pkg.version}`]);
    const bin = readFileSync(githubPath, 'utf8').trim();
    expect(realpathSync(join(bin, 'ais-guard'))).toBe(realpathSync(join(ROOT, 'bin', 'ais-guard.js')));
  });

  // The build runs in the job's environment, which is the workflow's: a deploy workflow often sets
  // NODE_ENV=production, a hardened one npm_config_ignore_scripts=true (test/support/fake-npm.ts).
  it.each([
    ['a plain job', {}],
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['npm_config_omit=dev', { npm_config_omit: 'dev' }],
    ['npm_config_ignore_scripts=true', { npm_config_ignore_scripts: 'true' }],
  ])('install.sh builds a fresh checkout of the action in %s and runs it', (_, jobEnv) => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-action-build-'));
    const checkout = join(dir, '_actions', 'owner', 'ais-guard', 'v0');
    mkdirSync(checkout, { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
    cpSync(join(ROOT, 'bin'), join(checkout, 'bin'), { recursive: true });
    const fakeBin = join(dir, 'fake-bin');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'npm'), FAKE_NPM, { mode: 0o755 });
    const githubPath = join(dir, 'github-path');
    writeFileSync(githubPath, '');
    const r = step(
      'install.sh',
      { version: '', install_from: '' },
      {
        PATH: `${fakeBin}:${process.env.PATH}`,
        NPM_LOG: join(dir, 'npm.log'),
        BUILT_DIST: join(ROOT, 'dist'),
        REAL_NODE_MODULES: join(ROOT, 'node_modules'),
        GITHUB_ACTION_PATH: checkout,
        RUNNER_TEMP: join(dir, 'runner'),
        GITHUB_PATH: githubPath,
        ...jobEnv,
      },
    );
    expect([
      r.code,
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('ais-guard: building'))
        .join('\n')
        .trim(),
    ]).toEqual([0, `ais-guard ${pkg.version}`]);
    // Used again in the same job (a second `uses:` of it): built already, npm is not run again.
    writeFileSync(join(dir, 'npm.log'), '');
    expect(
      step(
        'install.sh',
        {},
        {
          PATH: `${fakeBin}:${process.env.PATH}`,
          NPM_LOG: join(dir, 'npm.log'),
          GITHUB_ACTION_PATH: checkout,
          RUNNER_TEMP: join(dir, 'runner'),
          ...jobEnv,
        },
      ).code,
    ).toBe(0);
    expect(readFileSync(join(dir, 'npm.log'), 'utf8')).toBe('');
  });
});
