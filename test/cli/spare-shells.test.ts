// Outside review "spare4" of 0fc2f50: what the shells over evaluate() (check, audit, doctor, the
// webhook's review) do with the 'spare-volume' role and the wider storage-by-name condition. Each
// case failed on 0fc2f50.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import YAML from 'yaml';
import { audit, renderAuditJson } from '../../src/cli/audit.js';
import { SCHEMA_VERSION } from '../../src/cli/report/schema.js';
import { runChecks } from '../../src/doctor/checks/index.js';
import { ClusterContext, type KubeObject } from '../../src/policy/index.js';
import { review } from '../../src/server/review.js';
import type { ClusterSource } from '../../src/server/cluster-source.js';
import { cli } from '../support/cli.js';
import { aistore, claimName, discoveredDisk, pv } from '../support/builders.js';
import { entry, expectedFor, healthySnapshot, makeCerts, NOW } from '../doctor/support.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const schema = JSON.parse(
  readFileSync(join(ROOT, 'docs', 'schema', `report.v${SCHEMA_VERSION}.json`), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

type Pv = KubeObject & { spec: Record<string, unknown>; status?: unknown };
const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });
/** A hand-made target PV on node-1:/mnt/disks/sda, Bound to its live claim (as audit lists it). */
const targetPv = (): KubeObject => {
  const t = pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda', local: true }) as Pv;
  (t.spec.claimRef as Record<string, unknown>).uid = 'claim-uid-0';
  t.metadata = { ...t.metadata, uid: 'pv-uid-1' } as KubeObject['metadata'];
  return { ...t, status: { phase: 'Bound' } };
};
/** The local static provisioner's PV for the same disk, published later: Available, no claimRef. */
const published = (): KubeObject => ({
  ...discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' }),
  status: { phase: 'Available' },
});

describe('review spare4: check and audit reports', () => {
  // S4-1. docs/schema/report.v1.json $defs.role enumerates the roles; 'spare-volume' is not one, so
  // every `check -o json` / `audit -o json` that holds a spare fails the documented schema
  // (docs/json-report.md lists the roles too).
  it('S4-1a: check -o json over a target PV and a published disk on it matches the schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-spare4-'));
    writeFileSync(
      join(dir, 'all.yaml'),
      [cr, targetPv(), published()].map((o) => YAML.stringify(o)).join('---\n'),
    );
    const r = await cli(['check', '-o', 'json', dir]);
    const report = JSON.parse(r.stdout) as { results: { role: string | null }[] };
    expect(report.results.map((x) => x.role)).toContain('spare-volume');
    const ok = validate(report);
    expect(ok ? [] : validate.errors).toEqual([]);
  });

  it('S4-1b: audit -o json with a published disk on a target PV matches the schema', () => {
    const out = JSON.parse(renderAuditJson(audit([cr, targetPv(), published()]), [])) as unknown;
    const ok = validate(out);
    expect(ok ? [] : validate.errors).toEqual([]);
  });

  // S4-2. `audit -n ais` keeps PVs "by their claim" (src/cli/audit.ts namespaceOf): a spare has no
  // claim (or another app's), so the failing PV on ais's target disk is not listed under -n ais, and
  // when the target's own PV has no finding (here the provisioner's PV the scheduler bound to the
  // target claim, left to the provisioner by recognise) `audit -n ais` exits 0 while `audit` exits 1.
  it('S4-2: audit -n ais lists the failing spare on a disk of an ais target', () => {
    const bound = {
      ...discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' }),
      status: { phase: 'Bound' },
    } as Pv;
    bound.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: 'ais', name: claimName(0), uid: 'c0' };
    const byHand = pv('spare-sda', { claim: 'x', path: '/mnt/disks/sda' }) as Pv;
    delete byHand.spec.claimRef;
    const fails = (ns: string[]) =>
      audit([cr, bound, byHand], ns)
        .filter((a) => a.results.some((x) => x.result === 'fail'))
        .map((a) => a.object.metadata?.name);
    expect(fails([])).toEqual(['spare-sda']);
    expect(fails(['ais'])).toEqual(['spare-sda']);
  });

  // S4-3. Live, the published PV already stands. Its audit fix is the admission one: change the
  // namePattern, restart the provisioner, "until then it retries on each pass and is refused". The
  // provisioner deletes no PV whose entry stops matching (only Released ones, deleter.go), so the
  // PV stays Available on the target's disk and the audit keeps failing: the fix must say delete it.
  it('S4-3: the audit fix for a live published spare says to delete that PV', () => {
    const spare = audit([cr, targetPv(), published()]).find(
      (a) => a.object.metadata?.name === 'local-pv-8f3a',
    );
    const fix = spare?.results.find((x) => x.rule === 'pv-target-binding')?.fix ?? '';
    expect(fix).toMatch(/delete (PV )?local-pv-8f3a|kubectl delete pv local-pv-8f3a/i);
  });
});

