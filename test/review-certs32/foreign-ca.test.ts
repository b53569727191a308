// A CA brought into --dir from elsewhere (step-ca and cfssl make ECDSA keys by default; an
// openssl-made key is often passphrase-protected). `certs` signs with RSA only and reads keys
// unencrypted: an ECDSA CA ended in node-forge's stack trace ("Cannot read public key. OID is not
// RSA.", exit 2), and an encrypted key was reported as "ca.key does not belong to ca.crt", which
// sends the operator looking for the wrong file. Both must be a one-line refusal saying what is wrong.
// The CAs are made with the openssl command at test time (no private key is kept in the repository).
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from '../tls/support.js';

function openssl(dir: string, ...keyArgs: string[]): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...keyArgs,
      '-keyout',
      `${dir}/ca.key`,
      '-out',
      `${dir}/ca.crt`,
      '-days',
      '3650',
      '-subj',
      '/CN=brought CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ],
    { stdio: 'ignore' },
  );
}

async function certs(dir: string) {
  const io = captureIo();
  const code = await main(['certs', '--dir', dir], io);
  return { code, out: io.out(), err: io.err() };
}

describe('certs with a CA it cannot sign with', () => {
  it('refuses an ECDSA CA in one line, exit 1, nothing written', () =>
    withTempDir(async (dir) => {
      openssl(dir, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes');
      const { code, out, err } = await certs(dir);
      expect(err).toMatch(/^ais-guard certs: .*ca\.key is an? EC key: .*RSA/);
      expect(err).not.toMatch(/\n\s+at /);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect((await readdir(dir)).sort()).toEqual(['ca.crt', 'ca.key']);
    }));

  it('says an encrypted CA key is encrypted, not that it belongs to another certificate', () =>
    withTempDir(async (dir) => {
      openssl(dir, '-newkey', 'rsa:2048', '-passout', 'pass:secret');
      const { code, err } = await certs(dir);
      expect(code).toBe(1);
      expect(err).toMatch(/ca\.key cannot be read: .*encrypted/);
      expect(err).not.toContain('does not belong');
    }));
});
