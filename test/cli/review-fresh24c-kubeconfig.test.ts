// Review fresh24c: kubeconfigs that kubectl uses but that crash audit, doctor and plan --from-cluster.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fresh24c-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('review fresh24c: a kubeconfig with a cluster entry that has no server', () => {
  // Defect: ca2700d made an unusable current context a one-line usage error, but detectKubeConfig
  // (src/k8s/kubeconfig.ts) still lets client-node's loader errors through to main(): client-node
  // validates EVERY clusters[] entry at load (config_types.js newClusters: "clusters[1].cluster.server
  // is missing") and throws a plain Error, printed as "ais-guard: Error: ..." with a stack trace.
  // Such an entry is ordinary: `kubectl config set-cluster staging` (no --server yet) writes it,
  // and kubectl keeps working with the current context, because client-go validates only the
  // context in use (k8s.io/client-go tools/clientcmd validation.go ConfirmUsable ->
  // validateClusterInfo for the current context's cluster only). Here the current context is
  // complete: kubectl would talk to https://127.0.0.1:1; ais-guard audit/doctor/serve crash before
  // asking anything (serve with KUBECONFIG_AIS_GUARD too: the pod crash-loops with a stack).
  // Expected: the other entry ignored (the apiserver answer, here a refused connection, is what
  // is reported), or at the least one line naming the file and the entry, exit 2, no stack.
  const kubeconfig = `apiVersion: v1
kind: Config
current-context: c
contexts:
- name: c
  context: {cluster: k, user: u}
clusters:
- name: k
  cluster: {server: "https://127.0.0.1:1"}
- name: staging
  cluster: {}
users:
- name: u
  user: {token: x}
`;
  it.each([['audit'], ['doctor']])('%s: no stack trace', async (command) => {
    const file = join(dir, `other-cluster-${command}`);
    await writeFile(file, kubeconfig);
    // Today main() rejects with client-node's Error (bin prints it with its stack, exit 2).
    const r = await cli([command, '--kubeconfig', file]).catch((e: Error) => ({
      code: -1,
      stdout: '',
      stderr: String(e.stack),
    }));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // Taken: "at the least one line naming the file and the entry". client-node, the stack's
    // Kubernetes client, refuses the entry as it loads; reading past it would mean a second loader.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}: cannot be loaded: clusters[1].cluster.server is missing`);
  });
});
