// A kubeconfig whose user gets credentials from an exec plugin (EKS, GKE, OIDC login helpers) that
// fails (outside attack atk54). client-node throws the plugin's stderr as the whole error: audit said
// "cannot read the cluster: " and nothing more for a plugin that prints nothing, and doctor printed
// gke-gcloud-auth-plugin's twelve lines. Now one line that names the plugin and the server.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

/** A kubeconfig file of these clusters, users and contexts (never reached: 127.0.0.1:1). */
function kubeconfigFile(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'exec-credentials-')), 'config');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...config }));
  return file;
}

const CLUSTER = { name: 'c', cluster: { server: 'https://127.0.0.1:1' } };

/** One context whose user gets credentials from `command` (the credentials come before any request). */
const kubeconfig = (command: string, args: string[]): string =>
  kubeconfigFile({
    clusters: [CLUSTER],
    users: [
      {
        name: 'u',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command,
            args,
            interactiveMode: 'Never',
          },
        },
      },
    ],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });

describe('an exec credential plugin that fails', () => {
  it.each([
    [
      'prints nothing',
      'false',
      [],
      /getting credentials from the exec plugin "false" failed: it gave no reason$/,
    ],
    [
      'prints two lines',
      'sh',
      ['-c', 'echo "error: not logged in" >&2; echo "  run gcloud auth login" >&2; exit 1'],
      /getting credentials from the exec plugin "sh" failed: error: not logged in; run gcloud auth login$/,
    ],
  ])('%s: audit and doctor say so on one line, with the server, exit 2', async (_, command, args, said) => {
    const config = kubeconfig(command, args);
    for (const name of ['audit', 'doctor']) {
      const r = await cli([name, '--kubeconfig', config]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(`ais-guard ${name}: cannot read the cluster: https://127.0.0.1:1: `);
      expect(lines[0]).toMatch(said);
    }
  });
});

describe('--context (audit, doctor, plan), as kubectl takes it', () => {
  // A kubeconfig whose current context names no cluster, and a second context that does.
  const file = kubeconfigFile({
    clusters: [CLUSTER],
    users: [{ name: 'u', user: {} }],
    contexts: [
      { name: 'broken', context: { cluster: 'none', user: 'u' } },
      { name: 'good', context: { cluster: 'c', user: 'u' } },
    ],
    'current-context': 'broken',
  });

  it.each([['audit'], ['doctor'], ['plan', '--disks', 'd.yaml', '--from-cluster', 'ais/ais']])(
    '%s --context good reads the cluster it names; --context nope is a usage error naming the contexts',
    async (...command) => {
      const current = await cli([...command, '--kubeconfig', file]);
      expect(current.code).toBe(2);
      expect(current.stderr).toMatch(/the current context "broken" names cluster "none"/);
      const good = await cli([...command, '--kubeconfig', file, '--context', 'good']);
      expect(good.stderr).not.toMatch(/context/);
      const nope = await cli([...command, '--kubeconfig', file, '--context', 'nope']);
      expect(nope.code).toBe(2);
      expect(nope.stderr).toMatch(/no context "nope" \(contexts: broken, good\)\n$/);
    },
  );
});
