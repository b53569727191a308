// Review (branch review-vap): the exported policies on the real kube-apiserver against evaluate(),
// for two findings the CEL library cannot show (cost) or that the agreement cases lack (mount size).
// Both fail today. Run alone: AIS_K8S_SOURCE=… npm run test:e2e -- 21-vap-review
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderAdmissionPolicies } from '../../src/deploy/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, run } from '../support/builders.js';
import { schemaComplete } from './support/apiserver-view.js';
import { attempt, core, create, eventually, objects, read, type Obj } from './support/kube.js';
import { installAistoreCrd } from './support/suite.js';

const POLICIES = renderAdmissionPolicies('deny') as Obj[];
const NS = 'vap-review';
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

describe('review: the exported policies on kube-apiserver', () => {
  it.each([64, 80, 110, 256])(
    'a CR with %i valid mounts is admitted, as evaluate() admits it (no CEL cost error)',
    async (n) => {
      const cr = manyMounts(n);
      expect(engineDenies(cr)).toBe(false);
      const answer = await dryRun(cr);
      expect(answer.message).toBe('');
      expect(answer.ok).toBe(true);
    },
  );

  it.each(['0', '500m', '-1Ti'])(
    'a CR with a claim mount of size %s is denied (mount-template-name), as evaluate() denies it',
    async (size) => {
      const cr = aistore({ mounts: [{ path: '/data/aistore', size }] });
      expect(engineDenies(cr)).toBe(true);
      const answer = await dryRun(cr);
      expect(answer.ok).toBe(false);
      expect(answer.message).toMatch(/\[mount-template-name\]/);
    },
  );
});
