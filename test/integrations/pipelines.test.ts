// Review "pipeline": ais-guard as a platform engineer wires it into CI (GitHub Action, pre-commit)
// and feeds it what pipelines produce. Each of the first tests is a defect an outside review found (each
// failed on a058913).
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

/** A step script of action.yml as the runner runs it: cwd the workspace, INPUT_*, $GITHUB_OUTPUT. */
function actionStep(cwd: string, inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-review-action-'));
  const outputFile = join(dir, 'github-output');
  writeFileSync(outputFile, '');
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'action', 'check.sh')], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AIS_GUARD: `${process.execPath} ${join(ROOT, 'bin', 'ais-guard.js')}`,
      GITHUB_OUTPUT: outputFile,
      INPUT_SARIF_FILE: join(dir, 'ais-guard.sarif'),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: r.status, log: r.stdout + r.stderr, outputs };
}

/** How the runner reads a workflow command's property value (toolkit's escapeProperty, reversed). */
const unescapeProperty = (s: string) =>
  s
    .replace(/%2C/g, ',')
    .replace(/%3A/g, ':')
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '\r')
    .replace(/%25/g, '%');

describe('review pipeline: pre-commit hook', () => {
  // SEVERITY HIGH. .pre-commit-hooks.yaml matches every *.yaml/*.yml by default, and pre-commit runs
  // the hook only with the staged files that match. A commit of .pre-commit-config.yaml itself (the
  // commit that adds the hook), of a workflow file, a values.yaml or a kustomization.yaml holds no
  // Kubernetes object: check says "no Kubernetes objects in the input" and exits 2, and the commit
  // is refused. The files are skipped with a note by check's own rules; nothing was wrong.
  it.each([
    [
      '.pre-commit-config.yaml',
      'repos:\n  - repo: https://github.com/x/ais-guard\n    rev: v0.1.0\n    hooks:\n      - id: ais-guard-check\n',
    ],
    [
      'kustomization.yaml',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [aistore.yaml]\n',
    ],
    ['values.yaml', 'replicas: 3\n'],
  ])('a commit of only %s (no Kubernetes object, skipped with a note) passes the hook', (name, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-review-hook-'));
    writeFileSync(join(dir, name), text);
    const r = spawnSync('bash', [join(ROOT, 'scripts', 'precommit-hook.sh'), name], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).not.toContain('error:');
    expect(r.status).toBe(0);
  });
});

describe('review pipeline: GitHub Action annotations', () => {
  // SEVERITY MEDIUM. check.sh walks `paths` and annotates each finding with `::error file=<uri>`,
  // taking the SARIF artifactLocation.uri, which is percent-encoded (right for SARIF 2.1.0 §3.4.3).
  // sarif-summary.mjs escapes "%" again, so the runner gets back "deploy/my%20app/...": no such
  // file, and the annotation is not shown on the pull request's file. The same for "#", "%" and
  // every non-ASCII name (über.yaml).
  it('a finding in a file whose path has a space or non-ASCII letters is annotated on that file', () => {
    const repo = mkdtempSync(join(tmpdir(), 'ais-guard-review-ws-'));
    mkdirSync(join(repo, 'deploy', 'my app'), { recursive: true });
    mkdirSync(join(repo, 'deploy', 'über'), { recursive: true });
    const prod = readFileSync(join(EXAMPLES, 'ais-prod.yaml'), 'utf8');
    writeFileSync(join(repo, 'deploy', 'my app', 'ais prod.yaml'), prod);
    writeFileSync(join(repo, 'deploy', 'über', 'stage.yaml'), prod.replaceAll('ais-prod', 'ais-stage'));
    const r = actionStep(repo, { paths: 'deploy' });
    expect(r.outputs).toMatchObject({ 'exit-code': '1', denials: '2' });
    const files = [...r.log.matchAll(/^::error file=([^,]*),line=38,/gm)].map((m) => unescapeProperty(m[1]!));
    expect(files).toEqual(['deploy/my app/ais prod.yaml', 'deploy/über/stage.yaml']);
  });
});

