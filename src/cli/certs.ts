// `ais-guard certs`: create or renew the webhook's private CA and serving certificate on disk,
// for installs without cert-manager and for running the guard outside the cluster.
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { NAMESPACE_NAME, SERVICE_NAME, SERVICE_NAME_RULE } from '../k8s/names.js';
import { parseCert, subjectAltNames } from '../tls/inspect.js';
import {
  CAReplaceRefusedError,
  DEFAULT_CA_DAYS,
  DEFAULT_RENEW_BEFORE_DAYS,
  DEFAULT_SERVING_DAYS,
  defaultRenewBeforeDays,
  ensureCerts,
  LockTimeoutError,
  MAX_VALIDITY_DAYS,
  serviceDnsNames,
} from '../tls/index.js';
import { UsageError, wholeNumber, type Io, type ParseArgsOptionsConfig } from './usage.js';

export const CERTS_HELP = `Usage: ais-guard certs [options]

Creates or renews the webhook's CA and serving certificate: DIR/ca.crt, ca.key, tls.crt, tls.key.
Safe to re-run: the CA is kept (so the caBundle stays valid) and tls.crt is reissued only when it
is missing, not valid yet, expires within the renewal window, or does not cover the requested
names.
The last line printed is the caBundle (base64 of ca.crt) for the webhook configurations.

Options:
      --dir DIR             where the files live (default: certs)
      --service NAME        the webhook Service (default: ais-guard)
      --namespace NS        its namespace (default: ais-guard)
      --dns NAME            one more DNS name for the certificate (repeatable)
      --ip ADDR             an IP address for the certificate, e.g. 127.0.0.1 for a guard
                            run outside the cluster (repeatable)
      --days N              serving certificate validity in days (default: ${DEFAULT_SERVING_DAYS})
      --ca-days N           validity of a new CA in days (default: ${DEFAULT_CA_DAYS})
      --renew-before DUR    reissue when the serving cert expires within DUR, e.g. 30d or 720h;
                            less than --days (default: ${DEFAULT_RENEW_BEFORE_DAYS}d, or a third of the lifetime
                            when that is shorter, as cert-manager's default)
      --force               new CA and serving certificate; every caBundle must be updated after
  -h, --help                this help

Concurrent runs on one directory take turns (a lock file, DIR/.ais-guard.lock).

Exit codes: 0 done, 1 refused (the CA on disk cannot be used and --force was not given, or
another run held the directory for over a minute), 2 usage errors.`;

/** What `--dns` takes (also what render's advice may pass back to it). */
export const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;
const DAY_MS = 86_400_000;
const UNIT_DAYS: Record<string, number> = { d: 1, h: 1 / 24, m: 1 / 1440 };

/** "30d", "720h", "90m" in days. Units are required: a bare "30" is ambiguous. */
export function parseDurationDays(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([dhm])$/.exec(text.trim());
  if (!m) throw new UsageError(`--renew-before takes a duration like 30d or 720h, got "${text}"`);
  return Number(m[1]) * UNIT_DAYS[m[2]!]!;
}

function positiveDays(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = wholeNumber(text);
  if (days === undefined || days === 0 || days > MAX_VALIDITY_DAYS)
    throw new UsageError(`${flag} takes a whole number of days from 1 to ${MAX_VALIDITY_DAYS}`);
  return days;
}

/** The options as parseArgs reads them; `completion` offers the same flags. */
export const FLAGS = {
  dir: { type: 'string', default: 'certs' },
  service: { type: 'string', default: 'ais-guard' },
  namespace: { type: 'string', default: 'ais-guard' },
  dns: { type: 'string', multiple: true, default: [] },
  ip: { type: 'string', multiple: true, default: [] },
  days: { type: 'string' },
  'ca-days': { type: 'string' },
  'renew-before': { type: 'string' },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

/**
 * An --ip value as the certificate carries it, checked before anything is written. isIP takes two
 * IPv6 forms node-forge cannot encode: a zone id (fe80::1%eth0), which forge writes as a 17-byte
 * iPAddress SAN that Go's crypto/x509 parseSANExtension refuses ("cannot parse IP address of length
 * 17") -- and a zone means nothing outside the host anyway -- and an embedded dotted IPv4
 * (::ffff:10.0.0.1), on which forge throws. The latter is written in hex, the address Go's
 * net.ParseIP reads from either form.
 */
function certificateIp(ip: string): string {
  if (!isIP(ip)) throw new UsageError(`--ip "${ip}" is not an IP address`);
  if (ip.includes('%'))
    throw new UsageError(
      `--ip "${ip}": a zone id (%...) has no place in a certificate; give the address alone`,
    );
  if (isIP(ip) === 6 && ip.includes('.')) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return ip;
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: FLAGS,
  });
  if (!SERVICE_NAME.test(values.service))
    throw new UsageError(`--service "${values.service}" is not a valid Service name: ${SERVICE_NAME_RULE}`);
  if (!NAMESPACE_NAME.test(values.namespace))
    throw new UsageError(`--namespace "${values.namespace}" is not a valid Kubernetes name`);
  for (const name of values.dns) {
    // HOSTNAME takes 10.0.0.5 (labels of digits are valid), but a client dialling an IP matches it
    // against the IP SANs only (Go's VerifyHostname, the apiserver's): as a DNS SAN it never matches.
    if (isIP(name)) throw new UsageError(`--dns "${name}" is an IP address: give it as --ip ${name}`);
    if (!HOSTNAME.test(name)) throw new UsageError(`--dns "${name}" is not a DNS name`);
  }
  const days = positiveDays('--days', values.days);
  const renewBefore = values['renew-before'];
  const renewBeforeDays = renewBefore === undefined ? undefined : parseDurationDays(renewBefore);
  if (renewBeforeDays === 0)
    throw new UsageError(
      `--renew-before ${renewBefore} would reissue the certificate only after it has expired, every webhook call failing until the next run: give a window, e.g. 30d`,
    );
  // A window as long as the lifetime makes every certificate due the moment it is issued: each run
  // would reissue it. cert-manager's webhook refuses the same ("certificate duration must be greater
  // than renewBefore"); left out, the window is a third of a short lifetime (defaultRenewBeforeDays).
  if (renewBeforeDays !== undefined && renewBeforeDays >= (days ?? DEFAULT_SERVING_DAYS))
    throw new UsageError(
      `--renew-before ${renewBefore} is not shorter than the certificate's lifetime, ` +
        `${days === undefined ? `--days ${DEFAULT_SERVING_DAYS} (the default)` : `--days ${days}`}: ` +
        'it would be reissued on every run; give a shorter --renew-before, or leave it out ' +
        `(${DEFAULT_RENEW_BEFORE_DAYS}d, or a third of a shorter lifetime)`,
    );
  return {
    ...values,
    ip: values.ip.map(certificateIp),
    days,
    caDays: positiveDays('--ca-days', values['ca-days']),
    renewBeforeDays,
  };
}

