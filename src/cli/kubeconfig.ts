// The kubeconfig of a command that reads the cluster (audit, doctor, plan --from-cluster): none, or
// one without a usable current context, is the user's to fix: a usage error (exit 2, one line).
import type { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from './usage.js';

export const NO_KUBECONFIG = 'no kubeconfig: give --kubeconfig, set $KUBECONFIG or create ~/.kube/config';

/** detectKubeConfig's KubeConfigError as a UsageError; undefined (no kubeconfig at all) passed on. */
export async function detectKubeConfigOrUsage(
  path: string | undefined,
  context?: string,
): Promise<KubeConfig | undefined> {
  // Loaded on demand: the Kubernetes client is large, and `check` never needs it.
  const { detectKubeConfig, KubeConfigError } = await import('../k8s/kubeconfig.js');
  try {
    return await detectKubeConfig(path, context);
  } catch (err) {
    if (err instanceof KubeConfigError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/** The kubeconfig, or a UsageError saying there is none or why it cannot be used. */
export async function requireKubeConfig(path: string | undefined, context?: string): Promise<KubeConfig> {
  const kc = await detectKubeConfigOrUsage(path, context);
  if (!kc) throw new UsageError(NO_KUBECONFIG);
  return kc;
}
