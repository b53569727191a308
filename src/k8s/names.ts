// The names the apiserver accepts for the objects the guard is deployed as (apimachinery's
// validation: a Namespace is a DNS-1123 label, a Service a DNS-1035 label). Checked before anything
// is written, so a certificate or manifest is never made for a name no cluster can have.

/** DNS-1123 label: a Namespace name (it may start with a digit). */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** DNS-1035 label: a Service name (a letter first). */
export const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const SERVICE_NAME_RULE = 'lower-case letters, digits and "-", a letter first, at most 63';

/**
 * A CronJob's name: at most 52 characters (batch validation), since the controller names each Job
 * <cronjob>-<11-character timestamp> and a Job name is a DNS-1035 label of at most 63.
 */
export const CRONJOB_NAME_MAX = 52;
