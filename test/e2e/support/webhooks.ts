// The guard's webhook configurations as deploy/ renders them (renderManifests, the code behind
// `ais-guard render --webhooks-only --url`), pointed at a guard on 127.0.0.1 and applied to the
// cluster; then polled until the apiserver really calls that guard.
import * as k8s from '@kubernetes/client-node';
import { renderManifests } from '../../../src/deploy/index.js';
import { at, one, variant } from './fixtures.js';
import type { Guard } from './guard.js';
import { attempt, create, eventually, objects, type Obj } from './kube.js';

const MANAGER = 'ais-guard-e2e';

/** The two configurations, as rendered for this guard. */
async function renderedWebhooks(guard: Pick<Guard, 'url' | 'caBundle'>): Promise<Obj[]> {
  return (await renderManifests({ url: guard.url, caBundle: guard.caBundle, webhooksOnly: true })) as Obj[];
}

/**
 * Points the ais-guard webhook configurations at `guard` and waits until they take effect: the
 * apiserver loads them asynchronously, so a dry-run of a known-bad target StatefulSet must be
 * denied by the guard (validating), and a dry-run AIStore CR must come back with the guard's
 * change (mutating), both in `probeNamespace`.
 */
export async function registerWebhooks(guard: Guard, probeNamespace: string): Promise<Obj[]> {
  const configs = await renderedWebhooks(guard);
  if (configs.length !== 2) throw new Error(`renderManifests gave ${configs.length} webhook configurations`);
  for (const config of configs)
    await objects.patch(
      config as k8s.KubernetesObject,
      undefined,
      undefined,
      MANAGER,
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  await waitForGuard(guard, probeNamespace);
  return configs;
}

/** A dry-run hostPort target StatefulSet (denied) and a dry-run AIStore CR (mutated), until both say so. */
async function waitForGuard(guard: Guard, namespace: string): Promise<void> {
  const place = { namespace, node: `${namespace}-probe` };
  const badStatefulSet = one('08', place);
  // Two targets pinned to one host, anti-affinity not disabled: the guard sets it (anti-affinity-not-disabled).
  const cr = variant(one('01', place), (o) => {
    delete (at(o, 'spec.targetSpec') as Record<string, unknown>).disablePodAntiAffinity;
  });
  await eventually(
    `webhooks of ${guard.url} in effect`,
    async () => {
      const denied = await attempt(create(badStatefulSet, { dryRun: true }));
      if (denied.ok) throw new Error('the hostPort StatefulSet was admitted');
      const message = denied.rejection.message;
      if (!message.includes('admission webhook "storage.validate.ais-guard.io" denied the request'))
        throw new Error(`not (yet) denied by the guard: ${message}`);
      const mutated = await create(cr, { dryRun: true });
      if (at(mutated, 'spec.targetSpec.disablePodAntiAffinity') !== true)
        throw new Error('the AIStore CR came back without the mutating webhook change');
    },
    { timeoutMs: 60_000, intervalMs: 300 },
  );
}

/** Removes both configurations (a later test registers its own guard). */
export async function unregisterWebhooks(): Promise<void> {
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'])
    await attempt(
      objects.delete({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind,
        metadata: { name: 'ais-guard' },
      }),
    );
}
