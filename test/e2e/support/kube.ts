// The Kubernetes side of the e2e tests, through @kubernetes/client-node: create/read plain objects,
// catch the apiserver's rejections with their message, poll, make Ready Nodes, and clean up.
import * as k8s from '@kubernetes/client-node';
import { KUBECONFIG, suffix } from './env.js';
import { kubectl, ok } from './run.js';

export const kc = new k8s.KubeConfig();
kc.loadFromFile(KUBECONFIG);
export const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
export const core = kc.makeApiClient(k8s.CoreV1Api);
export const apps = kc.makeApiClient(k8s.AppsV1Api);
const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);

/** A manifest as written in YAML: plain JSON. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** What the apiserver answered instead of the object. */
export interface Rejection {
  code: number;
  reason: string;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

function rejectionOf(err: unknown): Rejection | undefined {
  if (!(err instanceof k8s.ApiException)) return undefined;
  let body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return { code: err.code, reason: '', message: body as string };
    }
  }
  const status = (body ?? {}) as { message?: unknown; reason?: unknown };
  return {
    code: err.code,
    reason: typeof status.reason === 'string' ? status.reason : '',
    message: typeof status.message === 'string' ? status.message : JSON.stringify(body),
  };
}

/** The call's result, or the apiserver's rejection (any other error is rethrown). */
export async function attempt<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    const rejection = rejectionOf(err);
    if (!rejection) throw err;
    return { ok: false, rejection };
  }
}

/** Create through the apiserver (all admission), optionally as a server-side dry run. */
export function create(obj: Obj, opts: { dryRun?: boolean } = {}): Promise<Obj> {
  return objects.create(
    obj as k8s.KubernetesObject,
    undefined,
    opts.dryRun ? 'All' : undefined,
  ) as Promise<Obj>;
}

/** The rejection of a request that must fail; throws (with what was stored) if it was admitted. */
export async function rejected(call: Promise<unknown>): Promise<Rejection> {
  const outcome = await attempt(call);
  if (outcome.ok)
    throw new Error(`expected a rejection, but it was admitted: ${JSON.stringify(outcome.value)}`);
  return outcome.rejection;
}

/** Read back from the apiserver; undefined when it does not exist. */
export async function read(obj: Pick<Obj, 'apiVersion' | 'kind' | 'metadata'>): Promise<Obj | undefined> {
  const header = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
  };
  const outcome = await attempt(objects.read(header));
  if (outcome.ok) return outcome.value as Obj;
  if (outcome.rejection.code === 404) return undefined;
  throw new Error(`reading ${obj.kind} ${obj.metadata.name}: ${outcome.rejection.message}`);
}

/** A JSON merge patch (metadata-only updates, spec changes). */
export function mergePatch(obj: Obj, patch: { metadata?: object; [key: string]: unknown }): Promise<Obj> {
  const body = {
    ...patch,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { ...patch.metadata, name: obj.metadata.name, namespace: obj.metadata.namespace },
  } as k8s.KubernetesObject;
  return objects.patch(
    body,
    undefined,
    undefined,
    undefined,
    undefined,
    k8s.PatchStrategy.MergePatch,
  ) as Promise<Obj>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `check` until it returns without throwing (its value is returned); after `timeoutMs`
 * rethrows its last error, prefixed with what was awaited.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T> | T,
  { timeoutMs = 30_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new Error(`${what}: not within ${timeoutMs} ms: ${reason}`, { cause: err });
      }
    }
    await sleep(intervalMs);
  }
}

/**
 * Installs a CRD file as a user would (kubectl apply) and waits until each CRD is Established and
 * each served version's watch cache serves a watch. A CRD deleted while that cache still starts waits
 * minutes for its finalizer (crd_finalizer: "could not list instances: storage is (re)initializing",
 * seen once in CI on 1.33), and the cache refuses watches until it is ready.
 */
export async function installCrds(file: string, names: string[]): Promise<void> {
  ok(await kubectl(['apply', '-f', file]), `kubectl apply -f ${file}`);
  await Promise.all(names.map(crdServing));
}

