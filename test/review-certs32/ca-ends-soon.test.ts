// A serving certificate cannot outlive its CA (issue.ts caps it at the CA's end), and `certs` never
// replaces a CA that is still valid. When the CA ends within the renewal window, `certs` said
// "tls.crt: kept; valid until <the CA's end>", exit 0, every run until the day both expired and
// every webhook call failed TLS: it must say that only a new CA (--force, new caBundle) helps.
import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from '../tls/support.js';

async function certs(...argv: string[]) {
  const io = captureIo();
  const code = await main(['certs', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('certs when the CA ends within the renewal window', () => {
  it('warns on every run, naming the end and --force', () =>
    withTempDir(async (dir) => {
      // The default window is 30 days (365-day serving certificates): a 20-day CA ends inside it.
      const first = await certs('--dir', dir, '--ca-days', '20');
      expect(first.code).toBe(0);
      expect(first.err).toMatch(/warning: the CA .*ca\.crt ends on 20\d\d-\S+, within the renewal window/);
      expect(first.err).toContain('--force');
      const again = await certs('--dir', dir, '--renew-before', '25d');
      expect(again.out).toMatch(/tls\.crt: kept;/);
      expect(again.err).toMatch(/warning: the CA .*ca\.crt ends on/);
    }));

  it('says nothing with a CA that outlives the window', () =>
    withTempDir(async (dir) => {
      expect((await certs('--dir', dir)).err).toBe('');
      expect((await certs('--dir', dir, '--ca-days', '20')).err).toBe(''); // an existing CA keeps its own
    }));
});

describe('certs with a short lifetime and its own window', () => {
  it('warns once the CA end is inside the window --days gives (a third of it)', () =>
    withTempDir(async (dir) => {
      // --days 30: a 10-day window; the CA's 20 days are outside it, then inside a 25-day one.
      expect((await certs('--dir', dir, '--ca-days', '20', '--days', '30')).err).toBe('');
      expect((await certs('--dir', dir, '--days', '30', '--renew-before', '25d')).err).toMatch(/ends on/);
    }));
});
