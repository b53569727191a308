// Hostile review contents at the webhook (issue 15, "CPU grows as mounts × size" and "Evaluation
// errors fail open"). The fixes live in the policy core; these tests hold the webhook to them
// end to end (they failed before that work was merged):
// - a 3,000-deep array anywhere in an AIStore CR must not erase the target-host-port denial next
//   to it (a RangeError in one rule turned the whole review into allowed: true);
// - a CR with 10,000 mounts and 100 targets, with a PV in the cluster context, must be judged
//   within the evaluation budget (50 ms for any review the apiserver can send; asserted at 500 ms,
//   ten times that, so a busy machine does not fail it), not in seconds that block the event loop.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { KubeObject } from '../../src/policy/index.js';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer, type GuardServer } from '../../src/server/server.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';
import { send, type Target } from './support/client.js';
import { spawnGuard, type ChildGuard } from './support/guard.js';
import { record } from './support/report.js';

const root = mkdtempSync(join(tmpdir(), 'ais-guard-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function deepArray(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('a deeply nested field next to a denial (CLI)', () => {
  let guard: ChildGuard;
  let target: Target;
  beforeAll(async () => {
    const dir = join(root, 'deep');
    guard = await spawnGuard(['--port=0', '--host=127.0.0.1', `--cert-dir=${dir}`, '--no-cluster']);
    target = { port: guard.port, ca: readFileSync(join(dir, 'ca.crt')) };
  });
  afterAll(() => guard?.stop());

  // The legacy spec.disablePodAntiAffinity is read by a rule: there the depth overflowed the stack.
  const places: Record<string, (cr: KubeObject, deep: unknown) => void> = {
    'spec.disablePodAntiAffinity': (cr, deep) =>
      ((cr.spec as Record<string, unknown>).disablePodAntiAffinity = deep),
    'spec.targetSpec.affinity': (cr, deep) =>
      (((cr.spec as Record<string, unknown>).targetSpec as Record<string, unknown>).affinity = deep),
    'metadata.labels': (cr, deep) => ((cr.metadata as Record<string, unknown>).labels = { deep }),
  };
  for (const [where, place] of Object.entries(places))
    it(`a 3,000-deep array in ${where} of a CR with a target hostPort: still denied by target-host-port`, async () => {
      const cr = aistore({ disable: true, hostPort: 51081 });
      place(cr, deepArray(3_000));
      const res = await send(target, JSON.stringify(reviewOf(cr, { uid: `deep-${where}` })));
      const response = JSON.parse(res.text).response as { allowed: boolean; status?: { message?: string } };
      record(`hostile-deep-${where}`, { status: res.status, allowed: response?.allowed });
      expect(res.status).toBe(200);
      expect(response.allowed).toBe(false);
      expect(response.status?.message).toMatch(/\[target-host-port\]/);
    });
});

describe('mounts × targets × PVs (in-process, a PV in the cluster context)', () => {
  let guard: GuardServer;
  let target: Target;
  const pv: KubeObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-0' },
    spec: {
      capacity: { storage: '5Ti' },
      storageClassName: 'ais-local-storage',
      local: { path: '/mnt/d0' },
      claimRef: { namespace: 'ais', name: 'ais-data-m0-ais-target-0' },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
    },
  };
  beforeAll(async () => {
    const certDir = join(root, 'cpu');
    guard = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir, shutdownTimeoutMs: 1_000 },
      cluster: fixedCluster([pv]),
      logger: pino({ level: 'silent' }),
    });
    target = { port: (await guard.listen()).port, ca: readFileSync(join(certDir, 'ca.crt')) };
  });
  afterAll(() => guard?.shutdown());

  it('a CR with 10,000 mounts and 100 targets is judged within the budget', async () => {
    const mounts = Array.from({ length: 10_000 }, (_, i) => ({
      path: `/data/m${i}`,
      size: '5Ti',
      storageClass: 'ais-local-storage',
    }));
    const cr = aistore({ disable: true, size: 100, mounts });
    const body = JSON.stringify(reviewOf(cr, { uid: 'many-mounts' }));
    const res = await send(target, body, { timeoutMs: 120_000 });
    const metrics = await guard.metrics.registry.metrics();
    const seconds = Number(/^ais_guard_review_duration_seconds_sum\S* (\S+)$/m.exec(metrics)?.[1]);
    record('hostile-many-mounts', {
      bodyBytes: body.length,
      status: res.status,
      reviewMs: Math.round(seconds * 1000),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).response.uid).toBe('many-mounts');
    expect(seconds * 1000).toBeLessThan(500);
  });
});
