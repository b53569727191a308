// What a healthy install looks like, read off the manifests `ais-guard render` gives for the same
// overlay and namespace: so doctor and deploy/ can never disagree about names, failure policies or
// the excluded namespaces. The informers' needs come from src/server/cluster.ts (RESOURCES).
import { INSTALL_NAME, renderManifests, type Overlay } from '../deploy/index.js';
import type { KObject } from '../deploy/index.js';
import { RESOURCES } from '../server/cluster.js';
import type {
  ConfigKind,
  CronJob,
  Expected,
  ExpectedConfig,
  Fetched,
  Permission,
  WebhookEntry,
} from './types.js';

const CONFIG_KINDS: ConfigKind[] = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];

interface Container {
  args?: string[];
}
export interface DeploymentSpec {
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

/** The guard keeps its configurations' caBundles current itself (src/cli/serve.ts). */
export const MANAGE_WEBHOOK_CONFIG = '--manage-webhook-config';

/** The args of a Deployment's containers, all together. */
export const containerArgs = (deployment: { spec?: DeploymentSpec } | undefined): string[] =>
  deployment?.spec?.template?.spec?.containers?.flatMap((c) => c.args ?? []) ?? [];

/** The Secret a Deployment mounts (its serving pair): <name>-tls as rendered, the chart's existingSecret. */
export const mountedSecret = (deployment: { spec?: DeploymentSpec } | undefined): string | undefined =>
  deployment?.spec?.template?.spec?.volumes?.find((v) => v.secret?.secretName)?.secret?.secretName;

type Named = Pick<ExpectedConfig, 'kind' | 'name'>;

/**
 * --manage-webhook-config keeps the caBundles current: get and patch on exactly these objects. The
 * keeper reads both configurations whatever is rendered (src/k8s/webhook-config.ts), so a kind not
 * rendered (the mutating one in validate-only) needs `get` too: absent is a 404 it expects, but a 403
 * fails every write, and the replica never becomes Ready.
 */
function webhookConfigPermissions(rendered: Named[], notRendered: Named[]): Permission[] {
  const rights = (c: Named, verbs: string[]) =>
    verbs.map((verb) => ({
      verb,
      group: 'admissionregistration.k8s.io',
      resource: `${c.kind.toLowerCase()}s`,
      name: c.name,
    }));
  return [
    ...rendered.flatMap((c) => rights(c, ['get', 'patch'])),
    ...notRendered.flatMap((c) => rights(c, ['get'])),
  ];
}

/**
 * What the live guard needs, to be asked of the apiserver: the informers' rights, and get/patch on
 * its configurations only when its Deployment really runs with --manage-webhook-config. A Helm
 * install leaves the flag, and the ClusterRole <name>-webhook-ca with it, off in cert-manager mode
 * or with certificates.manageWebhookConfig=false (deploy/helm/ais-guard/templates/_helpers.tpl,
 * "ais-guard.manageWebhookConfig"), whatever overlay matches its failure policies; the rights
 * would then be granted for nothing. Deployment not read: as rendered.
 */
export function livePermissions(expected: Expected, guardArgs: Fetched<string[]> | undefined): Permission[] {
  if (!guardArgs?.ok) return expected.permissions;
  const informers = expected.permissions.filter((p) => p.name === undefined);
  return guardArgs.value.includes(MANAGE_WEBHOOK_CONFIG)
    ? [...informers, ...webhookConfigPermissions(expected.configs, expected.notRendered)]
    : informers;
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

/**
 * What the optional audit CronJob's ServiceAccount may do: each verb of each rule of the ClusterRole
 * `<name>-audit` that deploy/audit/rbac.yaml (render --with-audit) grants, as rendered. Not rendered
 * (objects without deploy/audit): nothing to ask.
 */
function auditPermissions(objects: KObject[], role: string): Permission[] {
  const cr = objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === role) as
    (KObject & { rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[] }) | undefined;
  return (cr?.rules ?? []).flatMap((r) =>
    (r.apiGroups ?? []).flatMap((group) =>
      (r.resources ?? []).flatMap((resource) => (r.verbs ?? []).map((verb) => ({ verb, group, resource }))),
    ),
  );
}

/** The pod of a CronJob's Jobs. */
export const cronJobPod = (cronJob: CronJob) => cronJob.spec?.jobTemplate?.spec?.template?.spec;

/** The ServiceAccount a CronJob's pods run as: the one named, else the namespace's `default`. */
export const cronJobServiceAccount = (cronJob: CronJob): string => {
  const pod = cronJobPod(cronJob);
  return pod?.serviceAccountName || pod?.serviceAccount || 'default';
};

/** The args of a CronJob's containers, all together. */
export const cronJobArgs = (cronJob: CronJob): string[] =>
  cronJobPod(cronJob)?.containers?.flatMap((c) => c.args ?? []) ?? [];

/** Pure: the expectations from rendered objects (one overlay, one namespace). */
export function expectationsOf(
  objects: KObject[],
  overlay: string,
  namespace: string,
  name: string = INSTALL_NAME,
): Expected {
  const deployment = objects.find((o) => o.kind === 'Deployment') as
    (KObject & { spec?: DeploymentSpec }) | undefined;
  const pod = deployment?.spec?.template?.spec;
  const configs = configsOf(objects);
  const rendered = new Set(configs.map((c) => c.kind));
  // A leftover of this install has its name; another install's configurations are not its own.
  const notRendered = CONFIG_KINDS.filter((k) => !rendered.has(k)).map((kind) => ({ kind, name }));
  const permissions = [
    ...informerPermissions(),
    ...(containerArgs(deployment).includes(MANAGE_WEBHOOK_CONFIG)
      ? webhookConfigPermissions(configs, notRendered)
      : []),
  ];
  return {
    overlay,
    namespace,
    name,
    configs,
    notRendered,
    excludedNamespaces: excludedOf(objects),
    serviceAccount: pod?.serviceAccountName ?? name,
    deployment: deployment?.metadata?.name ?? name,
    tlsSecret: mountedSecret(deployment) ?? `${name}-tls`,
    permissions,
    crd: crdOf(objects),
    // render --with-audit and the chart name it so (deploy/audit, renamed by --name).
    audit: { cronJob: `${name}-audit`, permissions: auditPermissions(objects, `${name}-audit`) },
  };
}

export async function expectedInstall(
  overlay: Overlay,
  namespace: string,
  name: string = INSTALL_NAME,
): Promise<Expected> {
  // With deploy/audit: the rights of its optional CronJob's ServiceAccount come from its ClusterRole.
  const objects = await renderManifests({ overlay, namespace, name, withAudit: true });
  return expectationsOf(objects, overlay, namespace, name);
}
