// Keeping the caBundle of the guard's own webhook configurations in step with its CA
// (`serve --manage-webhook-config`). RBAC allows get/patch on exactly these two objects.
import * as k8s from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { nextCaBundle, ourCertificates, type BundleChange, type BundleStep } from './ca-bundle.js';
import { answerWithin, failureOf } from './deadline.js';

export interface WebhookConfigNames {
  validating: string;
  mutating: string;
}

interface Webhooks {
  webhooks?: { name: string; clientConfig: { caBundle?: string } }[];
}

type JsonPatchOp = { op: 'test'; path: string; value: unknown } | { op: 'add'; path: string; value: string };

/**
 * JSON patch for every webhook whose caBundle must change. Webhooks are a list, so a merge patch
 * would replace the whole list; a JSON patch addresses entries by index, and the `test` ops on
 * each entry's name and on its clientConfig as read make the apiserver reject the patch if the
 * list or a bundle changed since we read it (another replica writing its own step of a rotation,
 * also where the entry had no caBundle yet: a test of the absent member itself is not possible).
 */
export function caBundlePatch(config: Webhooks, change: BundleChange): JsonPatchOp[] {
  return (config.webhooks ?? []).flatMap((webhook, i) => {
    const next = nextCaBundle(webhook.clientConfig.caBundle, change);
    if (next === undefined) return [];
    const at = `/webhooks/${i}`;
    return [
      { op: 'test' as const, path: `${at}/name`, value: webhook.name },
      { op: 'test' as const, path: `${at}/clientConfig`, value: webhook.clientConfig },
      // "add" also replaces an existing member, so one op covers set and unset caBundles.
      { op: 'add' as const, path: `${at}/clientConfig/caBundle`, value: next },
    ];
  });
}

// 409 conflict, 422 failed `test` op: someone edited the object between our read and our patch.
const RETRYABLE = new Set([409, 422]);
const ATTEMPTS = 3;
/**
 * How long one read or patch may go unanswered. The keeper runs its writes and rechecks one after
 * another, so one request held for good (a half-open connection) would stop them all; the failure
 * is retried with backoff as any other.
 */
const TIMEOUT_MS = 30_000;

/** Brings one configuration to the change; true when it wrote. */
async function patchOne(
  what: string,
  read: () => Promise<Webhooks>,
  patch: (ops: JsonPatchOp[]) => Promise<unknown>,
  change: () => BundleChange,
  { optional = false, timeoutMs }: { optional?: boolean; timeoutMs: number },
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    let step = 'reading';
    try {
      const config = await read().catch((err: unknown) => {
        if (optional && err instanceof k8s.ApiException && err.code === 404) return undefined;
        throw err;
      });
      if (!config) return false;
      const ops = caBundlePatch(config, change());
      // Nothing to change: no write, so no needless watch event for every apiserver and informer.
      if (ops.length === 0) return false;
      step = 'patching the caBundle of';
      await patch(ops);
      return true;
    } catch (err) {
      const retry = err instanceof k8s.ApiException && RETRYABLE.has(err.code) && attempt < ATTEMPTS;
      if (!retry) throw new Error(`${step} ${what}: ${failureOf(err, timeoutMs)}`, { cause: err });
    }
  }
}

/**
 * Brings every caBundle of the two configurations to `step` of a rotation to `caPem` (ca.crt as
 * read); true when anything was written. Throws, before any write, when caPem is not a PEM
 * certificate bundle.
 */
export async function patchCaBundle(
  kc: KubeConfig,
  names: WebhookConfigNames,
  caPem: string,
  step: BundleStep,
  {
    retired,
    clock = () => new Date(),
    timeoutMs = TIMEOUT_MS,
  }: { retired?: ReadonlySet<string>; clock?: () => Date; timeoutMs?: number } = {},
): Promise<boolean> {
  ourCertificates(caPem);
  const change = () => ({ caPem, step, retired, now: clock() });
  const api = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  const within = answerWithin(timeoutMs);
  // The generated client picks JSON patch by default; say so, so a client upgrade cannot change it.
  const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch, within);
  const validating = await patchOne(
    `ValidatingWebhookConfiguration ${names.validating}`,
    () => api.readValidatingWebhookConfiguration({ name: names.validating }, within),
    (body) => api.patchValidatingWebhookConfiguration({ name: names.validating, body }, jsonPatch),
    change,
    { timeoutMs },
  );
  const mutating = await patchOne(
    `MutatingWebhookConfiguration ${names.mutating}`,
    () => api.readMutatingWebhookConfiguration({ name: names.mutating }, within),
    (body) => api.patchMutatingWebhookConfiguration({ name: names.mutating, body }, jsonPatch),
    change,
    // Absent in a validate-only install (deploy/overlays/validate-only, mutatingWebhook.enabled
    // false in the chart): nothing to keep current. The validating one must exist.
    { optional: true, timeoutMs },
  );
  return validating || mutating;
}
