// Issue 18: the MAP-vs-engine agreement cases (test/map/cases.ts, docs/map.md) against a real
// kube-apiserver v1.36 (MutatingAdmissionPolicy is GA, admissionregistration.k8s.io/v1, from 1.36):
// the AIStore CRD (from AIS_K8S_SOURCE) and the objects of `ais-guard render --map` applied, no guard
// and no webhook. Each case goes through the apiserver twice as a server-side dry run:
//   - the object as written, in a namespace the policies match: the apiserver mutates it;
//   - the engine's mutated object, in kube-public, which the policies skip (their namespaceSelector);
// (UPDATE cases: a dry-run replace of the old object, created for real in each namespace first)
// and the two answers must be the same object (up to namespace and server-set metadata). So every
// expression is compiled and run by cel-go, every patch applied by the apiserver, with the CRD's
// pruning and Pod defaulting in the path, and a mutation the engine does not make shows as well as
// one it misses. Skipped on apiservers before 1.36 (the default e2e stage runs v1.33): run it with
// test/e2e/run-map.sh.
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderMutatingPolicies } from '../../src/deploy/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { run } from '../support/builders.js';
import { mapCases } from '../map/cases.js';
import type { AgreementCase } from '../vap/cases.js';
import { podDefaults, pruned, schemaComplete } from './support/apiserver-view.js';
import { attempt, core, create, eventually, objects, read, type Obj } from './support/kube.js';
import { installAistoreCrd } from './support/suite.js';

const VERSION = process.env.E2E_K8S_VERSION ?? '';
const MINOR = Number(/^v1\.(\d+)\./.exec(VERSION)?.[1] ?? 0);
const SERVED = MINOR >= 36;

// Fail instead of the rendered Ignore: a CEL error or a patch the apiserver cannot apply then
// rejects the request and shows here, instead of passing silently as "not mutated".
const POLICIES = (renderMutatingPolicies() as Obj[]).map((o) =>
  o.kind === 'MutatingAdmissionPolicy' ? { ...o, spec: { ...(o.spec as object), failurePolicy: 'Fail' } } : o,
);

/** The namespace the policies skip, where the engine's object is sent as the baseline. */
const BASELINE = 'kube-public';

/** Server-set metadata and the namespace: everything else must be equal. */
function comparable(o: Obj): unknown {
  const {
    uid: _u,
    creationTimestamp: _c,
    managedFields: _m,
    resourceVersion: _r,
    generation: _g,
    namespace: _n,
    ...metadata
  } = o.metadata as Record<string, unknown>;
  return { ...o, metadata };
}

async function dryRun(object: KubeObject, namespace: string): Promise<Obj> {
  const body = { ...object, metadata: { ...object.metadata, namespace } } as Obj;
  const outcome = await attempt(create(body, { dryRun: true }));
  if (!outcome.ok)
    throw new Error(`${object.kind} ${object.metadata?.name} in ${namespace}: ${outcome.rejection.message}`);
  return outcome.value;
}

const cases = mapCases().map((c) => ({
  ...c,
  object: schemaComplete(c.object) as KubeObject,
  oldObject: schemaComplete(c.oldObject),
}));
const NAMESPACES = [
  ...new Set(cases.map((c) => c.object.metadata?.namespace).filter((n): n is string => !!n)),
];
const created: string[] = [];

/** The engine's answer for the object as the policies receive it (pruned, defaulted). */
function engineObject(c: AgreementCase, stored?: KubeObject): KubeObject {
  return run({
    name: c.name,
    object: podDefaults(pruned(c.object) as KubeObject),
    operation: c.operation,
    oldObject: stored,
  }).object;
}

/** Creates `old` in `namespace` for real, then sends `object` as a dry-run replace of it. */
async function dryRunUpdate(
  old: KubeObject,
  object: (stored: Obj) => KubeObject,
  namespace: string,
): Promise<Obj> {
  const placed = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, namespace } }) as Obj;
  // A stored object as the old one: without the metadata the server sets (create refuses it).
  const {
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    managedFields: _m,
    generation: _g,
    ...meta
  } = (old.metadata ?? {}) as Record<string, unknown>;
  const stored = await create(placed({ ...old, metadata: meta }));
  try {
    const next = placed(object(stored));
    next.metadata.resourceVersion = stored.metadata.resourceVersion;
    const outcome = await attempt(objects.replace(next as KubernetesObject, undefined, 'All'));
    if (!outcome.ok)
      throw new Error(`${old.kind} ${old.metadata?.name} in ${namespace}: ${outcome.rejection.message}`);
    return outcome.value as Obj;
  } finally {
    await attempt(objects.delete(stored as KubernetesObject));
    await eventually(`${old.kind} ${old.metadata?.name} in ${namespace} deleted`, async () => {
      if (await read(stored)) throw new Error('still there');
    });
  }
}

