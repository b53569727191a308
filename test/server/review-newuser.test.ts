// Review (newuser): an operator team following README.md ("`ais-guard serve`", "Address") and
// `serve --help` as written. The test fails today; its comment says what a user meets.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether this machine has an IPv6 loopback to test with at all. */
async function hasIPv6Loopback(): Promise<boolean> {
  const probe = createNetServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

describe('review-newuser: serve with its default address', () => {
  // `serve --help` says "--address ADDR listen address (default 0.0.0.0: all interfaces, as in a
  // pod ...)", README "Address" the same, and deploy/base (and the Helm chart) run `serve` with no
  // --address, the image adding AIS_GUARD_ADDRESS=0.0.0.0 (Dockerfile). 0.0.0.0 is every IPv4
  // interface only: the guard does not listen on IPv6 at all. In an IPv6-only cluster, or a
  // dual-stack one whose primary pod IP family is IPv6 (the kubelet probes status.podIP; the
  // apiserver dials the Service's IPv6 ClusterIP endpoints), every probe and admission call is
  // refused: the pod never becomes ready, and the three Fail webhooks refuse every AIStore CR
  // create/spec change and operator StatefulSet write cluster-wide. CODE is wrong (and the help
  // text's "all interfaces"): the default should be the unspecified IPv6 address "::", which Node
  // binds dual-stack (IPv4 too), or the manifests/image should pass it; "all interfaces, as in a
  // pod" then holds on every cluster.
  it('answers /healthz over IPv6 when no --address is given ("all interfaces")', async () => {
    if (!(await hasIPv6Loopback())) return; // nothing to show on a machine without ::1
    const certDir = mkdtempSync(join(tmpdir(), 'ais-guard-review-newuser-'));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    delete env.AIS_GUARD_ADDRESS;
    delete env.AIS_GUARD_HOST;
    const child = spawn(
      process.execPath,
      ['bin/ais-guard.js', 'serve', '--port', '0', '--cert-dir', certDir, '--no-cluster'],
      { env },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const serving = await new Promise<string | undefined>((resolve) => {
        const look = () => {
          const line = out.split('\n').find((l) => l.includes('"msg":"ais-guard serving"'));
          if (line) resolve(line);
        };
        child.stdout.on('data', look);
        void exit.then(() => resolve(undefined));
      });
      expect(serving).toBeDefined();
      const port = JSON.parse(serving as string).port as number;
      const health = await new Promise<number | string>((resolve) =>
        request(
          {
            host: '::1',
            port,
            path: '/healthz',
            ca: readFileSync(join(certDir, 'ca.crt')),
            checkServerIdentity: () => undefined, // the generated cert names the Service, not ::1
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
          .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
          .end(),
      );
      // Today: 'ECONNREFUSED' (listening on 0.0.0.0 only).
      expect(health).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  }, 120_000);
});