const isSystemError = (err: unknown): err is NodeJS.ErrnoException =>
  typeof (err as NodeJS.ErrnoException).syscall === 'string';

/**
 * A file system error in DIR as the user's to fix: one line naming the path (Node's message does,
 * "EACCES: permission denied, open 'DIR/ca.key'"). mkdir -p of a --dir that is a file, or lies
 * under one, says EEXIST or ENOTDIR: that --dir is not a directory is what the user must read.
 */
function dirError(dir: string, err: NodeJS.ErrnoException): UsageError {
  if (err.syscall === 'mkdir' && (err.code === 'EEXIST' || err.code === 'ENOTDIR'))
    return new UsageError(
      `--dir ${dir} is not a directory${err.code === 'ENOTDIR' ? ' (a file is on its path)' : ''}: give the directory for ca.crt, ca.key, tls.crt and tls.key`,
    );
  return new UsageError(`cannot keep the certificates in ${dir}: ${err.message.split('\n')[0]}`);
}

export async function runCerts(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(CERTS_HELP + '\n');
    return 0;
  }
  const dnsNames = [...new Set([...serviceDnsNames(opts.service, opts.namespace), ...opts.dns])];
  let result;
  let sans;
  try {
    result = await ensureCerts(opts.dir, {
      dnsNames,
      ipAddresses: opts.ip,
      validityDays: opts.days,
      renewBeforeDays: opts.renewBeforeDays,
      force: opts.force,
      ca: { validityDays: opts.caDays },
    });
    sans = subjectAltNames(parseCert(await readFile(result.paths.cert, 'utf8')));
  } catch (err) {
    if (isSystemError(err)) throw dirError(opts.dir, err);
    if (!(err instanceof CAReplaceRefusedError || err instanceof LockTimeoutError)) throw err;
    io.stderr.write(`ais-guard certs: ${err.message}\n`);
    return 1;
  }
  const { paths } = result;
  // A kept key keeps its mode: one copied in under umask 022 is readable by everyone. Said, not
  // changed: the mode (a group that shares the directory, say) is the operator's to set.
  const modes = await Promise.all(
    [paths.caKey, paths.key].map(async (path) => ({ path, mode: (await stat(path)).mode & 0o777 })),
  );
  const octal = (mode: number) => mode.toString(8).padStart(4, '0');
  const keys = modes.every(({ mode }) => mode === 0o600)
    ? `${paths.caKey}, ${paths.key} (mode 0600)`
    : modes.map(({ path, mode }) => `${path} (mode ${octal(mode)})`).join(', ');
  for (const { path, mode } of modes)
    if (mode & 0o044)
      io.stderr.write(
        `ais-guard certs: warning: ${path} is readable by others than its owner (mode ${octal(mode)}): chmod 600 ${path}\n`,
      );
  // tls.crt ends with its CA at the latest, and a CA still valid is kept: near the CA's end each run
  // said "kept" until both expired together. Only a new CA, and a new caBundle everywhere, helps.
  const windowDays = opts.renewBeforeDays ?? defaultRenewBeforeDays(opts.days ?? DEFAULT_SERVING_DAYS);
  if (result.caNotAfter.getTime() - Date.now() <= windowDays * DAY_MS)
    io.stderr.write(
      `ais-guard certs: warning: the CA ${paths.caCert} ends on ${result.caNotAfter.toISOString()}, within the renewal window, ` +
        `and ${paths.cert} cannot outlive it: before then, make a new CA with --force and update every caBundle ` +
        '(docs/deploy.md "Renewing")\n',
    );
  // Kept all the same: the caBundle may trust it, and clients whose clock agrees with its maker's
  // accept it. Those whose clock agrees with this one refuse every call until then.
  if (result.caNotBefore.getTime() > Date.now())
    io.stderr.write(
      `ais-guard certs: warning: the CA ${paths.caCert} is not valid until ${result.caNotBefore.toISOString()} by this machine's clock: ` +
        'a client whose clock agrees refuses every webhook call until then. Check the clocks; if this one is right, ' +
        'make a new CA with --force and update every caBundle\n',
    );
  io.stdout.write(
    [
      `CA       ${paths.caCert}: ${result.caReason}; valid until ${result.caNotAfter.toISOString()}`,
      `serving  ${paths.cert}: ${result.servingReason}; valid until ${result.notAfter.toISOString()}`,
      `         names: ${sans}`,
      `keys     ${keys}`,
      `caBundle (base64 of ${paths.caCert}):`,
      result.caBundle,
    ].join('\n') + '\n',
  );
  return 0;
}
