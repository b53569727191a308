// What the guard knows about the certificate it serves: its end, whether that end is near or past,
// and whether reloading it from disk is failing. /readyz, the metrics and the log read it.
//
// An expired certificate is "not ready": the apiserver refuses the handshake, so the replica cannot
// answer a single review, and taking it out of the Service says so where operators look. A reload
// that fails while the last good certificate is still valid is only "degraded": that replica still
// answers, and failing readiness on every replica at once would take the webhook down with it.
export type ExpiryState = 'valid' | 'expiring' | 'expired';

/** Warn this long before the end at the most (cert-manager renews at 2/3 of the lifetime, `certs` 30 days before). */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/**
 * How long before its end a certificate is "expiring": 14 days, or a sixth of its lifetime when that
 * is shorter. A certificate renewed a third of its lifetime before the end (cert-manager's default,
 * pkg/util/pki/renewaltime.go; `certs` for one shorter than 90 days) is then warned of halfway
 * through a renewal that has not come, the half of renewBefore the chart's alert uses; a
 * 10-day certificate is not "expiring" all its life.
 */
export function expiryWarningMs(notAfter: Date, notBefore?: Date): number {
  const window = EXPIRY_WARNING_DAYS * DAY_MS;
  if (notBefore === undefined) return window;
  return Math.min(window, (notAfter.getTime() - notBefore.getTime()) / 6);
}

export function expiryState(notAfter: Date, now: number, notBefore?: Date): ExpiryState {
  const left = notAfter.getTime() - now;
  if (left <= 0) return 'expired';
  return left <= expiryWarningMs(notAfter, notBefore) ? 'expiring' : 'valid';
}

export interface CertificateStatus {
  notAfter: Date;
  /** Its start, when known: a short-lived certificate's warning window follows its lifetime. */
  notBefore?: Date;
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
  const expiry = expiryState(c.notAfter, now, c.notBefore);
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
