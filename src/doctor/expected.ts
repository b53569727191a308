// What a healthy install looks like, read off the manifests `ais-guard render` gives for the same
// overlay and namespace: so doctor and deploy/ can never disagree about names, failure policies or
// the excluded namespaces. The informers' needs come from src/server/cluster.ts (RESOURCES).
import { INSTALL_NAME, renderManifests, type Overlay } from '../deploy/index.js';
import type { KObject } from '../deploy/index.js';
import { RESOURCES } from '../server/cluster.js';
import type { ConfigKind, Expected, ExpectedConfig, Permission, WebhookEntry } from './types.js';

const CONFIG_KINDS: ConfigKind[] = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];

interface Container {
  args?: string[];
}
interface DeploymentSpec {
  template?: {
    spec?: {
      serviceAccountName?: string;
      containers?: Container[];
      volumes?: { name: string; secret?: { secretName?: string } }[];
    };
  };
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** The informers list, then watch; RBAC must allow both, cluster-wide. */
export function informerPermissions(): Permission[] {
  return RESOURCES.flatMap((r) =>
    ['list', 'watch'].map((verb) => ({ verb, group: groupOf(r.apiVersion), resource: r.name })),
  );
}

function configsOf(objects: KObject[]): ExpectedConfig[] {
  return objects
    .filter((o): o is KObject & { kind: ConfigKind } => CONFIG_KINDS.includes(o.kind as ConfigKind))
    .map((o) => ({
      kind: o.kind,
      name: o.metadata?.name ?? '',
      webhooks: ((o.webhooks ?? []) as WebhookEntry[]).map((w) => ({
        name: w.name,
        failurePolicy: w.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
        ...(w.clientConfig?.service ? { service: w.clientConfig.service } : {}),
        matchConditions: w.matchConditions ?? [],
        rules: w.rules ?? [],
        ...(w.objectSelector ? { objectSelector: w.objectSelector } : {}),
      })),
    }));
}

/** The namespaces every rendered namespaceSelector leaves out (NotIn on the name label). */
function excludedOf(objects: KObject[]): string[] {
  const names = new Set<string>();
  for (const o of objects)
    for (const w of (o.webhooks ?? []) as WebhookEntry[])
      for (const e of w.namespaceSelector?.matchExpressions ?? [])
        if (e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn')
          for (const v of e.values ?? []) names.add(v);
  return [...names];
}

/** The AIStore resource the webhooks select: its group, version and CRD name. */
function crdOf(objects: KObject[]): Expected['crd'] {
  for (const o of objects)
    for (const w of (o.webhooks ?? []) as WebhookEntry[])
      for (const r of w.rules ?? [])
        if (r.resources?.includes('aistores') && r.apiGroups?.[0] && r.apiVersions?.[0])
          return { name: `aistores.${r.apiGroups[0]}`, group: r.apiGroups[0], version: r.apiVersions[0] };
  // Not reached with deploy/ as shipped; the informer's path says the same.
  return { name: 'aistores.ais.nvidia.com', group: 'ais.nvidia.com', version: 'v1beta1' };
}

/** Pure: the expectations from rendered objects (one overlay, one namespace). */
export function expectationsOf(
  objects: KObject[],
  overlay: string,
  namespace: string,
  name: string = INSTALL_NAME,
): Expected {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const pod = (deployment?.spec as DeploymentSpec | undefined)?.template?.spec;
  const args = pod?.containers?.flatMap((c) => c.args ?? []) ?? [];
  const configs = configsOf(objects);
  const permissions = informerPermissions();
  // --manage-webhook-config keeps the caBundles current: get and patch on exactly these objects.
  if (args.includes('--manage-webhook-config'))
    for (const c of configs)
      for (const verb of ['get', 'patch'])
        permissions.push({
          verb,
          group: 'admissionregistration.k8s.io',
          resource: `${c.kind.toLowerCase()}s`,
          name: c.name,
        });
  const rendered = new Set(configs.map((c) => c.kind));
  return {
    overlay,
    namespace,
    name,
    configs,
    // A leftover of this install has its name; another install's configurations are not its own.
    notRendered: CONFIG_KINDS.filter((k) => !rendered.has(k)).map((kind) => ({ kind, name })),
    excludedNamespaces: excludedOf(objects),
    serviceAccount: pod?.serviceAccountName ?? name,
    tlsSecret: pod?.volumes?.find((v) => v.secret?.secretName)?.secret?.secretName ?? `${name}-tls`,
    permissions,
    crd: crdOf(objects),
  };
}

export async function expectedInstall(
  overlay: Overlay,
  namespace: string,
  name: string = INSTALL_NAME,
): Promise<Expected> {
  return expectationsOf(await renderManifests({ overlay, namespace, name }), overlay, namespace, name);
}
