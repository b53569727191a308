// review helm31: a self-managed install whose webhooks nobody ever gives a caBundle.
// DEFECT: with certificates.manageWebhookConfig=false, no certificates.caBundle and no
// certificates.files.caCrt, the chart rendered every webhook without a caBundle and the guard without
// --manage-webhook-config. The apiserver then checks the guard's certificate (from `ais-guard certs`,
// a private CA) against its own system roots, every call fails, and the Fail entries refuse every
// AIStore write for good, while helm reported a successful install.
// EXPECTED: the chart refuses those values and says what to give.
import { describe, expect, it } from '@jest/globals';
import { template } from './support.js';

const T = 120_000;

describe('review helm31: self-managed without any caBundle source', () => {
  it(
    'manageWebhookConfig=false and no caBundle: refused, naming certificates.caBundle',
    () => {
      const r = template({ 'certificates.manageWebhookConfig': 'false' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/certificates\.caBundle/);
    },
    T,
  );

  it(
    'manageWebhookConfig=false with a caBundle: rendered, the caBundle on every webhook',
    () => {
      const r = template({ 'certificates.manageWebhookConfig': 'false', 'certificates.caBundle': 'Zm9v' });
      expect(r.status).toBe(0);
      expect(r.stdout.match(/caBundle: Zm9v/g)?.length).toBe(8);
      expect(r.stdout).not.toMatch(/- --manage-webhook-config/);
    },
    T,
  );

  it(
    'cert-manager with manageWebhookConfig=false: rendered (its cainjector fills the caBundle)',
    () => {
      const r = template({
        'certificates.manageWebhookConfig': 'false',
        'certificates.mode': 'cert-manager',
      });
      expect(r.status).toBe(0);
    },
    T,
  );
});
