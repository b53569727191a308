// The URL probe keeps every certificate the guard serves, not only the leaf: the apiserver builds
// its chain to the caBundle from the intermediates sent after it, and so must the ca-bundle check.
import { expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { probe } from '../../src/doctor/probe.js';
import { makeCA, servingCert } from './support.js';

it('a guard serving leaf + intermediate: both come back, leaf first', async () => {
  const intermediate = makeCA('ais-guard intermediate CA');
  const leaf = servingCert(intermediate);
  const server = createServer({ cert: leaf.cert + intermediate.cert, key: leaf.key }, (_req, res) =>
    res.end('ok'),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const got = await probe(`https://127.0.0.1:${port}/readyz`);
    expect(got.ok).toBe(true);
    const pems = (got.ok ? got.certPem : '').match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    );
    expect(pems?.map((p) => new X509Certificate(p).fingerprint256)).toEqual(
      [leaf.cert, intermediate.cert].map((p) => new X509Certificate(p).fingerprint256),
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
