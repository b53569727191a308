// audit --apply's reports stay under etcd's object size limit for a large AIStore (outside review
// "audit": 200 targets x 8 mounts gave a 2 MB namespace report, which etcd refuses).
import { describe, expect, it } from '@jest/globals';
import { audit } from '../../src/cli/audit.js';
import { buildReports } from '../../src/audit/index.js';
import type { KubeObject } from '../../src/policy/index.js';

describe('audit reports of a large AIStore', () => {
  it('every report it would apply fits in one etcd object (1.5 MiB): 200 targets x 8 mounts', () => {
    // One PolicyReport/Report per namespace and one ClusterReport for every PV (policy-report.ts
    // reportsIn), each holding a result per (object, rule) including every pass. For 200 targets with
    // 8 NVMe mounts each (1,600 claims, 1,600 PVs, all valid) the namespace report is ~2.1 MB and the
    // cluster report ~1.1 MB of JSON; etcd refuses an object over its --max-request-bytes (1.5 MiB by
    // default: "etcdserver: request is too large"), so `audit --apply` (the hourly CronJob) fails with
    // exit 2 on exactly the large deployments it is for. Kyverno splits its reports per resource.
    const T = 200;
    const NODES = 50;
    const mounts = Array.from({ length: 8 }, (_, m) => ({
      path: `/ais/nvme${m}`,
      size: '1Ti',
      storageClass: 'local',
    }));
    const objects: KubeObject[] = [
      {
        apiVersion: 'ais.nvidia.com/v1beta1',
        kind: 'AIStore',
        metadata: { name: 'ais', namespace: 'ais', uid: 'cr' },
        spec: {
          nodeImage: 'x',
          initImage: 'y',
          stateStorage: { hostPath: { prefix: '/etc/ais' } },
          proxySpec: { size: 1, servicePort: 51080 },
          targetSpec: { size: T, disablePodAntiAffinity: true, servicePort: 51081, mounts },
        },
      } as KubeObject,
    ];
    for (let n = 0; n < NODES; n++)
      objects.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } },
      });
    for (let t = 0; t < T; t++) {
      const node = `node-${t % NODES}`;
      mounts.forEach((m, i) => {
        const claim = `ais${m.path.replaceAll('/', '-')}-ais-target-${t}`;
        objects.push({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claim, namespace: 'ais', uid: `c${t}-${i}` },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Ti' } },
            storageClassName: 'local',
            volumeName: `ais.${claim}`,
          },
          status: { phase: 'Bound' },
        } as KubeObject);
        objects.push({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: `ais.${claim}`, uid: `v${t}-${i}` },
          spec: {
            capacity: { storage: '8Ti' },
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'local',
            persistentVolumeReclaimPolicy: 'Retain',
            local: { path: `/mnt/t${Math.floor(t / NODES)}-d${i}` },
            claimRef: { namespace: 'ais', name: claim },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                ],
              },
            },
          },
        } as KubeObject);
      });
    }
    const audited = audit(objects);
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
