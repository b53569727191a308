// `certs` printed "keys DIR/ca.key, DIR/tls.key (mode 0600)" whatever the modes on disk: a kept key
// that is readable by others (copied in with `kubectl get secret ... > tls.key` under umask 022, or a
// checkout) was reported as private. It must say what is there and warn on stderr.
import { describe, expect, it } from '@jest/globals';
import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from '../tls/support.js';

async function certs(dir: string) {
  const io = captureIo();
  const code = await main(['certs', '--dir', dir], io);
  return { code, out: io.out(), err: io.err() };
}

describe('certs reports the key modes on disk', () => {
  it('says 0600 for the keys it wrote', () =>
    withTempDir(async (dir) => {
      const { code, out, err } = await certs(dir);
      expect(code).toBe(0);
      expect(out).toContain(`keys     ${join(dir, 'ca.key')}, ${join(dir, 'tls.key')} (mode 0600)\n`);
      expect(err).toBe('');
    }));

  it('warns, naming the file, when a kept key is readable by others', () =>
    withTempDir(async (dir) => {
      await certs(dir);
      await chmod(join(dir, 'tls.key'), 0o644);
      const { code, out, err } = await certs(dir);
      expect(code).toBe(0);
      expect(out).toMatch(/tls\.crt: kept;/);
      expect(out).not.toContain('(mode 0600)\n');
      expect(out).toContain(`${join(dir, 'tls.key')} (mode 0644)`);
      expect(err).toContain(`${join(dir, 'tls.key')} is readable by others than its owner (mode 0644)`);
      expect(err).toContain(`chmod 600 ${join(dir, 'tls.key')}`);
      expect(err).not.toContain('ca.key');
      // Reported, not changed: the mode is the operator's to set.
      expect((await stat(join(dir, 'tls.key'))).mode & 0o777).toBe(0o644);
      // The caBundle stays the last line of stdout.
      expect(out.trimEnd().split('\n').at(-1)).toMatch(/^LS0t/);
    }));
});
