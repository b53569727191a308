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
