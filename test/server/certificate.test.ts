// Expiry states and what /readyz makes of the certificate (src/server/certificate.ts, app.ts).
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { certificateReport, EXPIRY_WARNING_DAYS, expiryState } from '../../src/server/certificate.js';
import { testApp } from '../support/app.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 0, 15);
const at = (days: number) => new Date(NOW + days * DAY_MS);

describe('expiryState', () => {
  it.each([
    [30, 'valid'],
    [EXPIRY_WARNING_DAYS + 0.01, 'valid'],
    [EXPIRY_WARNING_DAYS, 'expiring'],
    [0.001, 'expiring'],
    [0, 'expired'],
    [-3, 'expired'],
  ] as const)('%d days left: %s', (days, state) => {
    expect(expiryState(at(days), NOW)).toBe(state);
  });
});

describe('certificateReport', () => {
  it('expired: not ready, with the reason', () => {
    expect(certificateReport({ notAfter: at(-1), reloadFailing: false }, NOW)).toEqual({
      ready: false,
      expiry: 'expired',
      degraded: [],
      reason: 'certificate expired at 2026-01-14T00:00:00.000Z',
    });
  });

  it('reload failing and expiring: ready but degraded, both said', () => {
    const report = certificateReport({ notAfter: at(3), reloadFailing: true, reloadError: 'ENOENT: x' }, NOW);
    expect(report).toMatchObject({ ready: true, expiry: 'expiring' });
    expect(report.degraded).toEqual([
      'certificate reload failing, serving the last good one: ENOENT: x',
      'certificate expires at 2026-01-18T00:00:00.000Z',
    ]);
  });
});

describe('/readyz and the certificate', () => {
  it('503 when the certificate has expired, 200 degraded while reloads fail, 200 ready otherwise', async () => {
    const { app, state } = testApp();
    state.certificate = { notAfter: new Date(Date.now() - DAY_MS), reloadFailing: false };
    const expired = await request(app).get('/readyz');
    expect(expired.status).toBe(503);
    expect(expired.body).toMatchObject({ status: 'not ready', checks: { tls: false } });
    expect(expired.body.reason).toMatch(/^certificate expired at /);

    state.certificate = {
      notAfter: new Date(Date.now() + 90 * DAY_MS),
      reloadFailing: true,
      reloadError: 'gone',
    };
    const failing = await request(app).get('/readyz');
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({
      status: 'degraded',
      certificate: { expiry: 'valid', reloadFailing: true, reloadError: 'gone' },
    });

    state.certificate = { notAfter: new Date(Date.now() + 90 * DAY_MS), reloadFailing: false };
    const fine = await request(app).get('/readyz');
    expect(fine.status).toBe(200);
    expect(fine.body.status).toBe('ready');
    expect(fine.body.degraded).toBeUndefined();
  });
});

describe('expiryState of a short-lived certificate (a sixth of its lifetime, 14 days at the most)', () => {
  // `certs --days 10` renews 3.3 days before the end (a third of its lifetime, as cert-manager):
  // warned of from 1.67 days, not all its life; a 90-day one keeps the 14 days.
  it.each([
    [10, 9, 'valid'],
    [10, 1.7, 'valid'],
    [10, 1.6, 'expiring'],
    [90, 14.5, 'valid'],
    [90, 14, 'expiring'],
    [365, 14, 'expiring'],
  ] as const)('%d-day certificate, %d days left: %s', (lifetime, left, state) => {
    expect(expiryState(at(left), NOW, at(left - lifetime))).toBe(state);
  });

  it('/readyz: a 10-day certificate with 5 days left is not degraded', () => {
    const report = certificateReport({ notAfter: at(5), notBefore: at(-5), reloadFailing: false }, NOW);
    expect(report).toEqual({ ready: true, expiry: 'valid', degraded: [] });
  });
});
