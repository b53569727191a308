// Review (vapver), fixed by PAIRWISE_BUDGET 100,000 (was 400,000): valid CRs with many distinct mounts inside the
// pairs budget were rejected by kube-apiserver with a CEL cost error. src/vap/policies.ts PAIRWISE_BUDGET lets the
// `mount-path-unique` pairwise check run while mounts x (5 x mounts + characters / 10) <= 400,000
// (docs/vap.md "What it costs": "e.g. 254 mounts of 12 characters, 222 of 31 or 191 of 59"), but the
// apiserver charges a pair far more than 5: with every mount distinct, `exists` walks all n x n pairs
// and the expression is cancelled past the limit per expression (1,000,000) from 179 mounts of
// /mnt/data/nvme-disk-NNN/aistore on (the policy compares up to 222), 208 of 12 characters, 160 of 59.
// Measured with k8s.io/apiserver v0.33.13's own admission CEL (plugin/cel CompositedCompiler over
// MustBaseEnvSet(1.33, strict cost), StoredExpressions, ForInput on a CREATE): "operation cancelled:
// actual cost limit exceeded". With failurePolicy: Fail the user's `kubectl apply` of the CR is
// refused ("ValidatingAdmissionPolicy 'ais-guard-aistore' ... denied request: expression '...'
// resulted in error"), though the webhook admits it. 21-vap-cost only sends CRs at the edge whose
// twin mount `exists` finds at once, and distinct lists of 80 (cheap) and 256/1,024 (past the budget).
// Expected: admitted (the policy compares only the pairs the apiserver can afford, the webhook the
// rest). Run alone: AIS_K8S_SOURCE=… npm run test:e2e -- 22-review-vapver
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderAdmissionPolicies } from '../../src/deploy/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { PAIRWISE_BUDGET } from '../../src/vap/index.js';
import { aistore, run } from '../support/builders.js';
import { schemaComplete } from './support/apiserver-view.js';
import { attempt, core, create, eventually, objects, read, type Obj } from './support/kube.js';
import { installAistoreCrd } from './support/suite.js';

const POLICIES = renderAdmissionPolicies('deny') as Obj[];
const NS = 'vap-cost-vapver';
const asObj = (o: KubeObject) => schemaComplete(o) as unknown as Obj;
const inNs = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: NS } });

async function dryRun(o: KubeObject): Promise<{ ok: boolean; message: string }> {
  const outcome = await attempt(create(asObj(inNs(o)), { dryRun: true }));
  return outcome.ok ? { ok: true, message: '' } : { ok: false, message: outcome.rejection.message };
}
const engineDenies = (o: KubeObject) =>
  run({ name: 'x', object: inNs(o) }).findings.some((f) => f.action === 'deny');

const PROBE = aistore({ mounts: [{ path: 'data', size: '1Ti' }] });

const PATH33 = (i: number) => `/mnt/data/nvme-disk-${String(i).padStart(3, '0')}/aistore`;
const SHAPES: [string, (i: number) => string][] = [
  ['33 characters (21-vap-cost)', PATH33],
  ['12 characters', (i) => `/mnt/d${String(i).padStart(3, '0')}`.padEnd(12, 'x')],
  ['59 characters', (i) => `/mnt/d${String(i).padStart(3, '0')}`.padEnd(59, 'x')],
];

/** The most distinct mounts of a shape whose pairs the policy compares (policies.ts pairsAffordable). */
function budgetEdge(path: (i: number) => string): number {
  let n = 1;
  const affordable = (k: number) => {
    const chars = Array.from({ length: k }, (_, i) => path(i).length).reduce((a, b) => a + b, 0);
    return k * (5 * k + Math.floor(chars / 10)) <= PAIRWISE_BUDGET;
  };
  while (affordable(n + 1)) n++;
  return n;
}

const distinct = (n: number, path: (i: number) => string) =>
  aistore({ mounts: Array.from({ length: n }, (_, i) => ({ path: path(i), size: '7Ti' })) });

beforeAll(async () => {
  await installAistoreCrd();
  if (!(await read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })))
    await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const p of POLICIES) await attempt(create(p));
  await eventually('the policies are in effect', async () => {
    if ((await dryRun(PROBE)).ok) throw new Error('admitted');
  });
});

afterAll(async () => {
  for (const p of [...POLICIES].reverse()) await attempt(objects.delete(p as KubernetesObject));
  await eventually('the policies are no longer applied', async () => {
    if (!(await dryRun(PROBE)).ok) throw new Error('still denied');
  });
  await attempt(core.deleteNamespace({ name: NS }));
});

describe('review vapver: distinct mounts inside the pairs budget on kube-apiserver', () => {
  it.each(SHAPES)(
    'the most distinct valid mounts of %s whose pairs the policy compares: admitted, no cost error',
    async (_shape, path) => {
      const cr = distinct(budgetEdge(path), path);
      expect(engineDenies(cr)).toBe(false);
      expect(await dryRun(cr)).toEqual({ ok: true, message: '' });
    },
  );

  it('179 distinct valid mounts of 33 characters (cancelled under the old budget, past the new one): admitted', async () => {
    expect(budgetEdge(PATH33)).toBeLessThan(179);
    const cr = distinct(179, PATH33);
    expect(engineDenies(cr)).toBe(false);
    expect(await dryRun(cr)).toEqual({ ok: true, message: '' });
  });

  it.each(SHAPES)(
    'an UPDATE of a stored CR of the most distinct mounts of %s (both objects judged): admitted, no cost error',
    async (shape, path) => {
      // Three characters, as 'ais': <cr><path-with-dashes> of a 59-character path stays within 63.
      const name = `e${shape.replace(/[^0-9]/g, '').slice(0, 2)}`;
      const cr = inNs({ ...distinct(budgetEdge(path), path), metadata: { name, namespace: NS } });
      const made = await attempt(create(asObj(cr)));
      expect(made.ok ? '' : made.rejection.message).toBe('');
      const stored = (await read(asObj(cr))) as Obj;
      const changed = {
        ...stored,
        spec: { ...(stored.spec as object), nodeImage: 'aistorage/aisnode:v3.31' },
      };
      const outcome = await attempt(objects.replace(changed as KubernetesObject, undefined, 'All'));
      expect(outcome.ok ? '' : outcome.rejection.message).toBe('');
    },
  );
});
