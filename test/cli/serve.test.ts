// `ais-guard serve` set-up mistakes end with one line naming the way out, exit 2, no stack trace
// (the image's first default command died with a stack trace on a read-only /app).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-serve-cli-'));
const base = ['serve', '--no-cluster', '--port=0', '--address=127.0.0.1', '--log-level=silent'];

describe('ais-guard serve: certificate files it cannot use', () => {
  it('a cert dir that cannot be created', async () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, '');
    const r = await cli([...base, `--cert-dir=${file}/certs`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ais-guard serve: cannot keep the self-managed certificate in .*a-file\/certs: ENOTDIR.*give a writable --cert-dir \(or AIS_GUARD_CERT_DIR\), or --tls-cert and --tls-key\n$/,
    );
  });

  it('a --tls-cert that is not there', async () => {
    const dir = tmp();
    const r = await cli([...base, `--tls-cert=${dir}/tls.crt`, `--tls-key=${dir}/tls.key`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ais-guard serve: cannot read the serving pair: ${dir}/tls.crt: no such file or directory\n`,
    );
  });

  // An outside review (readme53): a directory for the key was "cannot read the serving certificate:
  // EISDIR: illegal operation on a directory, read", naming neither the file nor which of the two.
  it('a --tls-key that is a directory', async () => {
    const dir = tmp();
    const pair = await cli(['certs', '--dir', dir]);
    expect(pair.code).toBe(0);
    const r = await cli([...base, `--tls-cert=${dir}/tls.crt`, `--tls-key=${dir}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ais-guard serve: cannot read the serving pair: ${dir}: a directory, not a file\n`);
  });
});
