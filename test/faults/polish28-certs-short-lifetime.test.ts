// polish28: `ais-guard certs --days 10` with the default `--renew-before 30d` reissued tls.crt on
// every run: a certificate that lives 10 days always "expires within 30 days", so a cron job
// re-running certs (docs/deploy.md, "Renewing") made a new key and certificate, and a Secret update
// and a reload on every replica, each time. What cert-manager does (pkg/util/pki/renewaltime.go
// desiredRenewalTime): without renewBefore, renew 2/3 through the lifetime; and its webhook refuses a
// renewBefore that is not shorter than the duration ("certificate duration %s must be greater than
// renewBefore %s", ValidateDuration). certs does the same: the default window is 30 days or a third
// of the lifetime, whichever is shorter; a --renew-before given that is not shorter than the
// lifetime is an input error naming both flags.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/ais-guard.js');
const certs = (args: string[]) =>
  spawnSync(process.execPath, [BIN, 'certs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-polish28-days-'));
const fingerprint = (dir: string) => new X509Certificate(readFileSync(join(dir, 'tls.crt'))).fingerprint256;

describe('polish28: certs --days shorter than the renewal window', () => {
  it('--days 10 twice: the second run keeps the certificate the first issued', () => {
    const dir = tmp();
    const first = certs(['--dir', dir, '--days', '10']);
    expect(first.status).toBe(0);
    const issued = fingerprint(dir);
    const second = certs(['--dir', dir, '--days', '10']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/tls\.crt: kept;/);
    expect(fingerprint(dir)).toBe(issued);
  });

  it.each([
    [['--days', '10', '--renew-before', '30d'], /--renew-before 30d .*--days 10/],
    [['--days', '10', '--renew-before', '240h'], /--renew-before 240h .*--days 10/],
    [['--renew-before', '365d'], /--renew-before 365d .*--days.*365/],
  ])('%j: an input error naming both flags, nothing written', (args, named) => {
    const dir = join(tmp(), 'certs');
    const r = certs(['--dir', dir, ...args]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(/^ais-guard certs: [^\n]+\n$/);
    expect(r.stderr).toMatch(named);
    expect(existsSync(dir)).toBe(false);
  });

  it('--days 10 --renew-before 3d: given and shorter, kept on the next run', () => {
    const dir = tmp();
    expect(certs(['--dir', dir, '--days', '10', '--renew-before', '3d']).status).toBe(0);
    const again = certs(['--dir', dir, '--days', '10', '--renew-before', '3d']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/tls\.crt: kept;/);
  });
});
