// All checks, in the order doctor prints them: what calls the guard, then the guard's own needs.
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { checkAistoreCrd } from './aistore-crd.js';
import { checkAuditCronjob } from './audit-cronjob.js';
import { checkCaBundle } from './ca-bundle.js';
import { checkCertificateExpiry } from './certificate-expiry.js';
import { checkFailurePolicy } from './failure-policy.js';
import { checkNamespaceSelector } from './namespace-selector.js';
import { checkRbac } from './rbac.js';
import { checkWebhookConfigurations } from './webhook-configurations.js';
import { checkWebhookService } from './webhook-service.js';

export function runChecks(snapshot: Snapshot, expected: Expected, now: Date): CheckResult[] {
  return [
    checkWebhookConfigurations(snapshot, expected),
    checkWebhookService(snapshot, expected),
    checkCaBundle(snapshot, expected),
    checkCertificateExpiry(snapshot, expected, now),
    checkRbac(snapshot, expected),
    checkNamespaceSelector(snapshot, expected),
    checkFailurePolicy(snapshot, expected),
    checkAistoreCrd(snapshot, expected),
    checkAuditCronjob(snapshot, expected),
  ];
}
