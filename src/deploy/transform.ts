// What `ais-guard render`'s flags change on top of the kustomize build: things an install decides
// (namespace, image, caBundle, an out-of-cluster URL), which the kustomization files cannot know.
import { setNamespace } from './kustomize.js';
import { podTemplateContainers, webhooksOf, type KObject } from './objects.js';

/**
 * Namespaces Kubernetes makes itself: they always exist, so a Namespace object of that name could only
 * relabel one, and the restricted Pod Security label would refuse the privileged pods kube-system runs.
 */
export const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/**
 * Moves the install from one namespace to another: everything kustomize's `namespace:` touches,
 * plus what it cannot know about: the webhooks' own-namespace exclusion, cert-manager's
 * inject-ca-from annotation and the serving Certificate's <service>.<namespace>.svc names.
 * (The pod learns its namespace from the downward API, AIS_GUARD_NAMESPACE: nothing to rewrite.)
 */
export function renameNamespace(objects: KObject[], from: string, to: string): void {
  setNamespace(objects, to);
  for (const o of objects) {
    const annotations = o.metadata?.annotations;
    const inject = annotations?.['cert-manager.io/inject-ca-from'];
    if (annotations && inject?.startsWith(`${from}/`))
      annotations['cert-manager.io/inject-ca-from'] = `${to}/${inject.slice(from.length + 1)}`;
    for (const w of webhooksOf(o))
      for (const e of w.namespaceSelector?.matchExpressions ?? [])
        // Once each: kube-system, say, is excluded already (the chart's ais-guard.namespaceSelector too).
        if (e.key === 'kubernetes.io/metadata.name')
          e.values = e.values && [...new Set(e.values.map((v) => (v === from ? to : v)))];
    if (o.kind === 'Certificate') {
      const spec = o.spec as { dnsNames?: string[] };
      spec.dnsNames = spec.dnsNames?.map((n) =>
        n
          .split('.')
          .map((part, i) => (i === 1 && part === from ? to : part))
          .join('.'),
      );
    }
  }
}

export function setCaBundle(objects: KObject[], caBundle: string): void {
  for (const w of objects.flatMap(webhooksOf)) w.clientConfig.caBundle = caBundle;
}

/** Out-of-cluster guard: the apiserver calls URL + the Service's path instead of the Service. */
export function setUrl(objects: KObject[], base: string): void {
  for (const w of objects.flatMap(webhooksOf)) {
    const { service, caBundle } = w.clientConfig;
    w.clientConfig = { url: `${base}${service?.path ?? ''}`, ...(caBundle !== undefined && { caBundle }) };
  }
}

export function setImage(objects: KObject[], image: string): void {
  for (const c of objects.flatMap(podTemplateContainers)) c.image = image;
}

/**
 * The NetworkPolicy's apiserver rules narrowed to these addresses (the apiserver's endpoint
 * addresses, where the CNI can select them): ingress to the HTTPS port only from them, and the
 * apiserver egress rule only to them. DNS egress is left as it is.
 */
export function setApiserverCidrs(objects: KObject[], cidrs: string[]): void {
  const from = cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  for (const o of objects) {
    if (o.kind !== 'NetworkPolicy') continue;
    const spec = o.spec as {
      ingress?: { from?: unknown[]; ports?: { port?: unknown }[] }[];
      egress?: { to?: unknown[]; ports?: { port?: unknown }[] }[];
    };
    for (const rule of spec.ingress ?? []) rule.from = structuredClone(from);
    // The apiserver rule is the one without a destination (the DNS rule names kube-dns).
    for (const rule of spec.egress ?? []) if (!rule.to) rule.to = structuredClone(from);
  }
}

/** The install's name in deploy/: its objects are ais-guard and ais-guard-<role>. */
export const INSTALL_NAME = 'ais-guard';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** ais-guard as `name`, ais-guard-<role> (-tls, -webhook-ca, -serving, -ca, -audit) as <name>-<role>. */
function renamed(value: string | undefined, name: string): string | undefined {
  if (value === INSTALL_NAME) return name;
  return value?.startsWith(`${INSTALL_NAME}-`) ? name + value.slice(INSTALL_NAME.length) : value;
}