async function crdServing(name: string): Promise<void> {
  const crd = await eventually(`CRD ${name} Established`, async () => {
    // Polling the condition, not `kubectl wait`: it errors out while .status.conditions is nil.
    const crd = await extensions.readCustomResourceDefinition({ name });
    const established = crd.status?.conditions?.find((c) => c.type === 'Established');
    if (established?.status !== 'True') throw new Error(`status ${established?.status ?? 'none'}`);
    return crd;
  });
  const { group, names: kinds, versions } = crd.spec;
  const served = versions.filter((v) => v.served).map((v) => v.name);
  await Promise.all(
    served.map((version) =>
      eventually(`the watch cache of ${kinds.plural}.${group}/${version}`, async () => {
        // Cluster-wide, so it holds for namespaced and cluster-scoped kinds alike.
        const url = `/apis/${group}/${version}/${kinds.plural}?watch=true&resourceVersion=0&timeoutSeconds=1`;
        ok(await kubectl(['get', '--raw', url]), `watch ${url}`);
      }),
    ),
  );
}

/** Everything a test created, undone in reverse order at the end (best effort, never throws). */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  /** A fresh namespace `<prefix>-<random>`, deleted at cleanup (pods force-deleted first). */
  async namespace(prefix: string, name = `${prefix}-${suffix()}`): Promise<string> {
    await core.createNamespace({ body: { metadata: { name } } });
    this.add(`namespace ${name}`, () => deleteNamespace(name));
    return name;
  }

  /** Creates an object (a PV, a Node, something in a shared namespace) and deletes it at cleanup. */
  async createOwned(obj: Obj): Promise<Obj> {
    const created = await create(obj);
    // Pods at once: one bound to a fake node would never finish a graceful delete.
    const grace = obj.kind === 'Pod' ? 0 : undefined;
    this.add(`${obj.kind} ${obj.metadata.name}`, () =>
      objects.delete(obj as k8s.KubernetesObject, undefined, undefined, grace),
    );
    return created;
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        const rejection = rejectionOf(err);
        if (rejection?.code === 404) continue;
        console.warn(`cleanup of ${step.what} failed: ${rejection?.message ?? String(err)}`);
      }
    }
  }
}

/**
 * Deletes a namespace without waiting. Without a kubelet, a pod bound to a (fake) node never
 * finishes a graceful delete and would keep its namespace Terminating: orphan the StatefulSets
 * (so nothing recreates pods) and force-delete the pods first.
 */
export async function deleteNamespace(namespace: string): Promise<void> {
  await apps.deleteCollectionNamespacedStatefulSet({ namespace, propagationPolicy: 'Orphan' });
  await core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 });
  await core.deleteNamespace({ name: namespace });
}

/**
 * A Node the scheduler can bind to: kubernetes.io/hostname label (a kubelet would set it), status
 * Ready with allocatable cpu/memory/pods, and without the not-ready taint that TaintNodesByCondition
 * puts on every new Node (no node-lifecycle controller runs to take it off).
 */
export async function createReadyNode(cleanup: Cleanup, name: string): Promise<void> {
  await cleanup.createOwned({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  });
  const resources = { cpu: '4', memory: '8Gi', pods: '110' };
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  await core.patchNodeStatus(
    {
      name,
      body: {
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'e2e fake node' }],
          allocatable: resources,
          capacity: resources,
        },
      },
    },
    merge,
  );
  const node = await core.readNode({ name });
  const taints = (node.spec?.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/not-ready');
  await core.patchNode({ name, body: { spec: { taints } } }, merge);
}

/** The message of the StatefulSet controller's FailedCreate event in `namespace` that contains `text`, once it reports one. */
export function failedCreate(namespace: string, text: string, wait: { timeoutMs: number }): Promise<string> {
  return eventually(
    'the StatefulSet controller reports the pod it could not create',
    async () => {
      const events = await core.listNamespacedEvent({ namespace });
      const event = events.items.find((e) => e.reason === 'FailedCreate' && e.message?.includes(text));
      if (!event)
        throw new Error(`no FailedCreate event yet: ${events.items.map((e) => e.reason).join(', ')}`);
      return event.message ?? '';
    },
    wait,
  );
}
