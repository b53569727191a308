// Create-or-renew for the cert directory (ca.crt, ca.key, tls.crt, tls.key), shared by
// `ais-guard certs` and `serve --cert-dir`. The CA outlives serving certificates on purpose:
// renewing tls.crt under the same CA leaves the caBundle in the webhook configurations valid.
import type { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { CAReplaceRefusedError } from './errors.js';
import { makeDirs } from './make-dirs.js';
import { withDirLock } from './lock.js';
import {
  canonicalIp,
  coversNames,
  keyMatches,
  notAfter,
  notBefore,
  parseCert,
  sanNames,
  signedBy,
  signingKeyProblem,
} from './inspect.js';
import {
  checkServingOptions,
  issueCA,
  issueServing,
  type CAOptions,
  type Pem,
  type ServingCertOptions,
} from './issue.js';
import { rsaKeyPair } from './keys.js';

export interface CertPaths {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

export interface EnsureOptions extends ServingCertOptions {
  renewBeforeDays?: number;
  force?: boolean;
  /** For a new CA only; an existing CA keeps its own. */
  ca?: CAOptions;
  /**
   * Carry the names of the serving certificate on disk into a reissue. For `serve --cert-dir`,
   * which knows only its own names: the directory may hold what `ais-guard certs --ip/--dns` issued
   * for the address the apiserver dials, and a reissue without it fails every call's TLS check.
   */
  keepNames?: boolean;
}

export interface EnsureResult {
  paths: CertPaths;
  createdCA: boolean;
  issued: boolean;
  /** base64 of the CA PEM: the value of clientConfig.caBundle. */
  caBundle: string;
  /** End of the serving certificate. */
  notAfter: Date;
  caNotAfter: Date;
  /** Start of the CA: after now when a clock ahead of this one made it. */
  caNotBefore: Date;
  /** Why the CA was created or kept, and the serving cert issued or kept: for humans. */
  caReason: string;
  servingReason: string;
}

export { CAReplaceRefusedError };

export const DEFAULT_RENEW_BEFORE_DAYS = 30;

/**
 * The renewal window when none is given: 30 days, or a third of the certificate's lifetime when
 * that is shorter. cert-manager's default is the same third (renewal 2/3 through the lifetime,
 * pkg/util/pki/renewaltime.go desiredRenewalTime). A fixed 30 days would make a certificate that
 * lives 30 days or less due the moment it is issued, and reissued on every run.
 */
export const defaultRenewBeforeDays = (lifetimeDays: number): number =>
  Math.min(DEFAULT_RENEW_BEFORE_DAYS, lifetimeDays / 3);
const DAY_MS = 86_400_000;
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

export function certPaths(dir: string): CertPaths {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'tls.crt'),
    key: join(dir, 'tls.key'),
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return undefined;
    // Node names no path when the read itself fails ("EISDIR: illegal operation on a directory,
    // read"): add it, as its open errors do.
    if (e.path === undefined) e.message += ` '${path}'`;
    throw err;
  }
}

type LoadedCA =
  | { state: 'missing' }
  | { state: 'expired'; notAfter: Date }
  | { state: 'unusable'; why: string }
  | { state: 'usable'; pem: Pem; x509: X509Certificate };

async function loadCA(paths: CertPaths, now: number): Promise<LoadedCA> {
  const [cert, key] = await Promise.all([readIfExists(paths.caCert), readIfExists(paths.caKey)]);
  if (cert === undefined && key === undefined) return { state: 'missing' };
  if (cert === undefined)
    return { state: 'unusable', why: `${paths.caKey} exists but ${paths.caCert} does not` };
  if (key === undefined)
    return { state: 'unusable', why: `${paths.caCert} exists but its key ${paths.caKey} does not` };
  let x509: X509Certificate;
  try {
    x509 = parseCert(cert);
  } catch (err) {
    return {
      state: 'unusable',
      why: `${paths.caCert} is not a readable certificate (${(err as Error).message})`,
    };
  }
  if (!x509.ca) return { state: 'unusable', why: `${paths.caCert} is not a CA certificate` };
  const keyProblem = signingKeyProblem(paths.caKey, key);
  if (keyProblem !== undefined) return { state: 'unusable', why: keyProblem };
  if (!keyMatches(x509, key))
    return { state: 'unusable', why: `${paths.caKey} does not belong to ${paths.caCert}` };
  // An expired CA already broke every webhook call that trusts it: replacing it loses nothing.
  if (notAfter(x509).getTime() <= now) return { state: 'expired', notAfter: notAfter(x509) };
  return { state: 'usable', pem: { cert, key }, x509 };
}