/** The apiserver's answer with the policies, and the engine's object sent where they do not apply. */
async function answers(c: AgreementCase): Promise<[Obj, Obj]> {
  const namespace = c.object.metadata?.namespace ?? 'default';
  if (c.operation === 'CREATE')
    return Promise.all([dryRun(c.object, namespace), dryRun(engineObject(c), BASELINE)]);
  // UPDATE: the old object as the apiserver stored it (the policies may have changed it on CREATE)
  // is the engine's oldObject, and the baseline's stored object.
  let storedOld: KubeObject | undefined;
  const mutated = await dryRunUpdate(
    c.oldObject!,
    (stored) => {
      storedOld = stored as unknown as KubeObject;
      return c.object;
    },
    namespace,
  );
  const baseline = await dryRunUpdate(storedOld!, () => engineObject(c, storedOld), BASELINE);
  return [mutated, baseline];
}

/** Two probes, one per policy: in effect when both come back changed. */
const PROBES = ['CR: pinned to one host, 2 targets', 'Pod: an unsure target term, pinned, ordinal 1'].map(
  (name) => cases.find((c) => c.name === name && c.operation === 'CREATE')!,
);
async function probesMutated(): Promise<boolean[]> {
  return Promise.all(
    PROBES.map(async (c) => {
      const answer = await dryRun(c.object, c.object.metadata!.namespace!);
      return (
        JSON.stringify(comparable(answer)) !== JSON.stringify(comparable(await dryRun(c.object, BASELINE)))
      );
    }),
  );
}

const suite = SERVED ? describe : describe.skip;

suite(
  `on a real kube-apiserver ${VERSION}, the MutatingAdmissionPolicies change objects as the engine does`,
  () => {
    beforeAll(async () => {
      await installAistoreCrd();
      for (const name of NAMESPACES) {
        const existing = await eventually(
          `namespace ${name} not terminating`,
          async () => {
            const ns = await read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
            if ((ns?.status as { phase?: string } | undefined)?.phase === 'Terminating')
              throw new Error('Terminating');
            return ns;
          },
          { timeoutMs: 60_000 },
        );
        if (!existing) {
          await core.createNamespace({ body: { metadata: { name } } });
          created.push(name);
        }
      }
      for (const policy of POLICIES) {
        const made = await attempt(create(policy));
        if (!made.ok && !/already exists/.test(made.rejection.message))
          throw new Error(made.rejection.message);
      }
      // Policies reach the admission plugin through an informer: wait until both are in effect.
      await eventually('the policies are in effect', async () => {
        const mutated = await probesMutated();
        if (!mutated.every(Boolean)) throw new Error(`probes mutated: ${mutated.join(', ')}`);
      });
    });

    afterAll(async () => {
      for (const policy of [...POLICIES].reverse()) await attempt(objects.delete(policy as KubernetesObject));
      await eventually('the policies are no longer applied', async () => {
        const mutated = await probesMutated();
        if (mutated.some(Boolean)) throw new Error(`probes mutated: ${mutated.join(', ')}`);
      });
      for (const name of created) await attempt(core.deleteNamespace({ name }));
    });

    it('serves admissionregistration.k8s.io/v1 MutatingAdmissionPolicy, and has the cases of test/map/cases.ts', async () => {
      const stored = await read(POLICIES[0]!);
      expect(stored?.apiVersion).toBe('admissionregistration.k8s.io/v1');
      // docs/map.md reports this count ("N of N agree").
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases.map((c) => [c.name, c] as const))(
      '%s',
      async (_name, c) => {
        const [mutated, baseline] = await answers(c);
        expect(comparable(mutated)).toEqual(comparable(baseline));
      },
      60_000,
    );
  },
);

if (!SERVED)
  it(`is skipped: kube-apiserver ${VERSION || '(version unknown)'} has no MutatingAdmissionPolicy v1 (1.36+; test/e2e/run-map.sh)`, () => {
    expect(SERVED).toBe(false);
  });
