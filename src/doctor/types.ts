// `ais-guard doctor`: what the fetch layer brings back from a live cluster (Snapshot), what the
// install should look like (Expected, from the rendered deploy manifests), and what a check says.
// The checks are pure functions of (Snapshot, Expected, now): no client, no clock of their own.

export type Status = 'ok' | 'warn' | 'fail' | 'skip';

export const CHECK_IDS = [
  'webhook-configurations',
  'webhook-service',
  'ca-bundle',
  'certificate-expiry',
  'rbac',
  'namespace-selector',
  'failure-policy',
  'aistore-crd',
  'audit-cronjob',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckResult {
  check: CheckId;
  status: Status;
  /** What was found, one sentence or a few joined by "; ". */
  message: string;
  /** What to do about it (problems only). */
  fix?: string;
}

/**
 * An object read from the apiserver: found, absent (404), or not readable: refused (403: doctor's
 * user lacks a right) or `unanswered` (still 429 or 5xx after the retries: the apiserver's state,
 * neither the install's nor the user's rights).
 */
export type Fetched<T> =
  { ok: true; value: T } | { ok: false; absent: boolean; reason: string; unanswered?: boolean };

export const found = <T>(value: T): Fetched<T> => ({ ok: true, value });
export const absent = <T>(reason = 'not found'): Fetched<T> => ({ ok: false, absent: true, reason });
export const unreadable = <T>(reason: string): Fetched<T> => ({ ok: false, absent: false, reason });
/** `status`: the last answer, e.g. "429 Too many requests, please try again later.". */
export const unanswered = <T>(status: string): Fetched<T> => ({
  ok: false,
  absent: false,
  reason: `the apiserver did not answer (${status})`,
  unanswered: true,
});

export interface ServiceRef {
  name: string;
  namespace: string;
  path?: string;
  port?: number;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface WebhookRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
  scope?: string;
}

export interface MatchCondition {
  name: string;
  expression: string;
}

export interface WebhookEntry {
  name: string;
  failurePolicy?: string;
  clientConfig?: { service?: ServiceRef; url?: string; caBundle?: string };
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  rules?: WebhookRule[];
  matchConditions?: MatchCondition[];
  admissionReviewVersions?: string[];
}

export interface WebhookConfiguration {
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  webhooks?: WebhookEntry[];
}

export interface Service {
  spec?: { ports?: { name?: string; port: number }[] };
}

export interface EndpointSlice {
  ports?: { name?: string; port?: number }[] | null;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean | null } }[] | null;
}

