// Where the e2e suite runs: the control plane run.sh started (its env file is exported, and
// E2E_STATE names its state dir, which keeps the guards' logs and certificates too), and the built CLI.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** The guard as users run it: the built CLI. run.sh rebuilds dist/ when src/ is newer. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `$${name} is not set: the e2e tests need the control plane of test/e2e/run.sh (npm run test:e2e)`,
    );
  return value;
}

/** The admin kubeconfig of the control plane up.sh started. */
export const KUBECONFIG = required('KUBECONFIG');

/** run.sh's state dir: the control plane's logs, and the guards' logs, certificates and pids. */
export const STATE = resolve(required('E2E_STATE'));
export const ARTIFACTS = join(STATE, 'guards');
mkdirSync(ARTIFACTS, { recursive: true });

/** The kube-apiserver's log (up.sh). */
export const APISERVER_LOG = join(STATE, 'logs', 'kube-apiserver.log');

/** A short random suffix for names that must be unique in the cluster (namespaces, PVs, Nodes). */
export function suffix(): string {
  return Math.random().toString(36).slice(2, 7);
}
