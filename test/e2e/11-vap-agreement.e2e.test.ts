// Issue 13: the VAP-vs-engine agreement cases (test/vap/cases.ts, docs/vap.md) against the real
// kube-apiserver of the e2e stage, with the AIStore CRD (from AIS_K8S_SOURCE) and the policies of
// `ais-guard render --vap` applied: every expression compiled and run by cel-go, Pod defaulting and
// the CRD's schema (pruning) included, beside the CEL library's verdicts in test/vap/agreement.test.ts.
// No guard and no webhook configuration here: only the policies decide. They are removed again,
// and the file waits until the apiserver no longer applies them, so later files see webhooks only.
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderAdmissionPolicies } from '../../src/deploy/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { coverage } from '../../src/vap/index.js';
import { run } from '../support/builders.js';
import { builderCases, fixtureCases, type AgreementCase } from '../vap/cases.js';
import { attempt, core, create, eventually, mergePatch, objects, read, type Obj } from './support/kube.js';
import { podDefaults, pruned, schemaComplete } from './support/apiserver-view.js';
import { installAistoreCrd } from './support/suite.js';

const COVERED = new Map(coverage().map((c) => [c.kind, c.rules]));
const POLICIES = renderAdmissionPolicies('deny') as Obj[];

const asObj = (o: KubeObject) => o as unknown as Obj;

/** The apiserver's answer to a request: the stored (or dry-run) object, or its rejection message. */
async function answer(call: Promise<unknown>): Promise<{ ok: boolean; message: string }> {
  const outcome = await attempt(call);
  return outcome.ok ? { ok: true, message: '' } : { ok: false, message: outcome.rejection.message };
}

const deniedByPolicy = (message: string) => /denied request/.test(message);

async function setActions(policy: string, actions: string[]): Promise<void> {
  const binding = POLICIES.find(
    (o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === policy,
  );
  if (!binding) throw new Error(`no binding ${policy} in render --vap`);
  await mergePatch(binding, { spec: { validationActions: actions } });
}

/**
 * Creates an object the policy would deny (the old side of a ratcheting case): the policy's binding
 * warns instead of denying while it is created. Bindings reach the admission plugin through an
 * informer, so each switch is awaited by its effect.
 */
async function createPast(policy: string, object: KubeObject): Promise<void> {
  await setActions(policy, ['Warn']);
  await eventually(`${policy} only warns`, async () => {
    const created = await answer(create(asObj(object)));
    if (!created.ok) throw new Error(created.message);
  });
  await setActions(policy, ['Deny']);
  await eventually(`${policy} denies again`, async () => {
    const again = await answer(create(asObj(object), { dryRun: true }));
    if (!deniedByPolicy(again.message)) throw new Error(again.message || 'admitted');
  });
}

/** Deletes an object and waits until it is gone (the next case may create one of the same name). */
async function deleteAndWait(object: KubeObject): Promise<void> {
  await answer(objects.delete(object as KubernetesObject));
  await eventually(`${object.kind} ${object.metadata?.name} deleted`, async () => {
    if (await read(asObj(object))) throw new Error('still there');
  });
}

/**
 * A dry-run replace of the stored object by `object`. Replace needs the stored resourceVersion, and
 * a controller may write the object between read and replace (the StatefulSet controller sets its
 * status): a conflict is retried with the version read again, since it says nothing about admission.
 */
async function replaceStored(object: KubeObject): Promise<{ ok: boolean; message: string }> {
  return eventually(`${object.kind} ${object.metadata?.name} replaced without a conflict`, async () => {
    const stored = (await read(asObj(object))) as Obj;
    const next = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: stored.metadata.resourceVersion },
    };
    const result = await answer(objects.replace(next as KubernetesObject, undefined, 'All'));
    if (/the object has been modified/.test(result.message)) throw new Error(result.message);
    return result;
  });
}

const POLICY_OF: Record<string, string> = {
  AIStore: 'ais-guard-aistore',
  StatefulSet: 'ais-guard-target-statefulset',
  Pod: 'ais-guard-target-pod',
  PersistentVolumeClaim: 'ais-guard-target-claim',
};

