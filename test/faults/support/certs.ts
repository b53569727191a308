// Serving certificates from one CA, and a directory updated the way the kubelet updates a mounted
// Secret (its AtomicWriter): the files live in a timestamped directory, `..data` points at it, and
// each key is a symlink through `..data`. An update writes a new timestamped directory, points a
// new symlink `..data_tmp` at it, renames that over `..data` (the one atomic step), and then
// removes the old directory.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCA, createServingCert, type Pem } from '../../../src/tls/index.js';

export function newCA(): Pem {
  return createCA({ commonName: 'ais-guard faults CA' });
}

export function servingPair(ca: Pem): Pem & { fingerprint: string } {
  const pair = createServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  return { ...pair, fingerprint: new X509Certificate(pair.cert).fingerprint256 };
}

export class SecretVolume {
  private generation = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get certFile(): string {
    return join(this.dir, 'tls.crt');
  }

  get keyFile(): string {
    return join(this.dir, 'tls.key');
  }

  /** Writes the Secret's data: the first call creates the user-visible symlinks, later ones swap `..data`. */
  write(files: Record<string, string>): void {
    const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${this.generation++}`;
    const target = join(this.dir, stamp);
    mkdirSync(target, { mode: 0o755 });
    for (const [name, text] of Object.entries(files))
      writeFileSync(join(target, name), text, { mode: 0o440 });
    const data = join(this.dir, '..data');
    let old: string | undefined;
    try {
      old = readlinkSync(data);
    } catch {
      // the first write
    }
    const tmp = join(this.dir, '..data_tmp');
    symlinkSync(stamp, tmp);
    renameSync(tmp, data);
    if (old === undefined) {
      for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(this.dir, name));
    } else {
      rmSync(join(this.dir, old), { recursive: true, force: true });
    }
  }
}
