// What `render` checks of a certificate it is given (--ca-bundle, --cert-dir) before it writes it
// into every webhook: a caBundle or serving pair the apiserver cannot use makes each call to the
// guard fail its TLS handshake, and the Fail entries then refuse every AIStore CR, operator
// StatefulSet and pre-bound target PV. Refused as a usage error, as a wrong name always was; a
// certificate near its end is said on stderr.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { defaultRenewBeforeDays } from '../tls/index.js';
import { chainTo, parsePemChain } from '../tls/chain.js';
import { HOSTNAME } from './certs.js';
import { UsageError } from './usage.js';

const DAY_MS = 86_400_000;

/** A certificate's date (validFrom, validTo) as ISO 8601. */
const iso = (date: string) => new Date(date).toISOString();
const endOf = (cert: X509Certificate) => new Date(cert.validTo).getTime();
const latest = (certs: X509Certificate[]) => certs.reduce((a, b) => (endOf(b) > endOf(a) ? b : a));

/**
 * A notice when `cert` is within its renewal window, as `ais-guard certs` reckons it (30 days, or a
 * third of a shorter lifetime); undefined before that.
 */
function endingSoon(cert: X509Certificate, what: string, now: number, remedy: string): string | undefined {
  const end = endOf(cert);
  const lifetimeDays = (end - new Date(cert.validFrom).getTime()) / DAY_MS;
  if (end - now > defaultRenewBeforeDays(lifetimeDays) * DAY_MS) return undefined;
  return `ais-guard: ${what} expires on ${iso(cert.validTo)}: from then on the apiserver refuses every call to the guard; ${remedy}`;
}

/**
 * The CA certificates of a base64 PEM bundle, checked: `cas` are those in date, which the apiserver
 * can verify the guard's certificate with. `from` names the bundle in errors, `dir` the folder
 * `ais-guard certs` would renew it in, when it came from one.
 */
export function checkCaBundle(
  base64: string,
  from: string,
  now: number,
  dir = 'DIR',
): { caBundle: string; cas: X509Certificate[]; notice?: string } {
  // An empty value is what `$(ais-guard certs ... | tail -n1)` gives when certs failed.
  if (base64 === '') throw new UsageError(`${from} is empty (did the command that printed it fail?)`);
  let cas: X509Certificate[];
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('not base64');
    cas = parsePemChain(Buffer.from(base64, 'base64').toString('utf8'));
    if (!cas.every((cert) => cert.ca)) throw new Error('not a CA certificate');
  } catch (err) {
    throw new UsageError(`${from} is not a base64 PEM CA certificate (${(err as Error).message})`, {
      cause: err,
    });
  }
  // A bundle may hold an old CA beside its successor (a rotation): one in date is enough.
  const current = cas.filter((cert) => endOf(cert) > now);
  if (current.length === 0)
    throw new UsageError(
      `${from} expired on ${iso(latest(cas).validTo)}: the apiserver would refuse every call to the guard; make a new CA (ais-guard certs --dir ${dir} replaces an expired one) and render again`,
    );
  const notice = endingSoon(latest(current), from, now, 'make a new CA before then and render again');
  return { caBundle: base64, cas: current, notice };
}

/**
 * The serving certificate beside ca.crt (as `ais-guard certs` writes it, or cert-manager with its
 * intermediates after it), which the guard will serve: verified by one of `cas` through those
 * intermediates as the apiserver's client verifies it (tls/chain.ts chainTo), every certificate on
 * that path in date, and naming the host the apiserver calls. A notice when it is near its end or
 * not valid yet.
 */
