// What every e2e file does around its tests: the AIStore CRD installed, a guard started and
// registered, a namespace for the webhook probes, and all of it undone afterwards.
import { AISTORE_CRD } from './operator-source.js';
import { startGuard, type Guard, type StartOptions } from './guard.js';
import { Cleanup, installCrds } from './kube.js';
import { registerWebhooks, unregisterWebhooks } from './webhooks.js';

export { AISTORE_CRD };

export function installAistoreCrd(): Promise<void> {
  return installCrds(AISTORE_CRD, ['aistores.ais.nvidia.com']);
}

/** Starts a guard and points the webhook configurations at it; stopped and removed by the cleanup. */
export async function guardFor(cleanup: Cleanup, opts: StartOptions): Promise<Guard> {
  const guard = await startGuard(opts);
  // Undone in reverse: the configurations go before the guard stops, so nothing calls a dead guard.
  cleanup.add(`guard ${guard.name}`, () => guard.stop());
  cleanup.add('webhook configurations', unregisterWebhooks);
  const probe = await cleanup.namespace(`${opts.name}-probe`);
  await registerWebhooks(guard, probe);
  return guard;
}