describe('review spare4: doctor and an install made before the wider condition', () => {
  // S4-4. doctor compares entry names, services, failure policies and namespace selectors, not
  // matchConditions: an install applied before 0a3383b (storage-by-name's PV condition still
  // 'pv-bound-to-target-claim') never sends a published disk or hand-made spare to the guard, and
  // doctor says all is well. The upgrade's one new protection is off and nothing says so.
  it('S4-4: doctor flags storage-by-name without the local-disk condition', async () => {
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, makeCerts());
    const live = entry(snapshot, 'storage-by-name.validate.ais-guard.io') as { matchConditions?: unknown };
    expect(JSON.stringify(live.matchConditions)).toContain('pv-bound-to-target-claim-or-local-disk');
    // As 8a25e82 rendered it: the PV condition without its local-disk clause.
    const [pvCondition, ...rest] = live.matchConditions as { name: string; expression: string }[];
    live.matchConditions = [
      {
        name: 'pv-bound-to-target-claim',
        expression: pvCondition!.expression.slice(
          0,
          pvCondition!.expression.indexOf(" || (request.operation == 'CREATE'"),
        ),
      },
      ...rest,
    ];
    const results = runChecks(snapshot, expected, NOW);
    expect(results.filter((c) => c.status !== 'ok' && c.status !== 'skip').map((c) => c.check)).not.toEqual(
      [],
    );
  });
});

describe('review spare4: the webhook and its namespace lists', () => {
  // S4-5. review() skips a PV whose claimRef namespace is excluded or not included
  // (reviewNamespace), before recognise. With --include-namespaces ais, a hand-made PV on an ais
  // target's disk is refused when free, admitted when pre-bound to db/data-postgres-0: the one that
  // certainly writes the target's disk passes. (The target PV made second is judged: its claim is in ais.)
  it('S4-5: --include-namespaces ais still refuses a spare pre-bound to another namespace on an ais disk', () => {
    const ctx = new ClusterContext([cr, targetPv()]);
    const cluster = { context: () => ctx, synced: () => true } as unknown as ClusterSource;
    const deps = {
      config: { modes: {}, failureMode: 'allow', includeNamespaces: ['ais'], excludeNamespaces: [] },
      cluster,
    } as unknown as Parameters<typeof review>[2];
    const spare = (ns?: string) => {
      const o = pv('spare-sda', {
        claim: 'data-postgres-0',
        claimNamespace: ns ?? 'db',
        path: '/mnt/disks/sda',
        local: true,
      }) as Pv;
      if (!ns) delete o.spec.claimRef;
      return o;
    };
    const verdict = (object: KubeObject) =>
      review(
        'validate',
        {
          uid: 'u',
          kind: { group: '', version: 'v1', kind: 'PersistentVolume' },
          resource: { group: '', version: 'v1', resource: 'persistentvolumes' },
          operation: 'CREATE',
          object,
          dryRun: false,
        },
        deps,
      ).verdict;
    expect(verdict(spare())).toBe('denied');
    expect(verdict(spare('db'))).toBe('denied');
  });
});
