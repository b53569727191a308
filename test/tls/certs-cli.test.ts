// `ais-guard certs` through the real entry point, exit codes included.
import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDurationDays } from '../../src/cli/certs.js';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from './support.js';

async function certs(...argv: string[]) {
  const io = captureIo();
  const code = await main(['certs', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ais-guard certs', () => {
  it('creates the files and prints the caBundle on the last line', () =>
    withTempDir(async (dir) => {
      const { code, out } = await certs('--dir', dir, '--ip', '127.0.0.1', '--dns', 'guard.example.com');
      expect(code).toBe(0);
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^CA +.*ca\.crt: created \(none yet\); valid until 20\d\d-/);
      expect(lines[1]).toMatch(/^serving +.*tls\.crt: issued \(new CA\)/);
      expect(out).toContain('DNS:ais-guard.ais-guard.svc, ');
      expect(out).toContain('DNS:guard.example.com, IP Address:127.0.0.1');
      const caPem = await readFile(join(dir, 'ca.crt'), 'utf8');
      expect(lines.at(-1)).toBe(Buffer.from(caPem).toString('base64'));
    }));

  it('names the Service in another namespace', () =>
    withTempDir(async (dir) => {
      expect((await certs('--dir', dir, '--service', 'guard', '--namespace', 'ops')).code).toBe(0);
      const serving = new X509Certificate(await readFile(join(dir, 'tls.crt')));
      expect(serving.checkHost('guard.ops.svc')).toBe('guard.ops.svc');
      expect(serving.checkHost('ais-guard.ais-guard.svc')).toBeUndefined();
    }));

  it('keeps what is good, renews with --renew-before and --days', () =>
    withTempDir(async (dir) => {
      const first = await certs('--dir', dir, '--days', '60');
      const kept = await certs('--dir', dir);
      expect(kept.out).toMatch(/ca\.crt: kept;.*\n.*tls\.crt: kept;/);
      const renewed = await certs('--dir', dir, '--renew-before', '1440h');
      expect(renewed.out).toMatch(/tls\.crt: issued \(it expires on .*within the renewal window\)/);
      expect(renewed.out.trimEnd().split('\n').at(-1)).toBe(first.out.trimEnd().split('\n').at(-1));
    }));

  it('exits 1 with a reason when the CA cannot be used, and --force replaces it', () =>
    withTempDir(async (dir) => {
      await certs('--dir', dir);
      await rm(join(dir, 'ca.key'));
      const refused = await certs('--dir', dir);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/ca\.key does not.*ais-guard certs --force/);
      expect(refused.out).toBe('');
      expect((await certs('--dir', dir, '--force')).code).toBe(0);
    }));

  it.each([
    [['--ip', 'localhost'], /--ip "localhost" is not an IP address/],
    [['--dns', 'bad name'], /--dns "bad name" is not a DNS name/],
    [['--namespace', 'Bad_NS'], /--namespace "Bad_NS" is not a valid Kubernetes name/],
    // A Service name is a DNS-1035 label (a letter first): Kubernetes refuses a Service "1guard".
    [['--service', '1guard'], /--service "1guard" is not a valid Service name: .*letter/],
    [['--renew-before', '0d'], /--renew-before 0d .*after it has expired/],
    [['--renew-before', '0.0h'], /--renew-before 0.0h .*after it has expired/],
    [['--days', '0'], /--days takes a whole number/],
    [['--days', '0x10'], /--days takes a whole number/],
    [['--renew-before', '30'], /--renew-before takes a duration/],
    [['--days', '10', '--renew-before', '30d'], /--renew-before 30d is not shorter .*--days 10/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on usage errors: %j', async (argv, message) => {
    const { code, err } = await certs('--dir', '/nonexistent/never-created', ...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('takes a namespace that starts with a digit (a DNS-1123 label)', () =>
    withTempDir(async (dir) => {
      expect((await certs('--dir', dir, '--namespace', '1ops')).code).toBe(0);
    }));

  it('prints help', async () => {
    const { code, out } = await certs('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: ais-guard certs/);
  });
});

describe('parseDurationDays', () => {
  it.each([
    ['30d', 30],
    ['720h', 30],
    ['90m', 90 / 1440],
    ['1.5d', 1.5],
  ])('%s is %d days', (text, days) => expect(parseDurationDays(text)).toBeCloseTo(days, 10));

  it.each(['', '30', 'd', '-1d', '3w', '1y'])('rejects %j', (text) =>
    expect(() => parseDurationDays(text)).toThrow(/duration like 30d or 720h/),
  );
});