/** Every app.kubernetes.io/instance: ais-guard, in labels and in the selectors that pick the pods. */
function renameInstance(value: unknown, name: string): void {
  if (Array.isArray(value)) for (const v of value) renameInstance(v, name);
  else if (value !== null && typeof value === 'object') {
    const map = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(map))
      if (key === INSTANCE_LABEL && v === INSTALL_NAME) map[key] = name;
      else renameInstance(v, name);
  }
}

interface NamedInstall {
  roleRef?: { name?: string };
  subjects?: { kind: string; name?: string }[];
  rules?: { resourceNames?: string[] }[];
  spec?: {
    jobTemplate?: { spec?: { template?: { spec?: { serviceAccountName?: string } } } };
    secretName?: string;
    issuerRef?: { name?: string };
    ca?: { secretName?: string };
    dnsNames?: string[];
    template?: {
      spec?: {
        serviceAccountName?: string;
        volumes?: { secret?: { secretName?: string } }[];
        containers?: { args?: string[] }[];
      };
    };
  };
}

/**
 * A second install beside the first (Helm's fullnameOverride): every object, reference and selector
 * that names the install takes `name`, as the chart renders it; the Namespace, the labels'
 * app.kubernetes.io/name, container, image, paths and webhook names stay. The guard is told its
 * configurations' name (--webhook-config-name), which RBAC's resourceNames follow.
 */
export function renameInstall(objects: KObject[], name: string): void {
  const rename = (value: string | undefined) => renamed(value, name);
  for (const o of objects) {
    const x = o as KObject & NamedInstall;
    if (o.kind !== 'Namespace' && o.metadata) o.metadata.name = rename(o.metadata.name);
    renameInstance(o, name);
    const annotations = o.metadata?.annotations;
    const inject = annotations?.['cert-manager.io/inject-ca-from'];
    if (annotations && inject?.includes('/')) {
      const [namespace, certificate] = inject.split('/') as [string, string];
      annotations['cert-manager.io/inject-ca-from'] = `${namespace}/${rename(certificate)}`;
    }
    for (const w of webhooksOf(o)) if (w.clientConfig.service) w.clientConfig.service.name = name;
    if (x.roleRef) x.roleRef.name = rename(x.roleRef.name);
    for (const s of x.subjects ?? []) if (s.kind === 'ServiceAccount') s.name = rename(s.name);
    for (const r of x.rules ?? [])
      if (r.resourceNames) r.resourceNames = r.resourceNames.map((n) => rename(n)!);
    const spec = x.spec;
    if (!spec) continue;
    if (o.kind === 'Certificate' || o.kind === 'Issuer') {
      spec.secretName = rename(spec.secretName);
      if (spec.issuerRef) spec.issuerRef.name = rename(spec.issuerRef.name);
      if (spec.ca) spec.ca.secretName = rename(spec.ca.secretName);
      // <service>.<namespace>.svc: the Service is the install's.
      spec.dnsNames = spec.dnsNames?.map((n) => n.replace(/^[^.]*/, (service) => rename(service)!));
    }
    const job = spec.jobTemplate?.spec?.template?.spec;
    if (o.kind === 'CronJob' && job) job.serviceAccountName = rename(job.serviceAccountName);
    const pod = spec.template?.spec;
    if (o.kind === 'Deployment' && pod) {
      pod.serviceAccountName = rename(pod.serviceAccountName);
      for (const v of pod.volumes ?? []) if (v.secret) v.secret.secretName = rename(v.secret.secretName);
      for (const c of pod.containers ?? []) {
        if (!c.args?.includes('serve')) continue;
        const after = c.args.findIndex((a) => a.startsWith('--shutdown-delay'));
        c.args.splice(after < 0 ? c.args.length : after + 1, 0, `--webhook-config-name=${name}`);
      }
    }
  }
}
