// The serving certificate, reloaded from disk without a restart. Kubernetes updates a mounted
// Secret by swapping a symlink (..data), cert-manager and `ais-guard certs` rename files in place:
// watch the directory, poll as a fallback, and swap the TLS context only for a matching pair.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecureContextOptions } from 'node:tls';

export interface ServingPair {
  cert: string;
  key: string;
  notAfter: Date;
  fingerprint: string;
}

export const TLS_OPTIONS = { minVersion: 'TLSv1.2' } as const satisfies SecureContextOptions;

/** Reads and checks a cert/key pair; throws with the reason when they are unusable or do not match. */
export async function readPair(certFile: string, keyFile: string): Promise<ServingPair> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key)))
    throw new Error(`${keyFile} is not the key of ${certFile}`);
  return { cert, key, notAfter: new Date(x509.validTo), fingerprint: x509.fingerprint256 };
}

export interface WatchOptions {
  certFile: string;
  keyFile: string;
  current: ServingPair;
  onChange: (pair: ServingPair) => void;
  onError: (err: Error) => void;
  pollMs?: number;
}

/** Calls onChange with each new valid pair; returns a stop function. */
export function watchPair(opts: WatchOptions): () => void {
  let current = opts.current;
  let checking = false;
  let again = false;
  const check = async () => {
    if (checking) {
      again = true; // a swap landed while reading: read once more when done
      return;
    }
    checking = true;
    try {
      const pair = await readPair(opts.certFile, opts.keyFile);
      if (pair.fingerprint !== current.fingerprint || pair.key !== current.key) {
        current = pair;
        opts.onChange(pair);
      }
    } catch (err) {
      // Mid-rotation (the key renamed before the cert) looks like a mismatch: the next event or poll retries.
      opts.onError(err as Error);
    } finally {
      checking = false;
      if (again) {
        again = false;
        void check();
      }
    }
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(opts.certFile), dirname(opts.keyFile)])) {
    try {
      const w = watch(dir, () => void check());
      w.on('error', () => undefined); // the poll below still covers this directory
      watchers.push(w);
    } catch {
      // Some filesystems cannot be watched: polling alone then.
    }
  }
  const timer = setInterval(() => void check(), opts.pollMs ?? 10_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const w of watchers) w.close();
  };
}