describe('review pipeline: GitHub Action on a GitOps repository (a folder per cluster)', () => {
  // SEVERITY MEDIUM. The README's GitOps layout (clusters/prod, clusters/staging, each the same
  // AIStore set) is checked with `check --context-per-dir clusters/*/`. The Action has no input for
  // it: `paths: clusters/prod clusters/staging` judges both folders as one cluster, every object
  // is "given twice", exit-code 2 and the job fails although both clusters are valid. The only way
  // out is one Action step per cluster. (Input name below is the CLI flag's; any name will do.)
  it('two valid cluster folders with the same objects can be checked in one step', () => {
    const repo = mkdtempSync(join(tmpdir(), 'ais-guard-review-gitops-'));
    for (const cluster of ['prod', 'staging']) {
      mkdirSync(join(repo, 'clusters', cluster), { recursive: true });
      cpSync(join(EXAMPLES, 'multi-target'), join(repo, 'clusters', cluster), { recursive: true });
    }
    const action = YAML.parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(action.inputs)).toContain('context-per-dir');
    const r = actionStep(repo, { paths: 'clusters/prod clusters/staging', context_per_dir: 'true' });
    expect(r.outputs).toMatchObject({ 'exit-code': '0', 'input-errors': '0' });
  });
});

describe('review pipeline: what pipelines feed check', () => {
  // SEVERITY LOW-MEDIUM. A stream of JSON objects one after another (`jq -c '.items[]'`,
  // `kubectl get ... -o json | jq '.items[]'`) is what kubectl apply -f reads: cli-runtime's
  // StreamVisitor decodes with apimachinery's YAMLOrJSONDecoder, which for JSON input is a
  // json.Decoder reading value after value. check reads it as one YAML document and refuses it
  // ("Unexpected flow-map-start"), exit 2, the denial unseen.
  it('reads a concatenated JSON object stream as kubectl does', async () => {
    const docs = YAML.parseAllDocuments(readFileSync(join(EXAMPLES, 'ais-prod.yaml'), 'utf8')).map((d) =>
      JSON.stringify(d.toJS()),
    );
    const r = await cli(['check', '-'], docs.join('\n') + '\n');
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).toContain('DENY  pvc-name');
    expect(r.code).toBe(1);
  });

  // SEVERITY LOW-MEDIUM. A repository that holds a Helm chart's source beside its manifests (the
  // Action's default `paths: .`, or `check deploy/`): Chart.yaml and values.yaml are skipped with a
  // note, as documented, but every template is an input error ("Unexpected scalar at node end" on
  // `{{ .Release.Name }}`), so the run exits 2 on files that are not objects to apply either.
  it('skips the templates of a Helm chart source (a folder with Chart.yaml) as it skips its Chart.yaml', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'ais-guard-review-chart-'));
    mkdirSync(join(repo, 'chart', 'templates'), { recursive: true });
    writeFileSync(join(repo, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: extras\nversion: 0.1.0\n');
    writeFileSync(join(repo, 'chart', 'values.yaml'), 'replicas: 1\n');
    writeFileSync(
      join(repo, 'chart', 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  replicas: "{{ .Values.replicas }}"\n',
    );
    cpSync(join(EXAMPLES, 'multi-target'), join(repo, 'aistore'), { recursive: true });
    const r = await cli(['check', repo]);
    expect(r.stdout).not.toContain('error:');
    expect(r.code).toBe(0);
  });
});

describe('pipelines, after the review', () => {
  it('--fix keeps a JSON object stream one object per line, and the fixed stream checks clean', async () => {
    const dir = join(EXAMPLES, 'multi-target');
    const docs = readdirSync(dir)
      .sort()
      .map((f) => join(dir, f))
      .flatMap((f) => YAML.parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as unknown))
      .filter(Boolean)
      .map((o) => JSON.stringify(o));
    const stream = docs.join('\n') + '\n';
    const before = await cli(['check', '-'], stream);
    expect(before.stdout).toMatch(/the guard would change/);
    const fixed = await cli(['check', '--fix', '-'], stream);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout.split('\n').filter(Boolean)).toHaveLength(docs.length);
    const after = await cli(['check', '-'], fixed.stdout);
    expect(after.stdout).toMatch(/, 0 the guard would change/);
  });

  it('a walk skips node_modules; --allow-empty makes "no objects" no error, and its absence one', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'ais-guard-walk-'));
    mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'pkg', 'data.json'), '[1, 2]\n');
    writeFileSync(join(repo, 'values.yaml'), 'replicas: 3\n');
    const strict = await cli(['check', repo]);
    expect(strict.stdout).toMatch(/no Kubernetes objects in the input/);
    expect(strict.stdout).not.toMatch(/node_modules/);
    expect(strict.code).toBe(2);
    const allowed = await cli(['check', '--allow-empty', repo]);
    expect(allowed.code).toBe(0);
  });
});