/** Why the serving cert on disk must be replaced, or undefined when it is still good. */
async function servingProblem(
  paths: CertPaths,
  ca: X509Certificate,
  opts: EnsureOptions,
  now: number,
): Promise<string | undefined> {
  const [cert, key] = await Promise.all([readIfExists(paths.cert), readIfExists(paths.key)]);
  if (cert === undefined || key === undefined) return 'no serving certificate yet';
  let x509: X509Certificate;
  try {
    x509 = parseCert(cert);
  } catch {
    return `${paths.cert} is not a readable certificate`;
  }
  if (!keyMatches(x509, key)) return `${paths.key} does not belong to ${paths.cert}`;
  if (!signedBy(x509, ca)) return `${paths.cert} was not issued by ${paths.caCert}`;
  if (!coversNames(x509, opts.dnsNames, opts.ipAddresses)) {
    const missing = [
      ...opts.dnsNames.filter((name) => !coversNames(x509, [name], [])),
      ...opts.ipAddresses.filter((ip) => !coversNames(x509, [], [ip])),
    ];
    return `its names do not cover ${missing.join(', ')}`;
  }
  // Issued by a clock ahead of this one: every client refuses it until then (Go's crypto/x509 says
  // "not yet valid"), and keeping it would leave the webhook down for as long.
  const start = notBefore(x509).getTime();
  if (start > now) return `it is not valid until ${new Date(start).toISOString()}`;
  const end = notAfter(x509).getTime();
  const lifetimeDays = (end - start) / DAY_MS;
  const renewBefore = (opts.renewBeforeDays ?? defaultRenewBeforeDays(lifetimeDays)) * DAY_MS;
  // Capped at the CA's own end: reissuing then would buy nothing, only churn on every call.
  if (end - now <= renewBefore && end < notAfter(ca).getTime())
    return `it expires on ${new Date(end).toISOString()}, within the renewal window`;
  return undefined;
}

/**
 * Creates what is missing and renews what must be, holding the directory's lock: concurrent runs
 * (two `certs`, or `certs` next to `serve --cert-dir`) take turns, and each sees a complete set.
 */
export async function ensureCerts(dir: string, opts: EnsureOptions): Promise<EnsureResult> {
  checkServingOptions(opts);
  await makeDirs(dir, 0o700);
  return withDirLock(dir, () => ensureLocked(dir, opts));
}

/** The requested names plus those of the serving certificate on disk, each once. */
async function withNamesOnDisk(paths: CertPaths, opts: EnsureOptions): Promise<EnsureOptions> {
  const pem = await readIfExists(paths.cert);
  let onDisk;
  try {
    onDisk = pem === undefined ? undefined : sanNames(parseCert(pem));
  } catch {
    return opts; // unreadable: servingProblem says so, and there are no names to keep
  }
  if (!onDisk) return opts;
  const ips = new Set(opts.ipAddresses.map(canonicalIp));
  const dns = new Set(opts.dnsNames.map((name) => name.toLowerCase()));
  return {
    ...opts,
    dnsNames: [...opts.dnsNames, ...onDisk.dnsNames.filter((name) => !dns.has(name.toLowerCase()))],
    ipAddresses: [...opts.ipAddresses, ...onDisk.ipAddresses.filter((ip) => !ips.has(ip))],
  };
}

async function ensureLocked(dir: string, requested: EnsureOptions): Promise<EnsureResult> {
  const paths = certPaths(dir);
  const now = Date.now();
  const opts = requested.keepNames ? await withNamesOnDisk(paths, requested) : requested;

  const loaded = await loadCA(paths, now);
  if (loaded.state === 'unusable' && !opts.force)
    throw new CAReplaceRefusedError(
      `${loaded.why}. Refusing to replace the CA: the webhook configurations' caBundle may still trust it. ` +
        'Repair the files, or force a new CA with `ais-guard certs --force` (then update every caBundle).',
    );

  let ca: Pem;
  let caX509: X509Certificate;
  let caReason: string;
  const createdCA = opts.force === true || loaded.state !== 'usable';
  if (!createdCA && loaded.state === 'usable') {
    ca = loaded.pem;
    caX509 = loaded.x509;
    caReason = 'kept';
  } else {
    ca = issueCA(await rsaKeyPair(), opts.ca);
    caX509 = parseCert(ca.cert);
    caReason =
      loaded.state === 'missing'
        ? 'created (none yet)'
        : loaded.state === 'expired'
          ? `created (the old one expired on ${loaded.notAfter.toISOString()})`
          : 'created (forced)';
    // Key before cert: whoever sees the new ca.crt can also find its key.
    await writeFileAtomic(paths.caKey, ca.key, KEY_MODE);
    await writeFileAtomic(paths.caCert, ca.cert, CERT_MODE);
  }

  const problem = createdCA ? 'new CA' : await servingProblem(paths, caX509, opts, now);
  let servingEnd: Date;
  if (problem !== undefined) {
    const serving = issueServing(ca, await rsaKeyPair(), opts);
    // Two renames cannot be one atomic step: a watcher may see the new key with the old cert for
    // an instant. It must check that the pair matches (and retry) before it swaps its TLS context.
    await writeFileAtomic(paths.key, serving.key, KEY_MODE);
    await writeFileAtomic(paths.cert, serving.cert, CERT_MODE);
    servingEnd = notAfter(parseCert(serving.cert));
  } else {
    servingEnd = notAfter(parseCert(await readFile(paths.cert, 'utf8')));
  }

  return {
    paths,
    createdCA,
    issued: problem !== undefined,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    notAfter: servingEnd,
    caNotAfter: notAfter(caX509),
    caNotBefore: notBefore(caX509),
    caReason,
    servingReason: problem === undefined ? 'kept' : `issued (${problem})`,
  };
}
