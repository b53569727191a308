// The agreement cases against a real kube-apiserver with the policies applied (cel-go, defaulting,
// the AIStore CRD's schema), beside the CEL library's verdicts in agreement.test.ts. Runs only with
// AIS_GUARD_VAP_KUBECONFIG set to a throwaway cluster's kubeconfig (test/e2e/cluster/up.sh DIR, then
// `kubectl apply -f shared/crd/...` and `ais-guard render --vap | kubectl apply -f -`): see docs/vap.md.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import type { KubeObject } from '../../src/policy/index.js';
import { coverage } from '../../src/vap/index.js';
import { run } from '../support/builders.js';
import { builderCases, fixtureCases, type AgreementCase } from './cases.js';

const KUBECONFIG = process.env.AIS_GUARD_VAP_KUBECONFIG;
const COVERED = new Map(coverage().map((c) => [c.kind, c.rules]));

function kubectl(args: string[], object?: KubeObject) {
  const r = spawnSync('kubectl', ['--kubeconfig', KUBECONFIG as string, ...args], {
    input: object ? JSON.stringify(object) : undefined,
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The AIStore CRD requires fields the builders leave out; they change no rule's verdict. */
function schemaComplete(object: KubeObject | undefined): KubeObject | undefined {
  if (object?.kind !== 'AIStore') return object;
  const copy = structuredClone(object) as KubeObject & { spec: Record<string, Record<string, unknown>> };
  copy.spec.initImage ??= 'aistorage/ais-init:v3.30' as never;
  for (const role of ['proxySpec', 'targetSpec'])
    for (const port of ['portPublic', 'portIntraControl', 'portIntraData']) copy.spec[role]![port] ??= 51082;
  return copy;
}

/**
 * The current AIStore CRD no longer declares the top-level spec.disablePodAntiAffinity (removed in
 * operator v2.0.0): the apiserver prunes it while decoding, before any webhook or policy sees it.
 */
function pruned(object: KubeObject | undefined): KubeObject | undefined {
  if (object?.kind !== 'AIStore') return object;
  const copy = structuredClone(object) as KubeObject & { spec: Record<string, unknown> };
  delete copy.spec.disablePodAntiAffinity;
  return copy;
}

/** What Pod defaulting does before any policy runs: with hostNetwork, each port's hostPort = containerPort. */
function podDefaults(object: KubeObject): KubeObject {
  const spec = object.spec as { hostNetwork?: boolean; containers?: { ports?: Record<string, unknown>[] }[] };
  if (object.kind !== 'Pod' || spec?.hostNetwork !== true) return object;
  const copy = structuredClone(object);
  for (const c of (copy.spec as typeof spec).containers ?? [])
    for (const p of c.ports ?? []) p.hostPort ??= p.containerPort;
  return copy;
}

/**
 * Creates an object the policy would deny (the old side of a ratcheting case): the policy's binding
 * warns instead of denying while it is created. Bindings reach the admission plugin through an
 * informer, so each switch is polled until it shows.
 */
async function createPast(policy: string, object: KubeObject): Promise<void> {
  const actions = (a: string) =>
    kubectl([
      'patch',
      'validatingadmissionpolicybinding',
      policy,
      '--type=merge',
      '-p',
      `{"spec":{"validationActions":${a}}}`,
    ]);
  actions('["Warn"]');
  for (
    let i = 0;
    i < 100 && !/created/.test(kubectl(['create', '--validate=ignore', '-f', '-'], object).out);
    i++
  )
    await sleep(200);
  actions('["Deny"]');
  for (
    let i = 0;
    i < 100 && !/denied request/.test(kubectl(['create', '--dry-run=server', '-f', '-'], object).out);
    i++
  )
    await sleep(200);
}

const POLICY_OF: Record<string, string> = {
  AIStore: 'ais-guard-aistore',
  StatefulSet: 'ais-guard-target-statefulset',
  Pod: 'ais-guard-target-pod',
  PersistentVolumeClaim: 'ais-guard-target-claim',
};

/** The rule ids the apiserver's policies deny the request with (it reports the first failing one). */
async function apiserverDenies(c: AgreementCase): Promise<string[]> {
  const ns = c.object.metadata?.namespace;
  if (ns) kubectl(['create', 'namespace', ns]);
  let result;
  if (c.operation === 'CREATE')
    result = kubectl(['create', '--validate=ignore', '--dry-run=server', '-f', '-'], c.object);
  else {
    const old = c.oldObject as KubeObject;
    const created = kubectl(['create', '--validate=ignore', '-f', '-'], old);
    if (/denied request/.test(created.out)) await createPast(POLICY_OF[old.kind ?? ''] as string, old);
    else expect(created.out).toMatch(/created/);
    // replace needs the stored resourceVersion
    const stored = JSON.parse(kubectl(['get', '-o', 'json', '-f', '-'], old).out) as KubeObject;
    const object = {
      ...c.object,
      metadata: {
        ...c.object.metadata,
        resourceVersion: (stored.metadata as { resourceVersion?: string })?.resourceVersion,
      },
    };
    result = kubectl(['replace', '--validate=ignore', '--dry-run=server', '-f', '-'], object as KubeObject);
    kubectl(['delete', '--wait=true', '--timeout=20s', '-f', '-'], old);
  }
  // Anything but a policy's denial must be a success: a schema error would pass for agreement.
  // (AlreadyExists comes from storage, after admission: a claim the StatefulSet controller made.)
  if (!/denied request/.test(result.out))
    expect(result.out).toMatch(/(created|replaced) \(server dry run\)|AlreadyExists/);
  return [
    ...result.out.matchAll(
      /ValidatingAdmissionPolicy '[^']+' with binding '[^']+' denied request: \[([a-z-]+)\]/g,
    ),
  ]
    .map((m) => m[1] as string)
    .sort();
}

(KUBECONFIG ? describe : describe.skip)('on a real kube-apiserver', () => {
  const cases = [...fixtureCases(), ...builderCases()]
    .filter((c) => COVERED.has(c.object.kind ?? ''))
    .map((c) => ({
      ...c,
      object: schemaComplete(c.object) as KubeObject,
      oldObject: schemaComplete(c.oldObject),
    }));
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
