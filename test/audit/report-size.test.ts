// audit --apply's reports stay under etcd's object size limit for a large AIStore (outside review
// "audit": 200 targets x 8 mounts gave a 2 MB namespace report, which etcd refuses).
import { describe, expect, it } from '@jest/globals';
import { audit } from '../../src/cli/audit.js';
import { buildReports } from '../../src/audit/index.js';
import { liveAIStore } from './support/large-aistore.js';

describe('audit reports of a large AIStore', () => {
  it('every report it would apply fits in one etcd object (1.5 MiB): 200 targets x 8 mounts', () => {
    // One PolicyReport/Report per namespace and one ClusterReport for every PV (policy-report.ts
    // reportsIn), each holding a result per (object, rule) including every pass. For 200 targets with
    // 8 NVMe mounts each (1,600 claims, 1,600 PVs, all valid) the namespace report is ~2.1 MB and the
    // cluster report ~1.1 MB of JSON; etcd refuses an object over its --max-request-bytes (1.5 MiB by
    // default: "etcdserver: request is too large"), so `audit --apply` (the hourly CronJob) fails with
    // exit 2 on exactly the large deployments it is for. Kyverno splits its reports per resource.
    const audited = audit(liveAIStore(200, 8, 50));
    expect(audited.filter((a) => a.results.some((r) => r.result === 'fail'))).toEqual([]);
    const sizes = buildReports(audited, ['policyreport', 'openreports'], { now: 1 }).map(
      (r) => `${String(r.kind)} ${JSON.stringify(r).length}`,
    );
    const tooBig = sizes.filter((s) => Number(s.split(' ')[1]) > 1.5 * 1024 * 1024);
    expect(tooBig).toEqual([]);
    // What is left out is said, and counted.
    const reports = buildReports(audited, ['policyreport'], { now: 1 }) as {
      metadata: { annotations?: Record<string, string> };
      summary: { pass: number };
      results: unknown[];
    }[];
    const trimmed = reports.filter((r) => r.metadata.annotations?.['ais-guard.io/omitted-results']);
    expect(trimmed.length).toBeGreaterThan(0);
    for (const r of trimmed) expect(r.summary.pass).toBeGreaterThan(r.results.length);
  });
});
