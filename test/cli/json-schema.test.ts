// `check -o json` and `audit -o json` share one documented schema (docs/schema/report.v1.json,
// docs/json-report.md): every output below is validated against it with ajv (JSON Schema 2020-12,
// strict), so a field added, renamed or dropped in either command fails here until the schema and
// its page say so.
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMA_VERSION } from '../../src/cli/report/schema.js';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import { RULES, type KubeObject } from '../../src/policy/index.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCHEMA_FILE = join(ROOT, 'docs', 'schema', `report.v${SCHEMA_VERSION}.json`);
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

function expectValid(stdout: string, command: 'check' | 'audit') {
  const report = JSON.parse(stdout) as { schemaVersion: number; command: string };
  const ok = validate(report);
  expect(ok ? [] : validate.errors).toEqual([]);
  expect([report.schemaVersion, report.command]).toEqual([SCHEMA_VERSION, command]);
  return report;
}

describe('docs/schema/report.v1.json', () => {
  it('is a strict JSON Schema 2020-12 that names its version', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((schema.properties as { schemaVersion: unknown }).schemaVersion).toEqual({
      const: SCHEMA_VERSION,
    });
  });

  // A new role a rule applies to (spare-volume, review "spare4") put reports outside the schema.
  it('lists every role a rule applies to, and no other', () => {
    const roles = (schema.$defs as { role: { enum: string[] } }).role.enum;
    expect([...roles].sort()).toEqual([...new Set(RULES.flatMap((r) => [...r.roles]))].sort());
  });

  it('refuses a report of another version, or with an unknown field', () => {
    expect(validate({ schemaVersion: 2, tool: 'ais-guard', version: '0', command: 'audit' })).toBe(false);
    const audit = {
      schemaVersion: 1,
      tool: 'ais-guard',
      version: '0',
      command: 'audit',
      summary: { objects: 0, failing: 0, warned: 0, passing: 0 },
      notes: [],
      objects: [],
    };
    expect(validate(audit)).toBe(true);
    expect(validate({ ...audit, extra: 1 })).toBe(false);
    expect(validate({ ...audit, command: 'check' })).toBe(false);
  });

  it('is the page docs/json-report.md describes, and the README points to it', () => {
    const page = readFileSync(join(ROOT, 'docs', 'json-report.md'), 'utf8');
    expect(page).toContain('docs/schema/report.v1.json');
    for (const field of ['schemaVersion', 'command', 'summary', 'results', 'objects', 'findings', 'patch'])
      expect(page).toContain(`\`${field}\``);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('docs/json-report.md');
  });
});

describe('check -o json', () => {
  it.each<[string, string[]]>([
    ['a deny, notes', ['examples/ais-prod.yaml']],
    ['every fixture: warnings, info, patches, input errors', ['test/fixtures']],
    ['--fix -o json', ['--fix', 'examples/ais-prod.yaml']],
    ['--context-per-dir, warn mode', ['--context-per-dir', '--mode', 'warn', 'test/fixtures/aistore']],
  ])('matches the schema: %s', async (_name, args) => {
    const r = await cli(['check', '-o', 'json', ...args.map((a) => (a.includes('/') ? join(ROOT, a) : a))]);
    expect(r.code).toBeLessThan(3);
    expectValid(r.stdout, 'check');
  });

  it('matches the schema with no object at all (exit 2, the error listed)', async () => {
    const r = await cli(['check', '-o', 'json', '-'], 'a: 1\n');
    expect(r.code).toBe(2);
    expectValid(r.stdout, 'check');
  });
});

describe('audit -o json', () => {
  let cluster: FakeCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  const objectsOf = (...prefixes: string[]): KubeObject[] =>
    prefixes.flatMap((p) => {
      const errors: LoadError[] = [];
      return parseSource(p, readFileSync(fixture(p), 'utf8'), errors).manifests.map((m) => m.object);
    });

  it.each<[string, boolean]>([
    ['fail, warn and pass, PVs without a namespace', true],
    ['without the AIStore CRD (a note)', false],
  ])('matches the schema: %s', async (_name, aistoreCrd) => {
    cluster = await FakeCluster.start(objectsOf('01', '04', '05', '06', '08', '09'));
    cluster.aistoreCrd = aistoreCrd;
    const file = cluster.kubeConfigFile();
    const r = await cli(['audit', '--kubeconfig', file, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = expectValid(r.stdout, 'audit') as unknown as {
      notes: string[];
      objects: { result: string }[];
    };
    expect(report.objects.map((o) => o.result)).toContain('fail');
    expect(report.notes.length > 0).toBe(!aistoreCrd);
  });
});
