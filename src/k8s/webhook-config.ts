// Keeping the caBundle of the guard's own webhook configurations in step with its CA
// (`serve --manage-webhook-config`). RBAC allows get/patch on exactly these two objects.
import * as k8s from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';

export interface WebhookConfigNames {
  validating: string;
  mutating: string;
}

interface Webhooks {
  webhooks?: { name: string; clientConfig: { caBundle?: string } }[];
}

type JsonPatchOp = { op: 'test'; path: string; value: string } | { op: 'add'; path: string; value: string };

/**
 * JSON patch for every webhook whose caBundle differs. Webhooks are a list, so a merge patch
 * would replace the whole list; a JSON patch addresses entries by index, and the `test` op on
 * each entry's name makes the apiserver reject the patch if the list changed since we read it.
 */
export function caBundlePatch(config: Webhooks, caBundle: string): JsonPatchOp[] {
  return (config.webhooks ?? []).flatMap((webhook, i) =>
    webhook.clientConfig.caBundle === caBundle
      ? []
      : [
          { op: 'test' as const, path: `/webhooks/${i}/name`, value: webhook.name },
          // "add" also replaces an existing member, so one op covers set and unset caBundles.
          { op: 'add' as const, path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle },
        ],
  );
}

// 409 conflict, 422 failed `test` op: someone edited the object between our read and our patch.
const RETRYABLE = new Set([409, 422]);
const ATTEMPTS = 3;

async function patchOne(
  what: string,
  read: () => Promise<Webhooks>,
  patch: (ops: JsonPatchOp[]) => Promise<unknown>,
  caBundle: string,
  optional = false,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let step = 'reading';
    try {
      const config = await read().catch((err: unknown) => {
        if (optional && err instanceof k8s.ApiException && err.code === 404) return undefined;
        throw err;
      });
      if (!config) return;
      const ops = caBundlePatch(config, caBundle);
      // Nothing to change: no write, so no needless watch event for every apiserver and informer.
      if (ops.length === 0) return;
      step = 'patching the caBundle of';
      await patch(ops);
      return;
    } catch (err) {
      const retry = err instanceof k8s.ApiException && RETRYABLE.has(err.code) && attempt < ATTEMPTS;
      if (!retry) throw new Error(`${step} ${what}: ${(err as Error).message}`, { cause: err });
    }
  }
}

export async function patchCaBundle(
  kc: KubeConfig,
  names: WebhookConfigNames,
  caBundleBase64: string,
): Promise<void> {
  const api = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  // The generated client picks JSON patch by default; say so, so a client upgrade cannot change it.
  const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
  await patchOne(
    `ValidatingWebhookConfiguration ${names.validating}`,
    () => api.readValidatingWebhookConfiguration({ name: names.validating }),
    (body) => api.patchValidatingWebhookConfiguration({ name: names.validating, body }, jsonPatch),
    caBundleBase64,
  );
  await patchOne(
    `MutatingWebhookConfiguration ${names.mutating}`,
    () => api.readMutatingWebhookConfiguration({ name: names.mutating }),
    (body) => api.patchMutatingWebhookConfiguration({ name: names.mutating, body }, jsonPatch),
    caBundleBase64,
    // Absent in a validate-only install (deploy/overlays/validate-only, mutatingWebhook.enabled
    // false in the chart): nothing to keep current. The validating one must exist.
    true,
  );
}
