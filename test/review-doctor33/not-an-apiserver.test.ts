// Review doctor33: a kubeconfig whose server is not a Kubernetes apiserver, but answers 404 to
// every path: a Rancher or other proxy URL without its /k8s/clusters/ID path, a load balancer's
// default backend, a corporate proxy that intercepts the connection (seen on this review's machine).
// DEFECT: each 404 was read as "that object does not exist": doctor said both webhook
// configurations, the ServiceAccount and the AIStore CRD were missing, told the on-call to
// re-apply the manifests, and exited 1: a confident verdict about a cluster it never reached.
// EXPECTED: a real apiserver answers a GET of a missing object of a built-in resource with a
// Status object (kind: Status); a 404 without one to the first read means doctor could not read
// the cluster: one line saying so, exit 2, nothing judged.
import { afterEach, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { fakeApiserver } from '../doctor/apiserver.js';
import { makeCerts } from '../doctor/support.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

async function kubeconfigFor(answer: (res: import('node:http').ServerResponse) => void) {
  const server = createServer((_req, res) => answer(res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const path = join(mkdtempSync(join(tmpdir(), 'ais-guard-doctor33-')), 'kubeconfig');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
  );
  return path;
}

it.each([
  ['an empty body', (res: import('node:http').ServerResponse) => res.writeHead(404).end()],
  [
    'a web page',
    (res: import('node:http').ServerResponse) =>
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>404 Not Found</body></html>'),
  ],
  [
    'JSON that is not a Status',
    (res: import('node:http').ServerResponse) =>
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"no route"}'),
  ],
])('404 with %s to every path: could not read the cluster, exit 2, nothing judged', async (_what, answer) => {
  const kubeconfig = await kubeconfigFor(answer);
  const r = await cli(['doctor', '--kubeconfig', kubeconfig]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^ais-guard doctor: cannot read the cluster: .*not .*apiserver/);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});

it('an apiserver that has no such configuration (a Status 404): still "missing", exit 1', async () => {
  const { kubeconfig } = await fakeApiserver(makeCerts(), {
    first: (_req, url, res) => {
      if (!url.pathname.endsWith('/validatingwebhookconfigurations/ais-guard')) return false;
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
        }),
      );
      return true;
    },
  });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig]);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    /^fail +webhook-configurations +ValidatingWebhookConfiguration ais-guard is missing/m,
  );
});
