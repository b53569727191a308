// A serving certificate that is not valid yet (issued on a machine whose clock ran ahead) was kept
// by `certs` ("kept; valid until ...", exit 0): the apiserver refuses it until its start date
// (crypto/x509: certificate has expired or is not yet valid), and a rerun must reissue it.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from '../tls/support.js';

async function certs(...argv: string[]) {
  const io = captureIo();
  const code = await main(['certs', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

const DAY_MS = 86_400_000;

afterEach(() => {
  jest.restoreAllMocks();
});

describe('certs and a serving certificate not valid yet', () => {
  it('reissues it, saying why', () =>
    withTempDir(async (dir) => {
      expect((await certs('--dir', dir)).code).toBe(0);
      // Reissued (a new name) by a run whose clock is two days ahead.
      const realNow = Date.now;
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 2 * DAY_MS);
      expect((await certs('--dir', dir, '--dns', 'guard.example.com')).out).toMatch(/tls\.crt: issued/);
      jest.restoreAllMocks();
      const ahead = new X509Certificate(await readFile(join(dir, 'tls.crt')));
      expect(new Date(ahead.validFrom).getTime()).toBeGreaterThan(Date.now());

      const rerun = await certs('--dir', dir, '--dns', 'guard.example.com');
      expect(rerun.code).toBe(0);
      expect(rerun.out).toMatch(/tls\.crt: issued \(it is not valid until 20\d\d-.*\)/);
      const now = Date.now();
      const reissued = new X509Certificate(await readFile(join(dir, 'tls.crt')));
      expect(new Date(reissued.validFrom).getTime()).toBeLessThanOrEqual(now);
      expect(reissued.checkHost('guard.example.com')).toBe('guard.example.com');
    }));
});
