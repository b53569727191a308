// The kubectl plugin: package.json installs `kubectl-ais_guard` beside `ais-guard`, kubectl finds
// it as `kubectl ais-guard`, and plugins/ais-guard.yaml is a well-formed krew manifest whose
// release placeholders scripts/release/krew.sh fills (tried in CI by scripts/integrations-smoke.sh).
// Completion: kubectl (>= 1.26) asks `kubectl_complete-ais_guard` for `kubectl ais-guard <TAB>`;
// npm installs it, and the krew caveats' one-liner links it after a krew install.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import YAML from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const manifest = YAML.parse(readFileSync(join(ROOT, 'plugins', 'ais-guard.yaml'), 'utf8')) as {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version: string;
    homepage: string;
    shortDescription: string;
    description: string;
    caveats: string;
    platforms: {
      selector: { matchLabels: Record<string, string> };
      uri: string;
      sha256: string;
      bin: string;
      files: { from: string; to: string }[];
    }[];
  };
};

describe('kubectl-ais_guard', () => {
  it('package.json installs it beside ais-guard', () => {
    expect(pkg.bin).toEqual({
      'ais-guard': 'bin/ais-guard.js',
      'kubectl-ais_guard': 'bin/kubectl-ais_guard.js',
      'kubectl_complete-ais_guard': 'bin/kubectl_complete-ais_guard.js',
    });
  });

  it('its hints say what a plugin user types: `kubectl ais-guard --help`, not `ais-guard --help`', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, pkg.bin['kubectl-ais_guard']!), ...args], { encoding: 'utf8' });
    expect(run('chek').stderr).toMatch(/; see "kubectl ais-guard --help"\n$/);
    expect(run('check', '--nope').stderr).toMatch(/; see "kubectl ais-guard check --help"\n$/);
    expect(
      spawnSync(process.execPath, [join(ROOT, pkg.bin['ais-guard']!), 'chek'], { encoding: 'utf8' }).stderr,
    ).toMatch(/; see "ais-guard --help"\n$/);
  });

  it('kubectl finds it on PATH and runs it as `kubectl ais-guard`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-plugin-'));
    symlinkSync(join(ROOT, pkg.bin['kubectl-ais_guard']!), join(dir, 'kubectl-ais_guard'));
    const env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` };
    const list = execFileSync('kubectl', ['plugin', 'list', '--name-only'], { env, encoding: 'utf8' });
    expect(list.split('\n')).toContain('kubectl-ais_guard');
    const version = execFileSync('kubectl', ['ais-guard', 'version'], { env, encoding: 'utf8' });
    expect(version).toBe(`ais-guard ${pkg.version}\n`);
    const check = spawnSync('kubectl', ['ais-guard', 'check', join(ROOT, 'examples', 'ais-prod.yaml')], {
      env,
      encoding: 'utf8',
    });
    expect([check.status, check.stdout]).toEqual([1, expect.stringContaining('DENY  pvc-name')]);
  });
});

/** `kubectl __complete ais-guard WORD...`, as kubectl's own shell completion asks: the choices. */
function kubectlComplete(env: NodeJS.ProcessEnv, words: string[]) {
  const r = spawnSync('kubectl', ['__complete', 'ais-guard', ...words], { env, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('kubectl_complete-ais_guard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-complete-'));
  for (const name of ['kubectl-ais_guard', 'kubectl_complete-ais_guard'])
    symlinkSync(join(ROOT, pkg.bin[name]!), join(dir, name));
  const env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` };

  it('kubectl asks it for `kubectl ais-guard <TAB>`: commands with descriptions, no file names', () => {
    expect(kubectlComplete(env, ['ch'])).toEqual([
      'check\tcheck AIStore manifests offline (CI, GitOps)',
      ':4',
    ]);
    const all = kubectlComplete(env, ['']).map((l) => l.split('\t')[0]);
    expect(all).toEqual(expect.arrayContaining(['check', 'audit', 'rules', 'completion', 'version']));
  });

  it("offers a command's flags, subcommands and rule ids; file names for a flag's value", () => {
    expect(kubectlComplete(env, ['audit', '--report-f'])).toEqual(['--report-format', ':4']);
    expect(kubectlComplete(env, ['check', '-q'])).toEqual(['-q', ':4']);
    expect(kubectlComplete(env, ['rules', 'ex'])).toEqual(['explain', ':4']);
    expect(kubectlComplete(env, ['rules', 'explain', 'pvc'])).toEqual(['pvc-name', ':4']);
    expect(kubectlComplete(env, ['check', '--nodes-file', ''])).toEqual([':0']);
    expect(kubectlComplete(env, ['check', ''])).toEqual([':0']);
  });
});