export async function checkServingPair(
  dir: string,
  cas: X509Certificate[],
  { name, namespace, url }: { name: string; namespace: string; url: string | undefined },
  now: number,
): Promise<string | undefined> {
  const file = join(dir, 'tls.crt');
  const pem = await readFile(file, 'utf8').catch(() => undefined);
  if (pem === undefined) return; // a CA bundle alone: the serving pair lives elsewhere
  // A URL writes an IPv6 address in brackets (https://[::1]:8443), and URL.hostname keeps them.
  const host = url ? new URL(url).hostname.replace(/^\[(.*)\]$/, '$1') : `${name}.${namespace}.svc`;
  let chain: X509Certificate[];
  try {
    chain = parsePemChain(pem);
  } catch (err) {
    throw new UsageError(`${file} is not a certificate: ${(err as Error).message}`, { cause: err });
  }
  const cert = chain[0]!;
  const path = cas.map((ca) => chainTo(chain, ca)).find((found) => found !== undefined);
  if (!path)
    throw new UsageError(
      `${file} was not issued by a CA in date in ${join(dir, 'ca.crt')}: the apiserver would not trust the guard's certificate; keep the files of one "ais-guard certs --dir" together (with ca.key beside them, ais-guard certs --dir ${dir} issues a new pair under that CA)`,
    );
  const expired = [cert, ...path].find((c) => endOf(c) <= now);
  if (expired)
    throw new UsageError(
      `${file}${expired === cert ? '' : ` (its issuer ${expired.subject.replace(/\n/g, ', ')})`} expired on ${iso(expired.validTo)}: the apiserver would refuse every call to the guard; renew it (ais-guard certs --dir ${dir}, the CA is kept)`,
    );
  const covered = isIP(host)
    ? cert.checkIP(host) !== undefined
    : sanEntries(cert.subjectAltName).some((e) => e.type === 'DNS' && goMatchesHost(e.value, host));
  if (!covered) {
    const asked = url
      ? [isIP(host) ? `--ip ${host}` : `--dns ${host.replace(/\.$/, '')}`] // certs takes no trailing dot
      : [`--service ${name} --namespace ${namespace}`];
    const kept = keptNameFlags(cert.subjectAltName, host);
    throw new UsageError(
      `${file} is not for ${host} (${cert.subjectAltName ?? 'no names'}): the apiserver would refuse every call to the guard; make the pair for it (the CA is kept), e.g. ais-guard certs --dir ${dir} ${[...asked, ...kept].join(' ')}`,
    );
  }
  if (new Date(cert.validFrom).getTime() > now)
    return `ais-guard: ${file} is not valid until ${iso(cert.validFrom)}: the apiserver refuses the guard's certificate before then (is this machine's clock, or the issuer's, off?)`;
  return endingSoon(
    cert,
    file,
    now,
    `renew it before then (ais-guard certs --dir ${dir}) and update the guard's Secret`,
  );
}

/** The SANs as OpenSSL prints them ("DNS:a, IP Address:127.0.0.1"), entry by entry. */
function sanEntries(subjectAltName: string | undefined): { type: string; value: string }[] {
  return (subjectAltName ?? '').split(', ').map((entry) => {
    const colon = entry.indexOf(':');
    return { type: entry.slice(0, colon), value: entry.slice(colon + 1) };
  });
}

/**
 * Whether a DNS SAN names `host` as the apiserver's TLS client checks it (Go crypto/x509 verify.go
 * VerifyHostname): a valid pattern (validHostname: no empty label, so no trailing dot; not a bare
 * "*"; "*" only as the whole leftmost label) matches case-blind label by label against the host
 * without its trailing dot, "*" standing for exactly one label (*.internal names guard.internal);
 * any other SAN only when it equals the host (matchExactly). OpenSSL's checkHost, which render used,
 * refuses one-label wildcards that Go accepts.
 */
export function goMatchesHost(san: string, host: string): boolean {
  const labels = san.split('.');
  const valid = san !== '*' && labels.every((l, i) => (i === 0 && l === '*') || /^[a-z0-9_:-]+$/i.test(l));
  if (!valid) return host !== '' && host !== '.' && san.toLowerCase() === host.toLowerCase();
  const got = host.toLowerCase().replace(/\.$/, '').split('.');
  return (
    labels.length === got.length &&
    labels.every((l, i) => (i === 0 && l === '*') || l.toLowerCase() === got[i])
  );
}

/**
 * The names tls.crt holds besides its Service's, as `certs` flags: `certs` issues exactly the names
 * it is asked for, so advice without them would drop a --dns or --ip the pair was made with. The
 * Service's own names (<svc>, <svc>.<ns>, <svc>.<ns>.svc[.cluster.local]) come from --service and
 * --namespace and are left out: the advice names the Service it wants.
 */
export function keptNameFlags(subjectAltName: string | undefined, host: string): string[] {
  const names = sanEntries(subjectAltName);
  const dns = new Set(names.filter((n) => n.type === 'DNS').map((n) => n.value));
  const services = [...dns].filter((d) => d.endsWith('.svc')).map((d) => d.slice(0, -'.svc'.length));
  const serviceName = (d: string) =>
    services.some(
      (s) => d === s || d === s.split('.')[0] || d === `${s}.svc` || d === `${s}.svc.cluster.local`,
    );
  const flags: string[] = [];
  for (const { type, value } of names) {
    if (value === host) continue;
    // An address written as a DNS name (certs took --dns 10.0.0.5 once) was meant as the address:
    // `certs` now refuses it as --dns, and only an IP SAN is matched against an IP.
    if ((type === 'IP Address' || type === 'DNS') && isIP(value)) flags.push(`--ip ${value}`);
    // Quoted when a shell would expand it (a wildcard name).
    else if (type === 'DNS' && HOSTNAME.test(value) && !serviceName(value))
      flags.push(`--dns ${value.includes('*') ? `'${value}'` : value}`);
  }
  return [...new Set(flags)];
}
