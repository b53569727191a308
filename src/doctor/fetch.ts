// The thin layer: read what the checks judge from the cluster, with the kubeconfig's credentials,
// and turn each answer into found / absent / unreadable. Nothing here decides anything.
// The serving certificate comes from the guard itself when a webhook calls it by URL (a TLS
// handshake), else from its TLS Secret (needs `get` on that one Secret): the apiserver's service
// proxy does not show the backend's certificate, and a laptop cannot reach pod IPs.
import * as k8s from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { answerBy, gaveUp, noAnswerWithin, within, type Deadline } from '../k8s/deadline.js';
import { apiserverUnavailable, getJsonPatiently, KubeRequestError, patiently } from '../k8s/kubeconfig.js';
import { REPORT_APIS } from '../audit/report-format.js';
import {
  containerArgs,
  cronJobServiceAccount,
  livePermissions,
  mountedSecret,
  type DeploymentSpec,
} from './expected.js';
import { probe } from './probe.js';
import {
  absent,
  found,
  unanswered,
  unreadable,
  type ConfigKind,
  type CronJob,
  type EndpointSlice,
  type Expected,
  type Fetched,
  type Permission,
  type Service,
  type Snapshot,
  type WebhookConfiguration,
} from './types.js';

/** The apiserver could not be asked at all: doctor exits 2. */
export class CannotRun extends Error {}

const CONFIG_PATHS: Record<ConfigKind, string> = {
  ValidatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/',
  MutatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/',
};

/** How long one request may stay unanswered before doctor gives it up. */
const TIMEOUT_MS = 15_000;

export interface FetchOptions {
  /**
   * How long one request may stay unanswered; 15 s by default: a GET's connection may stay idle
   * `ms`, a review is given up when the deadline's signal aborts (`ms` after it is sent).
   */
  when?: Deadline;
}

/**
 * GET, asked again as audit asks (getJsonPatiently: 429, and 5xx with Retry-After, as client-go
 * rest/request.go checkWait): a throttled apiserver (API Priority and Fairness) is no refusal. One
 * that still does not answer is said so (unanswered), not taken for a missing right.
 */
async function getWithin<T>(
  kc: KubeConfig,
  path: string,
  timeoutMs: number,
  { first = false } = {},
): Promise<Fetched<T>> {
  try {
    return found((await getJsonPatiently(kc, path, { timeoutMs })) as T);
  } catch (err) {
    if (err instanceof KubeRequestError) {
      // An apiserver answers a GET of a missing object of a built-in resource with a Status. A bare
      // 404 to the first read is something else at that address (a proxy URL without its cluster
      // path, a load balancer's default backend): every later "not found" would be a false finding.
      if (err.statusCode === 404 && first && !err.kubernetesStatus)
        throw new CannotRun(
          `${kc.getCurrentCluster()?.server ?? 'the server'} answered 404 to GET ${path} without a Kubernetes Status: it is not an apiserver (check the kubeconfig's server URL)`,
        );
      if (err.statusCode === 404) return absent();
      if (err.statusCode === 401) throw new CannotRun(err.message);
      const status = err.message.replace(/^GET \S+: /, '');
      return apiserverUnavailable(err.statusCode) ? unanswered(status) : unreadable(status);
    }
    // No answer at all (refused, DNS, TLS, timeout): nothing else will work either.
    throw new CannotRun(`${kc.getCurrentCluster()?.server ?? 'the apiserver'}: ${(err as Error).message}`);
  }
}

type Get = <T>(kc: KubeConfig, path: string) => Promise<Fetched<T>>;

const enc = encodeURIComponent;