describe('plugins/ais-guard.yaml (krew)', () => {
  const { spec } = manifest;

  it('is a krew v1alpha2 Plugin named ais-guard, at the package version', () => {
    expect(manifest.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
    expect(manifest.kind).toBe('Plugin');
    expect(manifest.metadata.name).toBe('ais-guard');
    expect(spec.version).toBe(`v${pkg.version}`);
    // krew-index's limits: a one-line short description under 50 characters, and a description.
    expect(spec.shortDescription.length).toBeLessThan(50);
    expect(spec.shortDescription).not.toContain('\n');
    expect(spec.description.length).toBeGreaterThan(50);
  });

  it('covers linux and darwin on amd64 and arm64, each running kubectl-ais_guard from the archive', () => {
    const platforms = spec.platforms.map(
      (p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`,
    );
    expect(platforms.sort()).toEqual(['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64']);
    for (const p of spec.platforms) {
      expect(p.bin).toBe(pkg.bin['kubectl-ais_guard']);
      expect(p.files).toEqual([{ from: 'package/*', to: '.' }]);
    }
  });

  it('leaves homepage, uri and sha256 as placeholders that the release script fills', () => {
    expect(spec.homepage).toBe('RELEASE-PLACEHOLDER-HOMEPAGE');
    for (const p of spec.platforms) {
      expect(p.uri).toBe('RELEASE-PLACEHOLDER-URI');
      expect(p.sha256).toBe('RELEASE-PLACEHOLDER-SHA256');
    }
    const script = readFileSync(join(ROOT, 'scripts', 'release', 'krew.sh'), 'utf8');
    for (const placeholder of ['URI', 'SHA256', 'HOMEPAGE'])
      expect(script).toContain(`RELEASE-PLACEHOLDER-${placeholder}`);
    const doc = readFileSync(join(ROOT, 'docs', 'gitops.md'), 'utf8');
    expect(doc).toContain('scripts/release/krew.sh');
  });

  it("the caveats' one-liner links the completion helper after a krew install, and kubectl uses it", () => {
    // krew's layout: the archive unpacked under store/<plugin>/<version>/, only `bin` linked into bin/.
    const krew = mkdtempSync(join(tmpdir(), 'ais-guard-krew-'));
    const store = join(krew, 'store', 'ais-guard', spec.version);
    mkdirSync(join(krew, 'bin'), { recursive: true });
    mkdirSync(store, { recursive: true });
    for (const file of ['bin', 'dist', 'package.json', 'node_modules'])
      symlinkSync(join(ROOT, file), join(store, file));
    symlinkSync(join(store, spec.platforms[0]!.bin), join(krew, 'bin', 'kubectl-ais_guard'));
    const env = { ...process.env, PATH: `${join(krew, 'bin')}${delimiter}${process.env.PATH}` };
    expect(kubectlComplete(env, ['ch'])).toEqual([':0']); // no helper yet: kubectl offers files
    const oneLiner = spec.caveats
      .split('\n')
      .find((l) => l.includes('kubectl_complete-ais_guard"'))!
      .trim();
    const r = spawnSync('sh', ['-c', oneLiner], { env, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(kubectlComplete(env, ['ch'])).toEqual([
      'check\tcheck AIStore manifests offline (CI, GitOps)',
      ':4',
    ]);
  });
});
