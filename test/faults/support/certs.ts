// Serving certificates from one CA, and a directory updated the way the kubelet updates a mounted
// Secret (its AtomicWriter): the files live in a timestamped directory, `..data` points at it, and
// each key is a symlink through `..data`. An update writes a new timestamped directory, points a
// new symlink `..data_tmp` at it, renames that over `..data` (the one atomic step), and then
// removes the old directory.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
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

/** A self-signed serving pair for 127.0.0.1 valid from `notBefore` to `notAfter` (past ones included). */
export function pairValid(notBefore: Date, notAfter: Date): Pem & { fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  return { cert: pem, key: keyPem, fingerprint: new X509Certificate(pem).fingerprint256 };
}
