// review upgrade33: the real `serve --manage-webhook-config` puts back a caBundle a re-apply removed.
//
// `ais-guard render --cert-dir certs | kubectl apply` at install, then an upgrade with
// `ais-guard render --image NEW | kubectl apply` (no --cert-dir): client-side apply deletes the
// caBundle of every entry, ca.crt unchanged. The guard wrote only at start and on a ca.crt change, so
// the webhooks kept no caBundle and the Fail entries refused every AIStore write until a restart.
// Expected: the next re-read of ca.crt (every 10 s) writes it back. Unit test beside it:
// test/review-upgrade33/ca-bundle-lost.test.ts. Run: npm run build, then
// NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.js test/faults/review-upgrade33
import { afterAll, describe, expect, it } from '@jest/globals';
import jsonpatch from 'fast-json-patch';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('review upgrade33: serve --manage-webhook-config after a re-apply blanked the caBundle', () => {
  it('writes it back with ca.crt unchanged', async () => {
    const object = validatingConfig();
    const bundle = () => (object.webhooks[0]!.clientConfig as { caBundle?: string }).caBundle;
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

    const root = mkdtempSync(join(tmpdir(), 'upgrade33-blank-'));
    const { tls } = await secretVolume(root);
    guard = await spawnManaging(tls, writeKubeconfig(root, `http://127.0.0.1:${fake.port}`));
    await patched(1); // the write at start
    const written = bundle();
    expect(written).toBeDefined();
    // kubectl apply of manifests without a caBundle over ones that had it.
    delete (object.webhooks[0]!.clientConfig as { caBundle?: string }).caBundle;
    await patched(2); // never resolved before the fix (jest timeout)
    expect(bundle()).toBe(written);
    const g = guard;
    // Logged once, as a warning (the log is batched: wait for it).
    await until('the warning logged', () => g.logs(/had lost the current CA/).length > 0, Infinity);
    expect(g.logs(/had lost the current CA/)[0]).toMatchObject({ level: 40 });
  }, 45_000);
});
