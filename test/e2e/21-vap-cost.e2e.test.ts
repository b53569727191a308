// The exported policies' cost on kube-apiserver, which the CEL library in test/vap cannot show: the
// apiserver stops an expression past its cost limit, and with failurePolicy Fail that rejects the
// object. An outside review ("vap") found the mount checks compared every pair of mounts in place and
// rejected valid CRs from 80 mounts on, their finalizer patches included. Run alone:
// AIS_K8S_SOURCE=… npm run test:e2e -- 21-vap-cost
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderAdmissionPolicies } from '../../src/deploy/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { PAIRWISE_MOUNTS } from '../../src/vap/index.js';
import { aistore, run } from '../support/builders.js';
import { schemaComplete } from './support/apiserver-view.js';
import { attempt, core, create, eventually, objects, read, type Obj } from './support/kube.js';
import { installAistoreCrd } from './support/suite.js';

const POLICIES = renderAdmissionPolicies('deny') as Obj[];
const NS = 'vap-cost';
const asObj = (o: KubeObject) => schemaComplete(o) as unknown as Obj;
const inNs = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: NS } });

async function dryRun(o: KubeObject): Promise<{ ok: boolean; message: string }> {
  const outcome = await attempt(create(asObj(inNs(o)), { dryRun: true }));
  return outcome.ok ? { ok: true, message: '' } : { ok: false, message: outcome.rejection.message };
}
const engineDenies = (o: KubeObject) =>
  run({ name: 'x', object: inNs(o) }).findings.some((f) => f.action === 'deny');

/** Denied by ais-guard-aistore (a relative mount path): proves the policies are in effect. */
const PROBE = aistore({ mounts: [{ path: 'data', size: '1Ti' }] });

/** A CR whose targets each have `n` disks, at distinct, valid paths (the engine admits up to 1,024). */
const manyMounts = (n: number) =>
  aistore({
    mounts: Array.from({ length: n }, (_, i) => ({
      path: `/mnt/data/nvme-disk-${String(i).padStart(3, '0')}/aistore`,
      size: '7Ti',
    })),
  });

beforeAll(async () => {
  await installAistoreCrd();
  if (!(await read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })))
    await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const p of POLICIES) await attempt(create(p));
  await eventually('the policies are in effect', async () => {
    const probe = await dryRun(PROBE);
    if (probe.ok) throw new Error('admitted');
  });
});

afterAll(async () => {
  for (const p of [...POLICIES].reverse()) await attempt(objects.delete(p as KubernetesObject));
  // Later files expect webhooks only: wait until the policies no longer apply.
  await eventually('the policies are no longer applied', async () => {
    if (!(await dryRun(PROBE)).ok) throw new Error('still denied');
  });
  await attempt(core.deleteNamespace({ name: NS }));
});

describe('the exported policies on kube-apiserver: cost', () => {
  // Up to the 1,024 mounts the guard reads (aistore.ts MAX_MOUNTS); beyond, the policy denies the CR
  // as a whole, as evaluate() does.
  it.each([80, 256, 1024])(
    'a CR with %i valid mounts is admitted, as evaluate() admits it (no CEL cost error)',
    async (n) => {
      const cr = manyMounts(n);
      expect(engineDenies(cr)).toBe(false);
      expect(await dryRun(cr)).toEqual({ ok: true, message: '' });
    },
  );

  /** `n` mounts, the last a useHostPath mount on the first one's path: only mount-path-unique's pairs see it. */
  const twinned = (n: number) => {
    const cr = manyMounts(n);
    const mounts = (cr.spec as { targetSpec: { mounts: Record<string, unknown>[] } }).targetSpec.mounts;
    mounts[n - 1] = { path: mounts[0]!.path, useHostPath: true };
    return cr;
  };

  it(`a CR with ${PAIRWISE_MOUNTS} mounts, two on one directory, is denied by rule, not by a cost error`, async () => {
    const cr = twinned(PAIRWISE_MOUNTS);
    expect(engineDenies(cr)).toBe(true);
    const answer = await dryRun(cr);
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(/ denied request: \[mount-path-unique\]/);
  });

  it("past that many mounts the pairs are the webhook's to compare: admitted, no cost error (docs/vap.md)", async () => {
    const cr = twinned(1024);
    expect(engineDenies(cr)).toBe(true);
    expect(await dryRun(cr)).toEqual({ ok: true, message: '' });
  });

  it("an update that leaves a large CR's spec as stored (the operator's finalizer patch) is not judged", async () => {
    const cr = inNs(manyMounts(1024));
    await create(asObj(cr));
    try {
      const stored = (await read(asObj(cr))) as Obj;
      const patched = {
        ...stored,
        metadata: { ...stored.metadata, finalizers: ['ais.nvidia.com/finalizer'] },
      };
      const outcome = await attempt(objects.replace(patched as KubernetesObject, undefined, 'All'));
      expect(outcome.ok ? '' : outcome.rejection.message).toBe('');
    } finally {
      await attempt(objects.delete(asObj(cr) as KubernetesObject));
    }
  });
});
