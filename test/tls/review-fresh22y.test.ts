// Review "fresh22y": `ais-guard certs --ip` with the IPv6 forms a user of an IPv6 or dual-stack
// cluster types (the last session made render --url and serve IPv6-ready; certs issues the pair
// render --cert-dir --url checks and tells the user to make with `certs --ip ADDR`).
import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from './support.js';

async function certs(...argv: string[]) {
  const io = captureIo();
  let code: number;
  try {
    code = await main(['certs', ...argv], io);
  } catch (err) {
    // What bin/ais-guard would print: the stack.
    return { code: -1, out: io.out(), err: io.err() + String((err as Error).stack) };
  }
  return { code, out: io.out(), err: io.err() };
}

describe('certs --ip with an IPv6 address in the forms Node accepts', () => {
  it('an IPv4-mapped address written dotted (::ffff:10.0.0.1) is issued or refused in one line, nothing half-written', () =>
    // certs.ts options() checks --ip with node:net isIP, which takes "::ffff:10.0.0.1"; node-forge's
    // x509 setExtensions (_fillMissingExtensionFields) does not, and throws. The user sees
    // "ais-guard: Error: Extension "ip" value is not a valid IPv4 or IPv6 address." and eight lines
    // of stack (node_modules/node-forge/lib/x509.js ... dist/cli/main.js), exit 2 -- and the folder
    // now holds a new ca.crt/ca.key but no serving pair. The same address written ::ffff:a00:1 works,
    // and render --url https://[::ffff:10.0.0.1]:8443 itself suggests `certs --ip ::ffff:a00:1`.
    // Expected: the pair is issued (Go's x509 reads the 16-byte SAN as 10.0.0.1), or a one-line
    // usage error before anything is written.
    withTempDir(async (dir) => {
      const r = await certs('--dir', dir, '--ip', '::ffff:10.0.0.1');
      if (r.code === 0) {
        const serving = new X509Certificate(await readFile(join(dir, 'tls.crt')));
        expect(serving.subjectAltName).toMatch(/IP Address:(0:0:0:0:0:FFFF:A00:1|10\.0\.0\.1)/);
        return;
      }
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(await readdir(dir)).toEqual([]);
    }));

  it('a link-local address with a zone (fe80::1%eth0) never becomes a certificate the apiserver cannot parse', () =>
    // isIP takes a zone id, so certs passes "fe80::1%eth0" to node-forge, which encodes 17 bytes as
    // the iPAddress SAN; openssl shows "IP Address:<invalid length=17>", and Go's crypto/x509
    // (parseSANExtension: "x509: cannot parse IP address of length 17", checked with go1.26.8
    // x509.ParseCertificate on the issued tls.crt) refuses the whole certificate -- so the
    // apiserver's TLS handshake with the guard fails on every admission call. certs exits 0 and
    // prints the caBundle as if all were well. A zone means nothing in a certificate.
    // Expected: a one-line usage error (or the zone dropped: a 16-byte SAN).
    withTempDir(async (dir) => {
      const r = await certs('--dir', dir, '--ip', 'fe80::1%eth0');
      if (r.code === 0) {
        const serving = new X509Certificate(await readFile(join(dir, 'tls.crt')));
        expect(serving.subjectAltName).not.toMatch(/invalid/);
        return;
      }
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }));
});