/** The rule ids the apiserver's policies deny the request with (it reports the first failing one). */
async function apiserverDenies(c: AgreementCase): Promise<string[]> {
  let result;
  if (c.operation === 'CREATE') result = await answer(create(asObj(c.object), { dryRun: true }));
  else {
    const old = c.oldObject as KubeObject;
    const created = await answer(create(asObj(old)));
    if (deniedByPolicy(created.message)) await createPast(POLICY_OF[old.kind ?? ''] as string, old);
    else expect(created).toEqual({ ok: true, message: '' });
    result = await replaceStored(c.object);
    await deleteAndWait(old);
  }
  // Anything but a policy's denial must be a success: a schema error would pass for agreement.
  // (AlreadyExists comes from storage, after admission: a claim the StatefulSet controller made.)
  if (!deniedByPolicy(result.message) && !/already exists/.test(result.message))
    expect(result).toEqual({ ok: true, message: '' });
  return [
    ...result.message.matchAll(
      /ValidatingAdmissionPolicy '[^']+' with binding '[^']+' denied request: \[([a-z-]+)\]/g,
    ),
  ]
    .map((m) => m[1] as string)
    .sort();
}

const cases = [...fixtureCases(), ...builderCases()]
  .filter((c) => COVERED.has(c.object.kind ?? ''))
  .map((c) => ({
    ...c,
    object: schemaComplete(c.object) as KubeObject,
    oldObject: schemaComplete(c.oldObject),
  }));

/** The namespaces the cases are in, made here when missing and removed at the end. */
const created: string[] = [];
const NAMESPACES = [
  ...new Set(cases.map((c) => c.object.metadata?.namespace).filter((n): n is string => !!n)),
];

/** A claim of the wrong shape: denied by ais-guard-target-claim, and by nothing else here. */
const PROBE = cases.find((c) => c.operation === 'CREATE' && c.name === 'PVC: not a target claim shape');

beforeAll(async () => {
  await installAistoreCrd();
  for (const name of NAMESPACES) {
    // Another file may have just deleted one of these (ais-prod): wait until it is gone or Active.
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
    const made = await answer(create(policy));
    // Left by an interrupted run: the same objects, render prints nothing else.
    if (!made.ok && !/already exists/.test(made.message)) throw new Error(made.message);
  }
  // Policies reach the admission plugin through an informer: wait until they are in effect.
  await eventually('the policies are in effect', async () => {
    const probe = await answer(create(asObj(PROBE!.object), { dryRun: true }));
    if (!deniedByPolicy(probe.message)) throw new Error(probe.message || 'admitted');
  });
});

afterAll(async () => {
  for (const policy of [...POLICIES].reverse()) await answer(objects.delete(policy as KubernetesObject));
  // Later files expect the webhook's verdicts, not the policies': wait until none applies.
  await eventually('the policies are no longer applied', async () => {
    const probe = await answer(create(asObj(PROBE!.object), { dryRun: true }));
    if (deniedByPolicy(probe.message)) throw new Error(probe.message);
  });
  for (const name of created) await answer(core.deleteNamespace({ name }));
  for (const name of created)
    await eventually(
      `namespace ${name} deleted`,
      async () => {
        if (await read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))
          throw new Error('still there');
      },
      { timeoutMs: 60_000 },
    );
});

it('has the cases of test/vap/cases.ts for the kinds the policies match, and its probe claim', () => {
  expect(PROBE).toBeDefined();
  // docs/vap.md reports this count ("N of N agree").
  expect(cases.length).toBeGreaterThan(0);
});

describe('on a real kube-apiserver, the policies deny exactly when the engine does', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const covered = COVERED.get(c.object.kind ?? '') ?? [];
      const ev = run({
        name: c.name,
        object: podDefaults(pruned(c.object) as KubeObject),
        operation: c.operation,
        oldObject: pruned(c.oldObject),
      });
      const engine = [
        ...new Set(
          ev.findings.filter((f) => f.action === 'deny' && covered.includes(f.ruleId)).map((f) => f.ruleId),
        ),
      ];
      const denied = await apiserverDenies(c);
      // Denied exactly when the engine denies, for one of the engine's reasons.
      expect(denied.length > 0).toBe(engine.length > 0);
      for (const rule of denied) expect(engine).toContain(rule);
    },
    60_000,
  );
});
