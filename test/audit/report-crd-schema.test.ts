// The reports `audit` writes, checked against the real CRD schemas without a cluster: the copies of
// the OpenReports and PolicyReport CRDs committed for the e2e suite (test/e2e/manifests, with their
// sources). Every object schema that lists its properties is closed here (additionalProperties
// false), as the apiserver's strict field validation would refuse (or pruning drop) an unknown
// field: a misspelt field, a result or severity outside the enums, or a non-string property fails.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { openReports, policyReports } from '../../src/audit/index.js';
import { audit } from '../../src/cli/audit.js';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import type { KubeObject } from '../../src/policy/index.js';
import { fixture } from '../support/fixtures.js';

const MANIFESTS = resolve(import.meta.dirname, '..', 'e2e', 'manifests');

interface Crd {
  spec: {
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

/** Closes every object schema with properties, and drops the Kubernetes extension keywords. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) if (!k.startsWith('x-kubernetes-')) out[k] = closed(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function validators(file: string, version: string) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const crds = YAML.parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8')).map(
    (d) => d.toJS() as Crd,
  );
  return new Map(
    crds.map((crd) => {
      const v = crd.spec.versions.find((x) => x.name === version);
      if (!v) throw new Error(`${file}: no version ${version} of ${crd.spec.names.kind}`);
      return [crd.spec.names.kind, ajv.compile(closed(v.schema.openAPIV3Schema) as object)];
    }),
  );
}

// Fail, warn and pass results in two namespaces, and PVs (cluster-scoped) with uids.
const AUDITED = audit(
  ['01', '04', '05', '06', '08', '09'].flatMap((p, i) => {
    const errors: LoadError[] = [];
    return parseSource(p, readFileSync(fixture(p), 'utf8'), errors).manifests.map((m, j): KubeObject => ({
      ...m.object,
      metadata: { ...m.object.metadata, uid: `uid-${i}-${j}` } as KubeObject['metadata'],
    }));
  }),
);
const NOW = 1_800_000_000;

describe.each([
  ['openreports-crds.yaml', 'v1alpha1', openReports, ['Report', 'ClusterReport']],
  ['policyreport-crds.yaml', 'v1alpha2', policyReports, ['PolicyReport', 'ClusterPolicyReport']],
] as const)('%s %s', (file, version, build, kinds) => {
  const byKind = validators(file, version);
  const reports = build(AUDITED, { now: NOW }) as { kind: string; results: { result: string }[] }[];

  it('covers both kinds and every result value the audit gives', () => {
    expect([...new Set(reports.map((r) => r.kind))]).toEqual(kinds);
    const results = new Set(reports.flatMap((r) => r.results.map((x) => x.result)));
    expect([...results].sort()).toEqual(['fail', 'pass', 'warn']);
  });

  it('every report is valid under its CRD schema, closed', () => {
    for (const report of reports) {
      const validate = byKind.get(report.kind)!;
      const ok = validate(report);
      expect(ok ? [] : validate.errors).toEqual([]);
    }
  });

  it('the closed schema refuses a misspelt field and a result outside the enum', () => {
    const report = reports[0]!;
    const validate = byKind.get(report.kind)!;
    const [first, ...rest] = report.results as Record<string, unknown>[];
    expect(validate({ ...report, results: [{ ...first, rules: 'x' }, ...rest] })).toBe(false);
    expect(validate({ ...report, results: [{ ...first, result: 'deny' }, ...rest] })).toBe(false);
  });
});
