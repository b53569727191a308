// The CLI as a user runs it: `node bin/ais-guard.js` from dist/ (npm run build first), a child
// process with its own exit code, signals and streams. test/support/cli.ts runs it in-process
// instead; these tests are about the process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = process.cwd();
export const BIN = join(ROOT, 'bin/ais-guard.js');

/** The children's environment: jest's NODE_OPTIONS (--experimental-vm-modules) not passed on, plus `extra`. */
export const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_OPTIONS: '',
  ...extra,
});

export interface RunOptions {
  cwd?: string;
  /** Added to childEnv(). */
  env?: Record<string, string>;
  maxBuffer?: number;
  /** Node's own flags, before the script (`--import HOOK`). */
  node?: string[];
}

/** `ais-guard ARGS` to its exit, synchronously (the suite's timeout is the bound). */
export function runCli(args: string[], { env, node = [], ...options }: RunOptions = {}) {
  return spawnSync(process.execPath, [...node, BIN, ...args], {
    ...options,
    encoding: 'utf8',
    env: childEnv(env),
  });
}

/** An AIStore CR with the legacy spec.disablePodAntiAffinity (what `--fix` moves under targetSpec). */
export const legacyCR = (name: string, mounts = false) => `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata:
  name: ${name}
  namespace: ais
spec:
  disablePodAntiAffinity: true
  proxySpec:
    size: 1
  targetSpec:
    size: 2
${
  mounts
    ? `    mounts:
      - path: /data/aistore
        size: 5Ti
        storageClass: ais-local-storage
`
    : ''
}`;
