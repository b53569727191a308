// The certificate library: the webhook server and `ais-guard certs` import from here only.
export {
  createCA,
  createServingCert,
  DEFAULT_CA_DAYS,
  DEFAULT_SERVING_DAYS,
  MAX_VALIDITY_DAYS,
} from './issue.js';
export type { CAOptions, Pem, ServingCertOptions } from './issue.js';
export {
  CAReplaceRefusedError,
  certPaths,
  DEFAULT_RENEW_BEFORE_DAYS,
  defaultRenewBeforeDays,
  ensureCerts,
} from './ensure.js';
export type { CertPaths, EnsureOptions, EnsureResult } from './ensure.js';
export { serviceDnsNames } from './names.js';
export { LockTimeoutError } from './lock.js';
