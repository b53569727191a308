// review rot23: `serve --manage-webhook-config` dies on a ca.crt it cannot read.
//
// Defect: src/cli/serve.ts `patch()` awaits guard.caPem() (src/server/server.ts: existsSync, then
// readFile) outside any catch; patchWebhooks is started with `void patchWebhooks?.()` (at start,
// on every certificate change) and the settle timer with `void patch('settle')`. A readFile that
// fails (EACCES on a ca.crt projected with another mode/owner, EISDIR, or ENOENT when the kubelet
// swaps in a Secret without ca.crt between existsSync and readFile) is an unhandled rejection:
// Node exits with code 1 and a raw stack trace, right after "ais-guard serving".
// User impact: the pod crash-loops (the read fails again at every start), and with two replicas
// both die: with failurePolicy Fail every AIStore write is refused. A missing ca.crt only warns
// ("caBundle not managed"); an unreadable one should be logged the same way ("could not patch
// the webhook caBundle"), the guard keeps serving.
// Expected: the guard logs the error and stays up. Run: npm run build, then
// NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.js test/faults/review-rot23
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGuard, type ChildGuard } from './support/guard.js';
import { writeKubeconfig } from './support/kubeconfig.js';
import { secretVolume, spawnManaging } from './support/manage-webhook.js';

let guard: ChildGuard | undefined;
afterAll(async () => {
  await guard?.stop(2000);
});

describe('review rot23: serve --manage-webhook-config with an unreadable ca.crt', () => {
  it('logs the error and keeps serving instead of dying of an unhandled rejection', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rot23-ca-'));
    const { tls } = await secretVolume(root, ['tls.crt', 'tls.key']);
    // ca.crt exists but cannot be read as a file (a directory: EISDIR; in a pod EACCES or the
    // kubelet's swap give the same rejected readFile).
    mkdirSync(join(tls, 'ca.crt'));
    // A cluster that refuses everything: the patch is never reached anyway.
    const kubeconfig = writeKubeconfig(root, 'https://127.0.0.1:9');
    guard = await spawnManaging(tls, kubeconfig);
    const g = guard;
    // Whichever comes first: the error logged (expected), or the process gone (the defect).
    const outcome = await new Promise<string>((resolve) => {
      void g.exited.then((e) => resolve(`exited with code ${e.code}: ${g.stderr().split('\n')[0]}`));
      const poll = setInterval(() => {
        if (g.logs(/could not patch the webhook caBundle|caBundle not managed/).length > 0) {
          clearInterval(poll);
          resolve('logged');
        }
      }, 20);
      void g.exited.then(() => clearInterval(poll));
    });
    expect(outcome).toBe('logged');
  });
});

describe('serve --manage-webhook-config with a self-managed certificate', () => {
  // Every replica then makes its own CA and the webhooks settle on the newest (src/k8s/ca-bundle.ts;
  // test/deploy/review-rot23-ca-bundle.test.ts): said at start, as docs/deploy.md says it.
  it('warns that replicas would not share a CA', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rot23-self-'));
    const kubeconfig = writeKubeconfig(root, 'https://127.0.0.1:9');
    const self = await spawnGuard([
      '--port=0',
      '--address=127.0.0.1',
      `--cert-dir=${join(root, 'certs')}`,
      '--manage-webhook-config',
      `--kubeconfig=${kubeconfig}`,
    ]);
    try {
      expect(self.logs(/self-managed certificate: every replica makes its own CA/)).toHaveLength(1);
    } finally {
      await self.stop(2000);
    }
  });
});
