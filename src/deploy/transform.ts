// What `ais-guard render`'s flags change on top of the kustomize build: things an install decides
// (namespace, image, caBundle, an out-of-cluster URL), which the kustomization files cannot know.
import { setNamespace } from './kustomize.js';
import { podTemplateContainers, webhooksOf, type KObject } from './objects.js';

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
        if (e.key === 'kubernetes.io/metadata.name') e.values = e.values?.map((v) => (v === from ? to : v));
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
