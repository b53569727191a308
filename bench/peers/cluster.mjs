// The e2e control plane (test/e2e/cluster/up.sh) for the peers that need an apiserver (Pepr keeps
// its store in a CRD; bench/peers/apiserver.mjs measures through one). One per process, started on
// first use without the controller manager and scheduler (nothing here needs them), stopped with
// down.sh when the process exits. AIS_GUARD_PEERS_KUBECONFIG=<file> uses a running one instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLUSTER = new URL('../../test/e2e/cluster/', import.meta.url).pathname;
let shared;

/** Variables of up.sh's env file (KUBECONFIG, APISERVER_URL, CA_FILE, K8S_BIN). */
const parseEnv = (text) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

function up() {
  const given = process.env.AIS_GUARD_PEERS_KUBECONFIG;
  if (given) return { env: { KUBECONFIG: given }, kubeconfig: given };
  const state = mkdtempSync(join(tmpdir(), 'ais-guard-peers-cluster-'));
  let stopped = false;
  const down = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(join(CLUSTER, 'down.sh'), [state], { stdio: 'ignore' });
      rmSync(state, { recursive: true, force: true });
    } catch {
      process.stderr.write(`peers: down.sh ${state} failed; state kept\n`);
    }
  };
  process.on('exit', down);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  try {
    const envFile = execFileSync(join(CLUSTER, 'up.sh'), [state], {
      env: { ...process.env, SKIP_KCM: '1', SKIP_SCHEDULER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .trim()
      .split('\n')
      .pop();
    const env = parseEnv(readFileSync(envFile, 'utf8'));
    return { env, kubeconfig: env.KUBECONFIG, state, down };
  } catch (e) {
    const tail = (e.stderr ?? '').toString().trim().split('\n').slice(-3).join(' / ');
    throw new Error(`control plane did not start (test/e2e/cluster/up.sh): ${tail || e.message}`, {
      cause: e,
    });
  }
}

/** The shared control plane: { env, kubeconfig }; throws with up.sh's last lines if it cannot start. */
export function controlPlane() {
  shared ??= up();
  return shared;
}

/** Why a peer that needs the control plane cannot run (its prepare() answer), or undefined when it is up. */
export function controlPlaneMissing() {
  try {
    controlPlane();
    return undefined;
  } catch (e) {
    return e.message;
  }
}

/** Stops the control plane now, if this process started one (jest does not run 'exit' handlers). */
export function stopControlPlane() {
  shared?.down?.();
}
