// ensureCerts: the create-or-renew cycle on a real directory.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CAReplaceRefusedError, createCA, ensureCerts, serviceDnsNames } from '../../src/tls/index.js';
import { withTempDir } from './support.js';

const names = { dnsNames: serviceDnsNames('ais-guard', 'ais-guard'), ipAddresses: ['127.0.0.1'] };
const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8');
const cert = async (dir: string, file: string) => new X509Certificate(await read(dir, file));
const mode = async (dir: string, file: string) => (await stat(join(dir, file))).mode & 0o777;

describe('ensureCerts', () => {
  afterEach(() => void jest.restoreAllMocks());

  it('creates the CA and a serving cert signed by it, keys readable by the owner only', () =>
    withTempDir(async (dir) => {
      const result = await ensureCerts(dir, names);
      expect(result).toMatchObject({ createdCA: true, issued: true });
      expect((await readdir(dir)).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
      expect(await mode(dir, 'ca.key')).toBe(0o600);
      expect(await mode(dir, 'tls.key')).toBe(0o600);
      expect(await mode(dir, 'tls.crt')).toBe(0o644);

      const ca = await cert(dir, 'ca.crt');
      const serving = await cert(dir, 'tls.crt');
      expect(serving.verify(ca.publicKey)).toBe(true);
      expect(serving.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(Buffer.from(result.caBundle, 'base64').toString('utf8')).toBe(await read(dir, 'ca.crt'));
      expect(result.notAfter.toISOString()).toBe(new Date(serving.validTo).toISOString());
      expect(result.paths.cert).toBe(join(dir, 'tls.crt'));
    }));

  it('tightens a key file that was left readable when it replaces it', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, names);
      await chmod(join(dir, 'tls.key'), 0o644);
      await ensureCerts(dir, { ...names, force: true });
      expect(await mode(dir, 'tls.key')).toBe(0o600);
    }));

  it('changes nothing when everything is still good', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, names);
      const before = await Promise.all(['ca.crt', 'ca.key', 'tls.crt', 'tls.key'].map((f) => read(dir, f)));
      const again = await ensureCerts(dir, names);
      expect(again).toMatchObject({
        createdCA: false,
        issued: false,
        caReason: 'kept',
        servingReason: 'kept',
      });
      expect(await Promise.all(['ca.crt', 'ca.key', 'tls.crt', 'tls.key'].map((f) => read(dir, f)))).toEqual(
        before,
      );
    }));

  it('renews a serving cert inside the renewal window and keeps the CA, so the caBundle stays', () =>
    withTempDir(async (dir) => {
      const first = await ensureCerts(dir, { ...names, validityDays: 10 });
      const oldServing = await read(dir, 'tls.crt');
      const renewed = await ensureCerts(dir, { ...names, renewBeforeDays: 30 });
      expect(renewed).toMatchObject({ createdCA: false, issued: true });
      expect(renewed.servingReason).toMatch(/within the renewal window/);
      expect(renewed.caBundle).toBe(first.caBundle);
      const serving = await cert(dir, 'tls.crt');
      expect(await read(dir, 'tls.crt')).not.toBe(oldServing);
      expect(serving.verify((await cert(dir, 'ca.crt')).publicKey)).toBe(true);
      expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
    }));

  it('without renewBeforeDays, a certificate that lives 30 days or less is due a third of its lifetime before its end (polish28)', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, { ...names, validityDays: 10 });
      // A fixed 30-day window reissued it at once, on every call.
      expect(await ensureCerts(dir, { ...names, validityDays: 10 })).toMatchObject({ issued: false });
      const start = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(start + 6 * 86_400_000); // 4 days left of 10: kept
      expect(await ensureCerts(dir, { ...names, validityDays: 10 })).toMatchObject({ issued: false });
      jest.spyOn(Date, 'now').mockReturnValue(start + 7 * 86_400_000); // 3 days left: under 10/3
      const renewed = await ensureCerts(dir, { ...names, validityDays: 10 });
      expect(renewed).toMatchObject({ issued: true });
      expect(renewed.servingReason).toMatch(/within the renewal window/);
    }));

  it('reissues when the names are not covered, and keeps the CA', () =>
    withTempDir(async (dir) => {
      const first = await ensureCerts(dir, names);
      const wider = await ensureCerts(dir, { ...names, dnsNames: [...names.dnsNames, 'guard.example.com'] });
      expect(wider).toMatchObject({ createdCA: false, issued: true, caBundle: first.caBundle });
      expect(wider.servingReason).toMatch(/do not cover guard\.example\.com/);
      expect((await cert(dir, 'tls.crt')).checkHost('guard.example.com')).toBe('guard.example.com');
    }));

  it('reissues a serving cert that another CA signed or whose key does not match', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, names);
      // A matching pair from a stranger CA.
      const stranger = createCA();
      await writeFile(join(dir, 'tls.crt'), stranger.cert);
      await writeFile(join(dir, 'tls.key'), stranger.key);
      expect((await ensureCerts(dir, names)).servingReason).toMatch(/tls\.crt was not issued by .*ca\.crt/);
      // Our cert again, with someone else's key.
      await writeFile(join(dir, 'tls.key'), createCA().key);
      expect((await ensureCerts(dir, names)).servingReason).toMatch(/tls\.key does not belong to .*tls\.crt/);
    }));

  it('refuses to replace a CA it cannot use, unless forced', () =>
    withTempDir(async (dir) => {
      const first = await ensureCerts(dir, names);
      await rm(join(dir, 'ca.key'));
      const caPem = await read(dir, 'ca.crt');
      const refused = ensureCerts(dir, names);
      await expect(refused).rejects.toThrow(CAReplaceRefusedError);
      await expect(refused).rejects.toThrow(/ca\.key does not.*Refusing to replace the CA.*--force/s);
      expect(await read(dir, 'ca.crt')).toBe(caPem);

      await writeFile(join(dir, 'ca.key'), createCA().key);
      await expect(ensureCerts(dir, names)).rejects.toThrow(/does not belong to/);

      const forced = await ensureCerts(dir, { ...names, force: true });
      expect(forced).toMatchObject({ createdCA: true, issued: true, caReason: 'created (forced)' });
      expect(forced.caBundle).not.toBe(first.caBundle);
      expect((await cert(dir, 'tls.crt')).verify((await cert(dir, 'ca.crt')).publicKey)).toBe(true);
    }));

  it('force replaces a valid CA too', () =>
    withTempDir(async (dir) => {
      const first = await ensureCerts(dir, names);
      const forced = await ensureCerts(dir, { ...names, force: true });
      expect(forced.createdCA).toBe(true);
      expect(forced.caBundle).not.toBe(first.caBundle);
    }));

  it('replaces an expired CA without force: nothing can trust it any more', () =>
    withTempDir(async (dir) => {
      const first = await ensureCerts(dir, { ...names, ca: { validityDays: 1 } });
      expect(first.notAfter.getTime()).toBeLessThanOrEqual(first.caNotAfter.getTime());
      // A second past the CA's end on ensureCerts' clock, instead of waiting for it.
      jest.spyOn(Date, 'now').mockReturnValue(first.caNotAfter.getTime() + 1000);
      const next = await ensureCerts(dir, names);
      expect(next.createdCA).toBe(true);
      expect(next.caReason).toMatch(/old one expired/);
      expect(next.caBundle).not.toBe(first.caBundle);
    }));

  it('never lets a reader see a half-written file, and leaves no temp files', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, names);
      let reading = true;
      let reads = 0;
      const reader = (async () => {
        while (reading) {
          for (const file of ['tls.crt', 'ca.crt']) new X509Certificate(await read(dir, file));
          reads++;
        }
      })();
      // The reader runs throughout; after each of three rewrites it reads once more at least, so the
      // check never depends on how fast the machine generates keys.
      for (let i = 0; i < 3; i++) {
        const readsBefore = reads;
        await ensureCerts(dir, { ...names, force: true });
        while (reads === readsBefore) await new Promise((resolve) => setImmediate(resolve));
      }
      reading = false;
      await reader;
      expect((await readdir(dir)).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    }));

  it('rejects bad names before generating anything', () =>
    withTempDir(async (dir) => {
      await expect(ensureCerts(join(dir, 'sub'), { dnsNames: [], ipAddresses: ['nope'] })).rejects.toThrow(
        /not an IP/,
      );
      expect(await readdir(dir)).toEqual([]);
    }));
});
