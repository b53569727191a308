// `serve --cert-dir` after `ais-guard certs` in the same directory (docs/deploy.md "Out of the
// cluster"): serve's own names (localhost, 127.0.0.1, ::1) are not in what `certs --ip ADDR` issued,
// so serve reissues the certificate. It must not drop the names `certs` put there: a guard reached
// at 10.1.2.3 was served a certificate without that address, and every apiserver call failed TLS.
import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { main } from '../../src/cli/main.js';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer } from '../../src/server/server.js';
import { fixedCluster } from '../support/review.js';
import { captureIo, withTempDir } from '../tls/support.js';

describe('serve --cert-dir on a directory ais-guard certs made', () => {
  it('keeps the names certs issued and adds its own', () =>
    withTempDir(async (dir) => {
      const io = captureIo();
      expect(await main(['certs', '--dir', dir, '--ip', '10.1.2.3', '--dns', 'guard.example.com'], io)).toBe(
        0,
      );
      const guard = await createGuardServer({
        config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
        cluster: fixedCluster(),
        logger: pino({ level: 'silent' }),
      });
      await guard.shutdown();
      const served = new X509Certificate(await readFile(join(dir, 'tls.crt')));
      expect(served.checkIP('10.1.2.3')).toBe('10.1.2.3');
      expect(served.checkHost('guard.example.com')).toBe('guard.example.com');
      expect(served.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(served.checkHost('ais-guard.ais-guard.svc')).toBe('ais-guard.ais-guard.svc');
      // Each address once, however OpenSSL spells it (::1 is printed 0:0:0:0:0:0:0:1).
      const ips = (served.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('IP Address:'));
      expect(ips).toEqual([...new Set(ips)]);
      expect(ips).toHaveLength(3);
    }));
});
