// The writes the operator and the StatefulSet controller make in each reconcile flow, judged by both
// endpoints with the guard's cache as it stands at that moment (operator-flows.oracle.test.ts).
import { execFileSync } from 'node:child_process';
import { ClusterContext, evaluate, type KubeObject, type Operation } from '../../../src/policy/index.js';
import { review } from '../../../src/server/review.js';
import { DEFAULTS } from '../../../src/server/config.js';

/** The StatefulSet controller's identity, as it creates claims and pods. */
export const STATEFULSET_CONTROLLER = 'system:serviceaccount:kube-system:statefulset-controller';

/** target.NewTargetSS as the operator renders it: the oracle binary test/oracle/run.sh built. */
export function renderSts(cr: KubeObject, nodes: KubeObject[]): KubeObject {
  const bin = process.env.ORACLE_BIN;
  if (!bin) throw new Error('ORACLE_BIN is not set: run this through npm run test:oracle');
  const out = execFileSync(bin, {
    input: JSON.stringify({ id: 'x', cr, nodes, storageClasses: ['ais-local-storage'] }) + '\n',
  }).toString();
  return JSON.parse(out.split('\n')[0] as string).statefulSet as KubeObject;
}

export interface Judged {
  allowed: boolean;
  denies: string[];
  patch: unknown[];
}

/** evaluate() on the stored cluster `stored` (what the webhook's cache holds at that moment). */
export function judge(
  op: Operation,
  object: KubeObject,
  stored: KubeObject[],
  oldObject?: KubeObject,
  namespace = 'ais',
): Judged {
  const ev = evaluate({ operation: op, object, oldObject, namespace }, new ClusterContext(stored));
  return {
    allowed: ev.allowed,
    denies: ev.findings.filter((f) => f.action === 'deny').map((f) => `[${f.ruleId}] ${f.path} ${f.message}`),
    patch: ev.patch,
  };
}

const RESOURCES: Record<string, [string, string, string]> = {
  AIStore: ['ais.nvidia.com', 'v1beta1', 'aistores'],
  StatefulSet: ['apps', 'v1', 'statefulsets'],
  PersistentVolumeClaim: ['', 'v1', 'persistentvolumeclaims'],
  Pod: ['', 'v1', 'pods'],
  PersistentVolume: ['', 'v1', 'persistentvolumes'],
};

/** Both endpoints as the apiserver calls them: /mutate, the patch applied, then /validate. */
export function admit(
  op: Operation,
  object: KubeObject,
  stored: KubeObject[],
  oldObject?: KubeObject,
  username = STATEFULSET_CONTROLLER,
) {
  const [group, version, resource] = RESOURCES[object.kind as string] ?? ['', 'v1', 'x'];
  const ctx = new ClusterContext(stored);
  const deps = {
    config: { ...DEFAULTS },
    cluster: {
      context: () => ctx,
      synced: () => true,
      status: () => ({ mode: 'cluster' as const, synced: true, kinds: {} }),
      start: async () => undefined,
      stop: async () => undefined,
      served: () => undefined,
    },
  };
  const req = (obj: KubeObject) =>
    ({
      uid: 'u',
      kind: { group, version, kind: object.kind as string },
      resource: { group, version, resource },
      name: object.metadata?.name,
      namespace: resource === 'persistentvolumes' ? undefined : 'ais',
      operation: op,
      object: obj,
      oldObject: oldObject ?? null,
      userInfo: { username },
    }) as never;
  const m = review('mutate', req(object), deps as never);
  const subject = { operation: op, object, oldObject, namespace: 'ais', requester: username };
  const mutated = m.verdict === 'patched' ? evaluate(subject, ctx).object : object;
  const v = review('validate', req(mutated), deps as never);
  return { mutate: m, validate: v, mutated };
}