async function servingCertFrom(
  get: Get,
  kc: KubeConfig,
  expected: Expected,
  probes: Snapshot['probes'],
  secretName: string,
): Promise<Snapshot['servingCert']> {
  // Called by URL: the certificate is the one served there (the Secret, if any, is not what the
  // apiserver sees); a guard that does not answer shows none.
  const [byUrl] = Object.entries(probes);
  if (byUrl) {
    const [origin, p] = byUrl;
    return {
      source: `TLS at ${origin}`,
      pem: p.ok ? found(p.certPem) : unreadable(`no answer (${p.reason})`),
    };
  }
  const source = `Secret ${expected.namespace}/${secretName}`;
  const secret = await get<{ data?: Record<string, string> }>(
    kc,
    `/api/v1/namespaces/${enc(expected.namespace)}/secrets/${enc(secretName)}`,
  );
  if (!secret.ok) return { source, pem: secret, secret: secretName };
  const crt = secret.value.data?.['tls.crt'];
  return {
    source,
    pem: crt ? found(Buffer.from(crt, 'base64').toString('utf8')) : unreadable('it has no tls.crt'),
    secret: secretName,
  };
}

type Ask = (permission: Permission) => Promise<boolean>;

/** Why a review was not answered, and whether the apiserver (429, 5xx) rather than a right is why. */
type NotAsked = { reason: string; unanswered: boolean };

/**
 * Each permission asked with `ask`, asked again while the apiserver asks to wait (patiently: a
 * review changes nothing, so a second send is harmless); the first failure stops the asking (all
 * would fail alike).
 */
async function askAll(
  permissions: Permission[],
  ask: Ask,
  timeoutMs: number,
): Promise<Snapshot['access'] | NotAsked> {
  const out: Snapshot['access'] = [];
  for (const permission of permissions) {
    try {
      out.push({ permission, allowed: await patiently(() => ask(permission)) });
    } catch (err) {
      if (gaveUp(err)) return { reason: noAnswerWithin(timeoutMs), unanswered: true };
      return err instanceof k8s.ApiException
        ? { reason: `${err.code}`, unanswered: apiserverUnavailable(err.code) }
        : { reason: (err as Error).message, unanswered: false };
    }
  }
  return out;
}

/**
 * SubjectAccessReviews for the guard's ServiceAccount (or another of its namespace: the audit
 * CronJob's). A user who may not create them but is that
 * ServiceAccount (doctor run from the guard's own pod or token) asks SelfSubjectAccessReviews,
 * which everyone may create; who "self" is comes from a SelfSubjectReview (GA in 1.28).
 */
async function accessOf(
  kc: KubeConfig,
  expected: Pick<Expected, 'namespace' | 'serviceAccount'>,
  permissions: Permission[],
  when: Deadline,
): Promise<Snapshot['access']> {
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  const options = answerBy(when);
  const timeoutMs = when.ms;
  const user = `system:serviceaccount:${expected.namespace}:${expected.serviceAccount}`;
  const groups = [
    'system:serviceaccounts',
    `system:serviceaccounts:${expected.namespace}`,
    'system:authenticated',
  ];
  const said = (what: string, failed: NotAsked) =>
    `${what}: ${failed.unanswered ? `the apiserver did not answer (${failed.reason})` : failed.reason}`;

  const asked = await askAll(
    permissions,
    (permission) =>
      api
        .createSubjectAccessReview(
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SubjectAccessReview',
              spec: { user, groups, resourceAttributes: { ...permission } },
            },
          },
          options,
        )
        .then((review) => review.status?.allowed === true),
    timeoutMs,
  );
  if (Array.isArray(asked)) return asked;
  let failed: NotAsked = {
    reason: said('creating a SubjectAccessReview', asked),
    unanswered: asked.unanswered,
  };
  if (!asked.unanswered && (await selfName(kc, options)) === user) {
    const selfAsked = await askAll(
      permissions,
      (permission) =>
        api
          .createSelfSubjectAccessReview(
            {
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: { resourceAttributes: { ...permission } },
              },
            },
            options,
          )
          .then((review) => review.status?.allowed === true),
      timeoutMs,
    );
    if (Array.isArray(selfAsked)) return selfAsked.map((a) => ({ ...a, self: true }));
    const selfSaid = said('a SelfSubjectAccessReview', selfAsked);
    // The apiserver's silence is the news; a refusal of both is told with both reasons.
    failed = selfAsked.unanswered
      ? { reason: selfSaid, unanswered: true }
      : { reason: `${failed.reason}; ${selfSaid}`, unanswered: false };
  }
  return permissions.map((permission) => ({
    permission,
    reason: failed.reason,
    ...(failed.unanswered && { unanswered: true }),
  }));
}