export interface CustomResourceDefinition {
  spec?: { group?: string; versions?: { name: string; served?: boolean; storage?: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export type ConfigKind = 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';

/** One thing the guard's ServiceAccount must be allowed to do. */
export interface Permission {
  verb: string;
  group: string;
  resource: string;
  name?: string;
}

/** A direct HTTPS GET of <url origin>/readyz: the webhook called by URL (a guard outside the cluster). */
export type Probe =
  | {
      ok: true;
      status: number;
      certPem: string;
      /** What a /readyz that is not 200 says failed: "cluster", "tls (expired)", ... */
      notReady?: string;
    }
  | { ok: false; reason: string };

/** The optional `audit --apply` CronJob (deploy/audit), as far as doctor reads it. */
export interface CronJob {
  spec?: {
    schedule?: string;
    suspend?: boolean;
    jobTemplate?: {
      spec?: {
        template?: {
          spec?: {
            serviceAccountName?: string;
            /** The deprecated alias, still honoured when serviceAccountName is empty. */
            serviceAccount?: string;
            containers?: { args?: string[] }[];
          };
        };
      };
    };
  };
  status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: { name?: string }[] };
}

/** One permission asked by a SubjectAccessReview (see Snapshot.access). */
export interface Access {
  permission: Permission;
  allowed?: boolean;
  reason?: string;
  self?: boolean;
  /** Not asked because the apiserver did not answer (429 or 5xx after the retries). */
  unanswered?: boolean;
}

export interface AuditSnapshot {
  /** CronJob <name>-audit in the guard's namespace; absent: not installed (it is optional). */
  cronJob: Fetched<CronJob>;
  /**
   * Discovery of each report API ("openreports.io/v1alpha1", "wgpolicyk8s.io/v1alpha2"), as audit
   * asks it before it writes: found = served, absent (404) = not served. Empty when not installed.
   */
  reportApis: Record<string, Fetched<unknown>>;
  /** The CronJob's ServiceAccount, and the SubjectAccessReviews for Expected.audit.permissions. */
  serviceAccount?: string;
  access: Access[];
}

export interface Snapshot {
  configs: Partial<Record<ConfigKind, Fetched<WebhookConfiguration>>>;
  /** By "namespace/name" of each Service the webhooks call. */
  services: Record<string, { service: Fetched<Service>; slices: Fetched<EndpointSlice[]> }>;
  /** By URL origin of each webhook called by URL. */
  probes: Record<string, Probe>;
  /**
   * The certificate the guard serves (PEM, leaf first) and where it was read; `secret`: the name of
   * the Secret it was read from (the one the live Deployment mounts), when read from one.
   */
  servingCert: { source: string; pem: Fetched<string>; secret?: string };
  serviceAccount: Fetched<unknown>;
  /**
   * The container args of the live guard Deployment (Expected.deployment): whether it runs with
   * --manage-webhook-config, which a Helm install may leave off whatever the overlay doctor renders.
   * Undefined: not read.
   */
  guardArgs?: Fetched<string[]>;
  /**
   * The SubjectAccessReview answers for the permissions the live guard needs (expected.ts,
   * livePermissions), in order; a reason when not asked;
   * `self` when asked as the ServiceAccount itself (SelfSubjectAccessReview).
   */
  access: Access[];
  /**
   * The namespaces that hold AIStore CRs (one list of Expected.crd): the webhooks must select them.
   * Undefined: not read.
   */
  aistoreNamespaces?: Fetched<string[]>;
  /**
   * Labels of the namespaces that must be excluded and of those that hold AIStore CRs (absent: not
   * readable, judged by name alone).
   */
  namespaceLabels: Record<string, Record<string, string>>;
  /** Those of them the apiserver did not answer for (429 or 5xx after the retries). */
  namespacesUnanswered?: string[];
  crd: Fetched<CustomResourceDefinition>;
  audit: AuditSnapshot;
}

export interface ExpectedWebhook {
  name: string;
  failurePolicy: 'Fail' | 'Ignore';
  service?: ServiceRef;
  /** What the entry is sent: another version's conditions send the guard other requests. */
  matchConditions: MatchCondition[];
  /** The same for its rules (resources, operations) and objectSelector. */
  rules: WebhookRule[];
  objectSelector?: LabelSelector;
}

export interface ExpectedConfig {
  kind: ConfigKind;
  name: string;
  webhooks: ExpectedWebhook[];
}

export interface Expected {
  overlay: string;
  namespace: string;
  /** The install's name (render --name, the chart's fullnameOverride). */
  name: string;
  /** The configurations the install renders (validate-only: the validating one only). */
  configs: ExpectedConfig[];
  /** Rendered by other overlays but not by this one (validate-only: the mutating one). */
  notRendered: { kind: ConfigKind; name: string }[];
  excludedNamespaces: string[];
  serviceAccount: string;
  /** The guard's Deployment, whose args say whether it manages its caBundles. */
  deployment: string;
  tlsSecret: string;
  /** What the rendered install's guard needs (with --manage-webhook-config when rendered so). */
  permissions: Permission[];
  crd: { name: string; group: string; version: string };
  /** The optional audit CronJob (render --with-audit, the chart's audit.enabled) and its role's rights. */
  audit: { cronJob: string; permissions: Permission[] };
}
