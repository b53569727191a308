// `certs --dns 10.0.0.5` wrote a DNS SAN "10.0.0.5". A TLS client given an IP matches it against the
// certificate's IP addresses only (Go's crypto/x509 VerifyHostname, as the apiserver), so that
// certificate fails every call made to the address, though `certs` printed it and exited 0.
import { describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from '../tls/support.js';

describe('certs --dns with an IP address', () => {
  it.each(['10.0.0.5', '127.0.0.1'])('refuses %s and points at --ip (exit 2, nothing written)', (ip) =>
    withTempDir(async (dir) => {
      const io = captureIo();
      const code = await main(['certs', '--dir', dir, '--dns', ip], io);
      expect(io.err()).toContain(`--dns "${ip}" is an IP address`);
      expect(io.err()).toContain(`--ip ${ip}`);
      expect(code).toBe(2);
      expect(io.out()).toBe('');
      expect(await readdir(dir)).toEqual([]);
    }),
  );
});