/** Who the kubeconfig's credentials are (a SelfSubjectReview, GA in 1.28); undefined if it cannot say. */
const selfName = (kc: KubeConfig, options: k8s.ConfigurationOptions): Promise<string | undefined> =>
  kc
    .makeApiClient(k8s.AuthenticationV1Api)
    .createSelfSubjectReview(
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
      options,
    )
    .then((r) => r.status?.userInfo?.username)
    .catch(() => undefined);

export async function fetchSnapshot(
  kc: KubeConfig,
  expected: Expected,
  { when = within(TIMEOUT_MS) }: FetchOptions = {},
): Promise<Snapshot> {
  // Every read below within the one timeout.
  const timeoutMs = when.ms;
  const get: Get = (kc, path) => getWithin(kc, path, timeoutMs);
  const configs: Snapshot['configs'] = {};
  const kinds = [...expected.configs, ...expected.notRendered];
  for (const [i, { kind, name }] of kinds.entries())
    configs[kind] = await getWithin<WebhookConfiguration>(kc, CONFIG_PATHS[kind] + enc(name), timeoutMs, {
      first: i === 0,
    });

  const services: Snapshot['services'] = {};
  const probes: Snapshot['probes'] = {};
  for (const fetched of Object.values(configs)) {
    if (!fetched?.ok) continue;
    for (const w of fetched.value.webhooks ?? []) {
      const { service, url } = w.clientConfig ?? {};
      if (url) {
        const origin = new URL(url).origin;
        probes[origin] ??= await probe(`${origin}/readyz`);
      } else if (service && !services[`${service.namespace}/${service.name}`]) {
        const ns = enc(service.namespace);
        services[`${service.namespace}/${service.name}`] = {
          service: await get<Service>(kc, `/api/v1/namespaces/${ns}/services/${enc(service.name)}`),
          slices: await get<{ items: EndpointSlice[] }>(
            kc,
            `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${enc(`kubernetes.io/service-name=${service.name}`)}`,
          ).then((f) => (f.ok ? found(f.value.items ?? []) : f)),
        };
      }
    }
  }

  // Where the AIStore clusters live: the namespaces the webhooks must select (namespace-selector).
  const { group, version } = expected.crd;
  const aistoreNamespaces = await get<{ items?: { metadata?: { namespace?: string } }[] }>(
    kc,
    `/apis/${enc(group)}/${enc(version)}/aistores`,
  ).then((f) =>
    f.ok ? found([...new Set((f.value.items ?? []).flatMap((i) => i.metadata?.namespace ?? []))]) : f,
  );

  const namespaceLabels: Snapshot['namespaceLabels'] = {};
  const namespacesUnanswered: string[] = [];
  const namespaces = new Set([
    ...expected.excludedNamespaces,
    ...(aistoreNamespaces.ok ? aistoreNamespaces.value : []),
  ]);
  for (const ns of namespaces) {
    const got = await get<{ metadata?: { labels?: Record<string, string> } }>(
      kc,
      `/api/v1/namespaces/${enc(ns)}`,
    );
    if (got.ok) namespaceLabels[ns] = got.value.metadata?.labels ?? {};
    else if (got.unanswered) namespacesUnanswered.push(ns);
  }

  // Whether the guard runs with --manage-webhook-config decides which rights it needs.
  const deployment = await get<{ spec?: DeploymentSpec }>(
    kc,
    `/apis/apps/v1/namespaces/${enc(expected.namespace)}/deployments/${enc(expected.deployment)}`,
  );
  const guardArgs = deployment.ok ? found(containerArgs(deployment.value)) : deployment;
  // The Secret the live guard mounts: the chart's certificates.mode=existing-secret names its own.
  const secretName = (deployment.ok && mountedSecret(deployment.value)) || expected.tlsSecret;

  return {
    configs,
    services,
    probes,
    servingCert: await servingCertFrom(get, kc, expected, probes, secretName),
    serviceAccount: await get(
      kc,
      `/api/v1/namespaces/${enc(expected.namespace)}/serviceaccounts/${enc(expected.serviceAccount)}`,
    ),
    guardArgs,
    access: await accessOf(kc, expected, livePermissions(expected, guardArgs), when),
    aistoreNamespaces,
    namespaceLabels,
    namespacesUnanswered,
    crd: await get(kc, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${enc(expected.crd.name)}`),
    audit: await auditOf(get, kc, expected, when),
  };
}

/**
 * The optional audit CronJob; when installed, what its runs need: the report APIs (discovery, which
 * every ServiceAccount may read, as audit itself asks) and its ServiceAccount's rights.
 */
async function auditOf(get: Get, kc: KubeConfig, expected: Expected, when: Deadline) {
  const cronJob = await get<CronJob>(
    kc,
    `/apis/batch/v1/namespaces/${enc(expected.namespace)}/cronjobs/${enc(expected.audit.cronJob)}`,
  );
  if (!cronJob.ok) return { cronJob, reportApis: {}, access: [] };
  const reportApis: Snapshot['audit']['reportApis'] = {};
  for (const api of Object.values(REPORT_APIS)) reportApis[api] = await get(kc, `/apis/${api}`);
  const serviceAccount = cronJobServiceAccount(cronJob.value);
  const access = await accessOf(
    kc,
    { namespace: expected.namespace, serviceAccount },
    expected.audit.permissions,
    when,
  );
  return { cronJob, reportApis, serviceAccount, access };
}

/**
 * Why doctor's user could not read the guard's webhook configurations (a 403, not a 404): every
 * check starts from them, so nothing was checked, and doctor exits 2 as for refused credentials
 * (src/cli/doctor.ts) rather than 0 on the warns alone. Undefined when they were read or are absent.
 */
export function configurationsRefused(snapshot: Snapshot, expected: Expected): string | undefined {
  const refused = expected.configs.flatMap(({ kind, name }) => {
    const got = snapshot.configs[kind];
    return got && !got.ok && !got.absent && !got.unanswered ? [{ label: `${kind} ${name}`, got }] : [];
  });
  if (refused.length === 0) return undefined;
  return `could not read ${refused.map((r) => r.label).join(', ')} (${refused[0]!.got.reason})`;
}

/**
 * What the apiserver did not answer (429 or 5xx after the retries), by what was asked: the checks
 * that needed it warn, and doctor then exits 2 rather than 0 (src/cli/doctor.ts).
 */
export function unansweredReads(snapshot: Snapshot): string[] {
  const out: string[] = [];
  const note = (what: string, f: Fetched<unknown> | undefined) => {
    if (f && !f.ok && f.unanswered) out.push(what);
  };
  for (const [kind, f] of Object.entries(snapshot.configs)) note(kind, f);
  for (const [key, { service, slices }] of Object.entries(snapshot.services)) {
    note(`Service ${key}`, service);
    note(`EndpointSlices of ${key}`, slices);
  }
  note(snapshot.servingCert.source, snapshot.servingCert.pem);
  note('ServiceAccount', snapshot.serviceAccount);
  note('Deployment', snapshot.guardArgs);
  note('CRD', snapshot.crd);
  note('AIStore CRs', snapshot.aistoreNamespaces);
  for (const ns of snapshot.namespacesUnanswered ?? []) out.push(`Namespace ${ns}`);
  if (snapshot.access.some((a) => a.unanswered)) out.push('SubjectAccessReviews');
  note('CronJob', snapshot.audit.cronJob);
  for (const [api, f] of Object.entries(snapshot.audit.reportApis)) note(`API ${api}`, f);
  if (snapshot.audit.access.some((a) => a.unanswered))
    out.push("SubjectAccessReviews (audit's ServiceAccount)");
  return out;
}
