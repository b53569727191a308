// The serving certificate, reloaded from disk without a restart. Kubernetes updates a mounted
// Secret by swapping a symlink (..data), cert-manager and `ais-guard certs` rename files in place:
// watch the directory, poll as a fallback, and swap the TLS context only for a matching pair.
//
// When the files cannot be read (the volume unmounted, the directory removed, a pair that does not
// match, a certificate expired or not yet valid) the last good pair keeps being served; the watcher reports the change of state once, then
// retries with a capped, jittered backoff instead of on every event, and reports the recovery once.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecureContextOptions } from 'node:tls';

export interface ServingPair {
  cert: string;
  key: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint: string;
}

/**
 * TLS 1.3 (negotiated first whenever the client has it), or TLS 1.2 with forward secrecy and AEAD
 * only: Mozilla's "intermediate" suites. OpenSSL's default list also offers static-RSA and CBC-SHA1
 * suites on TLS 1.2; the apiserver's Go client needs none of them.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export const TLS_OPTIONS = {
  minVersion: 'TLSv1.2',
  ciphers: TLS_CIPHERS,
} as const satisfies SecureContextOptions;

/** Files that were read but cannot be served: the message names the file (OpenSSL's does not). */
export class CertificateFileError extends Error {}

const firstLine = (err: unknown) => (err as Error).message.split('\n')[0];

/** Reads and checks a cert/key pair; throws with the reason when they are unusable or do not match. */
export async function readPair(certFile: string, keyFile: string): Promise<ServingPair> {
  // One after the other: when both are missing, the error names the certificate, always.
  const cert = await readFile(certFile, 'utf8');
  const key = await readFile(keyFile, 'utf8');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateFileError(`${certFile} is not a PEM certificate (${firstLine(err)})`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new CertificateFileError(`${keyFile} is not an unencrypted PEM private key (${firstLine(err)})`);
  }
  if (!x509.checkPrivateKey(privateKey))
    throw new CertificateFileError(`${keyFile} is not the key of ${certFile}`);
  return {
    cert,
    key,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    fingerprint: x509.fingerprint256,
  };
}

export interface RetryPolicy {
  /** First retry after a failed read; doubles on each further failure... */
  firstMs: number;
  /** ...up to this. */
  maxMs: number;
  /** While failing, file events bring the next read forward, but never closer than this to the last. */
  minGapMs: number;
}

export const RELOAD_RETRY: Readonly<RetryPolicy> = { firstMs: 200, maxMs: 60_000, minGapMs: 1_000 };

export interface WatchOptions {
  certFile: string;
  keyFile: string;
  current: ServingPair;
  onChange: (pair: ServingPair) => void;
  /** Each read of the files, for the reloads counter: ok (changed or not) or not. */
  onAttempt?: (ok: boolean) => void;
  /** Once when reads start failing (the last good pair is still served). */
  onFailing: (err: Error) => void;
  /** Once when a read works again after failing. */
  onRecovered: () => void;
  pollMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** Calls onChange with each new valid pair; returns a stop function. */
export function watchPair(opts: WatchOptions): () => void {
  const retry = { ...RELOAD_RETRY, ...opts.retry };
  let current = opts.current;
  let checking = false;
  let again = false;
  let stopped = false;
  let failures = 0; // consecutive failed reads; 0 = healthy
  let lastAttempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryAt = 0;
  let watchers: FSWatcher[] = [];

  const schedule = (at: number) => {
    if (stopped || (retryTimer && retryAt <= at)) return;
    clearTimeout(retryTimer);
    retryAt = at;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        void check();
      },
      Math.max(0, at - Date.now()),
    );
    retryTimer.unref();
  };

  const check = async (): Promise<void> => {
    if (stopped) return;
    if (checking) {
      again = true; // a swap landed while reading: read once more when done
      return;
    }
    checking = true;
    lastAttempt = Date.now();
    try {
      const pair = await readPair(opts.certFile, opts.keyFile);
      const changed = pair.fingerprint !== current.fingerprint || pair.key !== current.key;
      // A stale Secret re-applied (GitOps self-heal, a restore) or a pair issued ahead of time:
      // the apiserver refuses it (crypto/x509 Certificate.Verify, CertificateInvalidError
      // Expired), so swapping it in would only trade a working pair for a refused one on every
      // replica at once. Refused like a mismatched pair; the retries pick it up once it is valid.
      const now = Date.now();
      if (changed && (now < pair.notBefore.getTime() || now >= pair.notAfter.getTime()))
        throw new Error(
          `${opts.certFile} is not valid now (valid from ${pair.notBefore.toISOString()} to ${pair.notAfter.toISOString()})`,
        );
      opts.onAttempt?.(true);
      if (failures > 0) {
        failures = 0;
        // A removed directory took its inotify watch with it: watch the one there now.
        rewatch();
        opts.onRecovered();
      }
      if (changed) {
        current = pair;
        opts.onChange(pair);
      }
    } catch (err) {
      opts.onAttempt?.(false);
      // Mid-rotation (the key renamed before the cert) looks like a mismatch, and the next
      // attempt sees the whole pair; a directory that is gone stays gone for a while.
      if (failures++ === 0) opts.onFailing(err as Error);
      const backoff = Math.min(retry.maxMs, retry.firstMs * 2 ** (failures - 1));
      schedule(Date.now() + backoff * (0.8 + 0.4 * Math.random()));
    } finally {
      checking = false;
      if (again) {
        again = false;
        onEvent();
      }
    }
  };

  // A file event: read now when healthy or after a single failure (the second rename of a
  // rotation follows the first at once); when failing longer, at most once per minGapMs.
  function onEvent(): void {
    if (failures <= 1) void check();
    else schedule(Math.max(Date.now(), lastAttempt + retry.minGapMs));
  }

  function rewatch(): void {
    for (const w of watchers) w.close();
    watchers = [];
    for (const dir of new Set([dirname(opts.certFile), dirname(opts.keyFile)])) {
      try {
        const w = watch(dir, onEvent);
        w.on('error', () => undefined); // the poll and the retries still cover this directory
        watchers.push(w);
      } catch {
        // Some filesystems cannot be watched (or the directory is not there yet): polling alone then.
      }
    }
  }

  rewatch();
  // The poll is the fallback for a healthy watcher; while failing, the retry timer takes over.
  const timer = setInterval(() => failures === 0 && void check(), opts.pollMs ?? 10_000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(retryTimer);
    for (const w of watchers) w.close();
  };
}
