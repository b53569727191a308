// What the guard knows about the certificate it serves: its end, whether that end is near or past,
// and whether reloading it from disk is failing. /readyz, the metrics and the log read it.
//
// An expired certificate is "not ready": the apiserver refuses the handshake, so the replica cannot
// answer a single review, and taking it out of the Service says so where operators look. A reload
// that fails while the last good certificate is still valid is only "degraded": that replica still
// answers, and failing readiness on every replica at once would take the webhook down with it.
export type ExpiryState = 'valid' | 'expiring' | 'expired';

/** Warn this long before the end (cert-manager renews at 2/3 of the lifetime, `certs` 30 days before). */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

export function expiryState(notAfter: Date, now: number): ExpiryState {
  const left = notAfter.getTime() - now;
  if (left <= 0) return 'expired';
  return left <= EXPIRY_WARNING_DAYS * DAY_MS ? 'expiring' : 'valid';
}

export interface CertificateStatus {
  notAfter: Date;
  /** Reading the files failed since the last good read: the last good pair is still served. */
  reloadFailing: boolean;
  /** Why, while failing. */
  reloadError?: string;
}

/** The /readyz view: not ready when expired, degraded when failing to reload or about to expire. */
export function certificateReport(
  c: CertificateStatus,
  now: number,
): { ready: boolean; expiry: ExpiryState; degraded: string[]; reason?: string } {
  const expiry = expiryState(c.notAfter, now);
  const degraded: string[] = [];
  if (c.reloadFailing)
    degraded.push(
      `certificate reload failing, serving the last good one: ${c.reloadError ?? 'unknown error'}`,
    );
  if (expiry === 'expiring') degraded.push(`certificate expires at ${c.notAfter.toISOString()}`);
  if (expiry === 'expired')
    return { ready: false, expiry, degraded, reason: `certificate expired at ${c.notAfter.toISOString()}` };
  return { ready: true, expiry, degraded };
}
