// review helm31: existing-secret with certificates.manageWebhookConfig=false and no caBundle. The
// chart cannot refuse it (an external PKI's CA may be among the apiserver's own roots), but unless it
// is, no webhook call is ever trusted and the Fail entries refuse every AIStore write. NOTES said
// nothing of it.
import { describe, expect, it } from '@jest/globals';
import { notes } from './support.js';

const T = 120_000;
const EXISTING = { 'certificates.mode': 'existing-secret', 'certificates.existingSecret': 'pki-tls' };

describe('review helm31: NOTES, existing-secret without a caBundle', () => {
  it(
    'manageWebhookConfig=false, no caBundle: NOTES warns that the webhooks carry no CA',
    () => {
      const text = notes({ ...EXISTING, 'certificates.manageWebhookConfig': 'false' });
      expect(text).toMatch(/no caBundle/);
      expect(text).toMatch(/certificates\.caBundle/);
    },
    T,
  );

  it.each([[{}], [{ 'certificates.manageWebhookConfig': 'false', 'certificates.caBundle': 'Zm9v' }]])(
    '%j: a caBundle source, no warning',
    (more) => {
      expect(notes({ ...EXISTING, ...more })).not.toMatch(/no caBundle/);
    },
    T,
  );
});
