// review gitops25: /readyz says ready while the caBundle of the webhook configurations was never
// written, so Argo CD's sync waves move on to the AIStore objects against webhooks the apiserver
// cannot call.
//
// Defect: with `serve --manage-webhook-config` (deploy/base, the chart's default), the guard is the
// one that makes its webhooks callable: deploy/base's configurations carry no caBundle and the
// guard writes it at start (src/k8s/ca-bundle-keeper.ts). /readyz (src/server/app.ts) checks only
// TLS, the cluster cache and draining; a caBundle write that fails (the webhook-ca ClusterRole or
// binding not there yet or left out, the configuration renamed, an apiserver 403/404/5xx; the
// keeper retries with backoff up to 5 minutes) leaves the pod Ready all the same.
// docs/gitops.md ("Sync waves") and deploy/overlays/argocd/kustomization.yaml promise the opposite:
// "Argo CD applies ... webhook configurations, then the Deployment, waits until it is Healthy (its
// replicas ready), and only then the AIStore objects" / "the guard is running and its webhooks
// answer before any AIStore object is applied". Argo CD's Deployment health is the rollout's ready
// replicas (Argo CD resource health docs, "Deployment"), i.e. this /readyz; Flux's `wait: true` /
// healthChecks and `dependsOn` (docs/gitops.md "Ordering") read the same thing.
// User impact: wave 0 (the AIStore CR, the target PVs and claims) hits the Fail entries with no
// caBundle: the apiserver's call fails ("x509: certificate signed by unknown authority") and the
// sync fails, or, for the Ignore entries, the claims are admitted without the guard's volumeName
// patch: exactly the ordering the waves exist to prevent.
// Expected: while --manage-webhook-config has not yet brought the configurations to trust the
// serving CA, /readyz is not 200 (or at least not "ready").
// The fake apiserver serves the informers' lists and watches but not the webhook configurations
// (404: the configuration is not there under this name), so the write fails for sure; the test
// waits for that failure and for the cache sync, both logged, then reads /readyz once.
// Run: npm run build, then
// NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.js test/faults/review-gitops25
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCerts } from '../../src/tls/index.js';
import { FakeApiServer } from '../support/fake-apiserver.js';
import { send, until } from './support/client.js';
import type { ChildGuard } from './support/guard.js';
import { spawnManaging } from './support/manage-webhook.js';

let guard: ChildGuard | undefined;
let fake: FakeApiServer | undefined;
afterAll(async () => {
  await guard?.stop(2000);
  await fake?.close();
});

describe('review gitops25: readiness and the caBundle the guard has to write', () => {
  it('a guard whose caBundle write failed is not Ready (the Argo CD wave / Flux dependsOn gate)', async () => {
    fake = await FakeApiServer.start();
    const root = mkdtempSync(join(tmpdir(), 'gitops25-ready-'));
    const kubeconfig = fake.writeKubeConfig(join(root, 'kubeconfig'));
    const tls = join(root, 'tls');
    await ensureCerts(tls, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    guard = await spawnManaging(tls, kubeconfig);
    const g = guard;
    await until(
      'the caBundle write failed',
      () => g.logs(/could not patch the webhook caBundle/).length > 0,
      20_000,
    );
    await until('the cluster cache synced', () => g.logs(/cluster context synced/).length > 0, 20_000);
    // Precondition: nothing was ever written.
    expect(g.logs(/webhook configurations trust the current CA/)).toEqual([]);

    const target = { port: g.port, ca: readFileSync(join(tls, 'ca.crt')) };
    const res = await send(target, undefined, { path: '/readyz', method: 'GET', agent: false });
    // Today: 200 {"status":"ready","checks":{"tls":true,"cluster":true,"draining":false}}.
    expect({ status: res.status, body: JSON.parse(res.text) as unknown }).toEqual(
      expect.objectContaining({ status: 503 }),
    );
  }, 60_000);
});
