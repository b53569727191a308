// review rot23: a change of ca.crt alone never reaches the caBundles.
//
// Defect: src/cli/serve.ts writes the caBundles at start and from onCertificateChange, which
// src/server/server.ts fires only when watchPair (src/server/tls.ts) sees a new serving pair
// (tls.crt fingerprint or tls.key changed). A Secret update that changes ca.crt but not the
// pair is ignored, and so is the pending settle's input: nothing re-reads ca.crt until the next
// renewal of tls.crt (cert-manager: renewBefore, 720h in the chart; self-managed: a year).
// That is exactly the last step of the careful way to replace a CA (publish trust first):
//   1. ca.crt = NEW + OLD, tls.crt still OLD-signed;  2. tls.crt reissued by NEW;
//   3. ca.crt = NEW alone (OLD retired: leaked key, decommissioned PKI).
// After step 3 the caBundles keep trusting OLD for weeks; and step 1 alone never adds NEW.
// docs/deploy.md: the guard "keeps every caBundle of the two ais-guard configurations trusting
// ca.crt beside tls.crt, so a CA rotation done by updating the Secret reaches the apiserver".
// Expected: a new ca.crt (same pair) is written like any other change (overlap, then settle).
// The test passes as soon as the guard patches again after ca.crt changed; it fails (jest
// timeout) when it never does. Run: npm run build, then
// NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.js test/faults/review-rot23
import { afterAll, describe, expect, it } from '@jest/globals';
import jsonpatch from 'fast-json-patch';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCerts } from '../../src/tls/index.js';
import { until } from './support/client.js';
import type { ChildGuard } from './support/guard.js';
import { writeKubeconfig } from './support/kubeconfig.js';
import {
  jsonApiserver,
  secretVolume,
  spawnManaging,
  status,
  VALIDATING,
  validatingConfig,
} from './support/manage-webhook.js';

let guard: ChildGuard | undefined;
let server: http.Server | undefined;
afterAll(async () => {
  await guard?.stop(2000);
  server?.close();
});

describe('review rot23: serve --manage-webhook-config when only ca.crt changes', () => {
  it('writes the caBundles again', async () => {
    const object = validatingConfig();
    let patches = 0;
    const waiters: { n: number; resolve: () => void }[] = [];
    const patched = (n: number) =>
      new Promise<void>((resolve) => (patches >= n ? resolve() : waiters.push({ n, resolve })));
    const fake = await jsonApiserver((req, path, body, reply) => {
      if (path !== VALIDATING) return reply(404, status(404, 'not found'));
      if (req.method === 'PATCH') {
        try {
          jsonpatch.applyPatch(object, JSON.parse(body) as jsonpatch.Operation[], true);
        } catch (err) {
          return reply(422, status(422, String(err)));
        }
        patches++;
        for (const w of waiters.filter((x) => patches >= x.n)) w.resolve();
      }
      reply(200, object);
    });
    server = fake.server;
    const { port } = fake;

    const root = mkdtempSync(join(tmpdir(), 'rot23-caonly-'));
    const { made, tls } = await secretVolume(root);
    const other = join(root, 'other');
    await ensureCerts(other, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }); // NEW, a second CA
    const kubeconfig = writeKubeconfig(root, `http://127.0.0.1:${port}`);
    guard = await spawnManaging(tls, kubeconfig, ['--ca-overlap=1']);
    await patched(1); // the write at start: the caBundle trusts the current CA
    // ... and its settle step (--ca-overlap=1) has run too: nothing is pending any more.
    const g = guard;
    await until(
      'the settle step logged',
      () => g.logs(/webhook configurations trust the current CA/).some((l) => l.step === 'settle'),
      Infinity, // the test's own timeout is the bound
    );
    // Step 1 of a trust-first rotation: ca.crt = NEW + OLD, the serving pair unchanged (an
    // atomic replace, as the kubelet's swap is).
    const both = readFileSync(join(other, 'ca.crt'), 'utf8') + readFileSync(join(made, 'ca.crt'), 'utf8');
    writeFileSync(join(root, 'ca.next'), both);
    renameSync(join(root, 'ca.next'), join(tls, 'ca.crt'));
    await patched(2); // never resolves today
    expect(patches).toBeGreaterThanOrEqual(2);
  }, 45_000);
});
