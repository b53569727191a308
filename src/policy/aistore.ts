// The AIStore custom resource as the operator reads it, and the names the operator derives from it.
// Facts from the ais-k8s operator (docs/rules.md and the README; operator v3.4.0 source cited per fact).
import { isObject, nameOf, namespaceOf, recordOf, type Affinity } from './k8s.js';
import type { KubeObject } from './types.js';

export const AIS_GROUP = 'ais.nvidia.com';
export const AIS_KIND = 'AIStore';

export interface Mount {
  index: number;
  path: string;
  size?: string;
  storageClass?: string;
  /** The label selector the operator copies into the mount's claims (Mount.BuildPVC), as given. */
  selector?: unknown;
  useHostPath: boolean;
}

export interface TargetSpec {
  size?: number;
  autoScale?: unknown;
  tolerations?: unknown;
  mounts?: unknown;
  hostPort?: number;
  hostNetwork?: boolean;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  /** Extra pod labels; the operator merges its own over them (targetPodLabels). */
  labels?: unknown;
  disablePodAntiAffinity?: boolean;
  /** Per-target LoadBalancers (operator TargetExternalAccessEnabled). */
  externalAccess?: unknown;
  /** Copied onto the target StatefulSet (operator target/statefulset.go NewTargetSS). */
  pvcRetentionPolicy?: { whenScaled?: unknown; whenDeleted?: unknown };
  /** How a scale-down removes targets: safe_decommission (the CRD's default), decommission or retain. */
  scaleDownMode?: unknown;
}

export interface AIStoreCR extends KubeObject {
  spec?: {
    size?: number;
    disablePodAntiAffinity?: unknown;
    targetSpec?: TargetSpec;
  } & Record<string, unknown>;
}

export function isAIStore(obj: KubeObject): obj is AIStoreCR {
  return (
    obj.kind === AIS_KIND && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${AIS_GROUP}/`)
  );
}

/** A non-negative integer, or undefined: sizes come from unvalidated input. */
const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/**
 * Autoscaling: spec.size or spec.targetSpec.size is -1, and -1 wins over any other size
 * (operator api/aistore/v1beta1/aistore_types.go IsTargetAutoScaling).
 */
export function isTargetAutoScaling(cr: AIStoreCR): boolean {
  return cr.spec?.size === -1 || cr.spec?.targetSpec?.size === -1;
}

/** spec.targetSpec.autoScale.sizeLimit (Go field AutoScaleConf, JSON "autoScale"): at most this many targets when autoscaling. */
export function autoScaleSizeLimit(cr: AIStoreCR): number | undefined {
  const conf: unknown = cr.spec?.targetSpec?.autoScale;
  const limit = isObject(conf) ? count(conf.sizeLimit) : undefined;
  return limit !== undefined && limit >= 1 ? limit : undefined;
}

/** The fixed target count: targetSpec.size, else spec.size; undefined when autoscaled or not a count (GetTargetSize). */
export function fixedTargetSize(cr: AIStoreCR): number | undefined {
  if (isTargetAutoScaling(cr)) return undefined;
  const own: unknown = cr.spec?.targetSpec?.size;
  return own !== undefined && own !== null ? count(own) : count(cr.spec?.size);
}

interface MountIndex {
  all: readonly Mount[];
  claims: readonly Mount[];
  /** Claim mounts by template name, for the CR name they were indexed under (the first mount wins). */
  crName: string;
  byTemplate: Map<string, Mount>;
}

/**
 * Mounts parsed once per mounts array: a review asks for them many times, and a CR in the context
 * is the same object across reviews. A 3 MiB CR holds ~60,000 mounts; re-parsing them per question
 * made a PVC review take a second.
 */
const mountIndexes = new WeakMap<object, MountIndex>();

/**
 * The most mounts the guard reads from a CR: more than any node has disks. A CR with more is denied
 * (rule mount-template-name); reading only this many keeps every review's work bounded.
 */
export const MAX_MOUNTS = 1024;

/** How many entries spec.targetSpec.mounts has, read or not. */
export function mountCount(cr: AIStoreCR): number {
  const raw: unknown = cr.spec?.targetSpec?.mounts;
  return Array.isArray(raw) ? raw.length : 0;
}

function mountIndex(cr: AIStoreCR): MountIndex | undefined {
  const raw: unknown = cr.spec?.targetSpec?.mounts;
  if (!Array.isArray(raw)) return undefined;
  const crName = nameOf(cr);
  const known = mountIndexes.get(raw);
  if (known && known.crName === crName) return known;
  const all: Mount[] = [];
  const count = Math.min(raw.length, MAX_MOUNTS + 1);
  for (let index = 0; index < count; index++) {
    const m: unknown = raw[index];
    if (isObject(m) && typeof m.path === 'string')
      all.push({
        index,
        path: m.path,
        size: typeof m.size === 'string' || typeof m.size === 'number' ? String(m.size) : undefined,
        storageClass: typeof m.storageClass === 'string' ? m.storageClass : undefined,
        selector: m.selector ?? undefined,
        useHostPath: m.useHostPath === true,
      });
  }
  const claims = all.filter((m) => !m.useHostPath);
  const byTemplate = new Map<string, Mount>();
  for (const m of claims) {
    const t = templateName(crName, m.path);
    if (!byTemplate.has(t)) byTemplate.set(t, m);
  }
  const index = { all, claims, crName, byTemplate };
  mountIndexes.set(raw, index);
  return index;
}

/** The CR's mounts (entries without a string path skipped). Shared: do not change. */
export function mountsOf(cr: AIStoreCR): readonly Mount[] {
  return mountIndex(cr)?.all ?? [];
}

/** Mounts that become volumeClaimTemplates (useHostPath mounts do not). Shared: do not change. */
export function claimMounts(cr: AIStoreCR): readonly Mount[] {
  return mountIndex(cr)?.claims ?? [];
}

/** The claim mount whose volumeClaimTemplate is exactly this name. */
export function mountOfTemplate(cr: AIStoreCR, template: string): Mount | undefined {
  return mountIndex(cr)?.byTemplate.get(template);
}

/**
 * A target claim name split as the StatefulSet controller builds it for this CR:
 * <template>-<cr>-target-<N>. Undefined when the name does not end that way. The one parser of
 * claim names: every other question about a claim's name is asked of its result. Plain string
 * work, not a RegExp built from the name: names come from requests.
 */
export function splitClaimName(
  crName: string,
  name: string,
): { template: string; ordinal: number } | undefined {
  const suffix = `-${targetStatefulSetName(crName)}-`;
  const at = name.lastIndexOf(suffix);
  if (at <= 0) return undefined;
  const tail = name.slice(at + suffix.length);
  return CANONICAL_ORDINAL.test(tail) ? { template: name.slice(0, at), ordinal: Number(tail) } : undefined;
}

/** A StatefulSet ordinal as the controller writes it: decimal, no sign, no leading zero. */
const CANONICAL_ORDINAL = /^(0|[1-9]\d*)$/;

/**
 * A claim name whose closing ordinal has leading zeros (`…-target-01`), as the StatefulSet
 * controller writes it (`…-target-1`: k8s pkg/controller/statefulset/stateful_set_utils.go
 * getPersistentVolumeClaimName formats the ordinal with %d); undefined for any other name. No pod
 * claims the padded name: a PV pre-bound to it stays Available and the target it was meant for gets
 * another disk or none.
 */
export function withCanonicalOrdinal(name: string): string | undefined {
  const padded = PADDED_TARGET_END.exec(name);
  return padded ? `${name.slice(0, padded.index)}-target-${padded[1]}` : undefined;
}

const PADDED_TARGET_END = /-target-0+(0|[1-9]\d*)$/;

/** A claim's closing `-target-<N>`, the ordinal as the StatefulSet controller writes it. */
const TARGET_CLAIM_END = /-target-(?:0|[1-9]\d*)$/;

/**
 * Where a claim name's closing `-target-<N>` starts, if it has one: every target claim, data or
 * state, of any CR (and some claims of other charts' `*-target` StatefulSets) ends so.
 */
export const targetClaimEnd = (name: string): number | undefined => TARGET_CLAIM_END.exec(name)?.index;

/**
 * The CRs a claim named `…-<cr>-target-<N>` in `namespace` may be a target claim of (target-volumes.ts
 * targetVolumeOf decides): each name that ends its stem after a "-" (or is the whole stem, a claim
 * named like a pod) and that the claim starts with, or whose state template it carries. Mostly one:
 * the context indexes PVs by them, so a CR's PVs are found without walking the namespace's.
 */
export function targetCrCandidates(namespace: string, claim: string): string[] {
  // A claim name is a DNS subdomain: a longer claimRef name (the apiserver does not check it) is no
  // target's, and its dash-suffixes would cost the informer quadratic work per event.
  if (claim.length > MAX_CLAIM_NAME) return [];
  const end = targetClaimEnd(claim);
  if (end === undefined) return [];
  const stem = claim.slice(0, end);
  const starts = [0];
  for (let at = stem.indexOf('-'); at >= 0; at = stem.indexOf('-', at + 1)) starts.push(at + 1);
  return starts
    .map((start) => stem.slice(start))
    .filter((crName) => crName && (claim.startsWith(`${crName}-`) || isStateClaim(namespace, crName, claim)));
}

/** The longest claim name: a DNS subdomain (k8s ValidatePersistentVolumeClaimName). */
const MAX_CLAIM_NAME = 253;

/** The operator's volumeClaimTemplate name for a mount: CR name + path with "/" turned into "-". */
export function templateName(crName: string, mountPath: string): string {
  return crName + mountPath.replaceAll('/', '-');
}

export function targetStatefulSetName(crName: string): string {
  return `${crName}-target`;
}

/** The claim the StatefulSet controller creates: <template>-<statefulset>-<ordinal>. */
export function dataClaimName(crName: string, mountPath: string, ordinal: number): string {
  return `${templateName(crName, mountPath)}-${targetStatefulSetName(crName)}-${ordinal}`;
}

/** What the old AIStore doc told people to write: <namespace>-<path>-<pod>. */
export function legacyDocClaimName(
  namespace: string,
  crName: string,
  mountPath: string,
  ordinal: number,
): string {
  return `${namespace}${mountPath.replaceAll('/', '-')}-${targetStatefulSetName(crName)}-${ordinal}`;
}

/** The ordinal at the end of a target claim or pod name (`…-<cr>-target-<N>`), if the name has one. */
export function targetOrdinal(crName: string, name: string): number | undefined {
  const claim = splitClaimName(crName, name);
  if (claim) return claim.ordinal;
  const pod = `${targetStatefulSetName(crName)}-`;
  const tail = name.startsWith(pod) ? name.slice(pod.length) : '';
  return CANONICAL_ORDINAL.test(tail) ? Number(tail) : undefined;
}

/**
 * Whether `name` has the shape `<c>-<something>-<c>-target-<N>` of one of CR c's target claims,
 * whatever the mount: the template starts with the CR name and has a path after it.
 */
export function hasClaimShape(crName: string, name: string): boolean {
  const template = splitClaimName(crName, name)?.template;
  return (
    template !== undefined &&
    template.length > crName.length + 1 &&
    template.startsWith(`${crName}-`) &&
    !/[\n\r\u2028\u2029]/.test(template)
  );
}

/** The state claim template `<ns>-<cr>-state` (operator internal/resources/aistore/cmn/res.go getStatePVCName). */
export function stateTemplateName(namespace: string, crName: string): string {
  return `${namespace}-${crName}-state`;
}

/** Target N's state claim: `<ns>-<cr>-state-<cr>-target-<N>` (the StatefulSet's claim naming). */
export function stateClaimName(namespace: string, crName: string, ordinal: number): string {
  return `${stateTemplateName(namespace, crName)}-${targetStatefulSetName(crName)}-${ordinal}`;
}

/** The state claim (`<ns>-<c>-state-<c>-target-<N>`) is not a data claim and follows other rules. */
export function isStateClaim(namespace: string, crName: string, name: string): boolean {
  return name.startsWith(`${stateTemplateName(namespace, crName)}-${targetStatefulSetName(crName)}-`);
}

/** A state claim of any CR in the namespace, by its shape alone (the CR need not be known). */
export function isSomeStateClaim(namespace: string, name: string): boolean {
  return stateClaimCrNames(namespace, name).length > 0;
}

/** The CRs whose state claim `name` may be, by its shape (mostly one; a CR named with "-state-" may add one). */
export function stateClaimCrNames(namespace: string, name: string): string[] {
  const found: string[] = [];
  if (!name.startsWith(`${namespace}-`)) return found;
  const rest = name.slice(namespace.length + 1);
  for (let at = rest.indexOf('-state-'); at > 0; at = rest.indexOf('-state-', at + 1))
    if (isStateClaim(namespace, rest.slice(0, at), name)) found.push(rest.slice(0, at));
  return found;
}

/**
 * Whether the target StatefulSet gets a state volumeClaimTemplate: spec.stateStorage.pvc when
 * stateStorage is set, else the deprecated spec.stateStorageClass
 * (operator api/aistore/v1beta1/aistore_types.go StateStoragePVCStorageClass).
 */
export function hasStateClaim(cr: AIStoreCR): boolean {
  return stateClaimClass(cr) !== undefined;
}

/** The storage class of the target state claims ('' for none named), undefined when there are none. */
export function stateClaimClass(cr: AIStoreCR): string | undefined {
  const spec = cr.spec;
  if (!isObject(spec)) return undefined;
  const storage: unknown = spec.stateStorage;
  if (storage !== undefined && storage !== null) {
    if (!isObject(storage) || !isObject(storage.pvc)) return undefined;
    return typeof storage.pvc.storageClass === 'string' ? storage.pvc.storageClass : '';
  }
  return typeof spec.stateStorageClass === 'string' ? spec.stateStorageClass : undefined;
}

/** The volumeClaimTemplate names, in the operator's order: data mounts, then state (target/volumes.go newTargetPVCs). */
export function claimTemplateNames(cr: AIStoreCR): string[] {
  const crName = nameOf(cr);
  const names = claimMounts(cr).map((m) => templateName(crName, m.path));
  if (hasStateClaim(cr)) names.push(stateTemplateName(namespaceOf(cr), crName));
  return names;
}

/** Whether `template` is one of the CR's volumeClaimTemplates (claimTemplateNames), without listing them. */
export function isClaimTemplateOf(cr: AIStoreCR, template: string): boolean {
  if (mountOfTemplate(cr, template) !== undefined) return true;
  return hasStateClaim(cr) && template === stateTemplateName(namespaceOf(cr), nameOf(cr));
}

/** The claims target <ordinal> of this CR mounts: <template>-<cr>-target-<ordinal>, per template. */
export function targetClaimNames(cr: AIStoreCR, ordinal: number): string[] {
  const crName = nameOf(cr);
  return claimTemplateNames(cr).map((t) => `${t}-${targetStatefulSetName(crName)}-${ordinal}`);
}

/**
 * A mount's directory in the container as the runtime resolves it: "//", "/./" and a trailing "/"
 * name one directory. ".." stays as written (so the VAP export can compare alike; a claim mount
 * with ".." is denied for its template name anyway).
 */
export function containerPath(path: string): string {
  return (
    '/' +
    path
      .split('/')
      .filter((s) => s !== '' && s !== '.')
      .join('/')
  );
}

/**
 * The directories the operator mounts in the target's aisnode container before the data mounts,
 * with what each holds and, for those it mounts only then, the spec field that must be set
 * (operator internal/resources/aistore/cmn/volumes.go NewAISVolumeMounts, target/volumes.go
 * appendCloudVolumeMounts). The state directory is mounted whatever the state storage (the
 * operator's webhook requires one). The VAP export reads the same table.
 */
export const OPERATOR_MOUNTS: readonly { path: string; holds: string; field?: string }[] = [
  { path: '/var/ais_config', holds: 'the AIStore config' },
  { path: '/var/log/ais', holds: 'the AIStore logs' },
  { path: '/etc/ais', holds: "the target's state" },
  { path: '/var/certs', holds: 'the TLS certificate', field: 'tls' },
  { path: '/var/traces', holds: 'the tracing token', field: 'tracingTokenSecretName' },
  { path: '/root/.aws', holds: 'the AWS credentials', field: 'awsSecretName' },
  { path: '/var/gcp', holds: 'the GCP credentials', field: 'gcpSecretName' },
  { path: '/root/.oci', holds: 'the OCI credentials', field: 'ociSecretName' },
];

/**
 * The pod volumes the operator puts in every target pod itself, by name, with what each holds and
 * when it is there (operator internal/resources/aistore/cmn/volumes.go NewAISVolumes, target/volumes.go
 * appendCloudVolumes). A volumeClaimTemplate of the same name takes that volume's place in every pod
 * (k8s pkg/controller/statefulset/stateful_set_utils.go updateStorage), so the data disk becomes the
 * config, state or credentials directory too. The VAP export reads the same table.
 */
export const OPERATOR_VOLUMES: readonly { name: string; holds: string; when?: string }[] = [
  { name: 'config-template', holds: 'the config template the init container reads (ConfigMap)' },
  { name: 'config-mount', holds: 'the AIStore config directory /var/ais_config' },
  { name: 'config-global', holds: 'the global config (ConfigMap)' },
  { name: 'logs-dir', holds: 'the logs directory /var/log/ais' },
  {
    name: 'state-mount',
    holds: 'the state directory /etc/ais',
    when: 'the state storage is emptyDir or hostPath',
  },
  { name: 'tls-certs', holds: 'the TLS certificate', when: 'spec.tls is set' },
  { name: 'tracing-token', holds: 'the tracing token', when: 'spec.tracingTokenSecretName is set' },
  { name: 'aws-creds', holds: 'the AWS credentials', when: 'spec.awsSecretName is set' },
  { name: 'gcp-creds', holds: 'the GCP credentials', when: 'spec.gcpSecretName is set' },
  { name: 'oci-creds', holds: 'the OCI credentials', when: 'spec.ociSecretName is set' },
];

/**
 * The hostPath volume of useHostPath mount <i> (operator target/volumes.go getHostPathVolumeName:
 * a decimal index, so never a leading zero).
 */
export const HOST_PATH_VOLUME_NAME = '^host-data-mount-(0|[1-9][0-9]*)$';

/** The operator volume (or hostPath data volume) a claim template of this name would replace. */
export function operatorVolumeNamed(name: string): { holds: string; when?: string } | undefined {
  const known = OPERATOR_VOLUMES.find((v) => v.name === name);
  if (known) return known;
  if (new RegExp(HOST_PATH_VOLUME_NAME).test(name))
    return { holds: "a useHostPath mount's host directory", when: `mount ${name.slice(16)} is useHostPath` };
  return undefined;
}

/** OPERATOR_MOUNTS this CR gets, by path, with what each holds (and the field behind it). */
export function operatorMountPaths(cr: AIStoreCR): Map<string, string> {
  const spec = isObject(cr.spec) ? cr.spec : {};
  const paths = new Map<string, string>();
  for (const { path, holds, field } of OPERATOR_MOUNTS) {
    if (field === undefined) paths.set(path, holds);
    else if (spec[field] !== undefined && spec[field] !== null) paths.set(path, `${holds} (spec.${field})`);
  }
  return paths;
}

/** The CR asks for its cluster shut down: the operator scales the target StatefulSet to 0 (cluster_controller.go shutdownCluster). */
export const shutsDown = (cr: AIStoreCR): boolean => cr.spec?.shutdownCluster === true;

/**
 * The target StatefulSet deletes the claims of every pod a scale-down removes (pvcRetentionPolicy.whenScaled:
 * Delete). Only with whenDeleted written too: without it the apiserver stores Retain there, the operator
 * never finds the policy in sync and never scales (operator-never-in-sync), so no claim is deleted.
 */
export const scaleDownDeletesClaims = (cr: AIStoreCR): boolean => {
  const policy = cr.spec?.targetSpec?.pvcRetentionPolicy;
  return (
    policy?.whenScaled === 'Delete' && typeof policy.whenDeleted === 'string' && policy.whenDeleted !== ''
  );
};

/** The operator's UseHostNetwork: targetSpec.hostNetwork, for the target pods only (proxies never). */
export const targetsUseHostNetwork = (cr: AIStoreCR): boolean => cr.spec?.targetSpec?.hostNetwork === true;

/**
 * Every target asks for the same host port (a non-zero hostPort, or hostNetwork: every container port):
 * the scheduler never puts two on one node (its NodePorts filter), whatever the anti-affinity.
 */
export function hostPortsKeepTargetsApart(cr: AIStoreCR): boolean {
  const hostPort = cr.spec?.targetSpec?.hostPort;
  return (typeof hostPort === 'number' && hostPort !== 0) || targetsUseHostNetwork(cr);
}

export function antiAffinityDisabled(cr: AIStoreCR): boolean {
  return cr.spec?.targetSpec?.disablePodAntiAffinity === true;
}

export function hasLegacyAntiAffinityField(cr: AIStoreCR): boolean {
  return isObject(cr.spec) && Object.prototype.hasOwnProperty.call(cr.spec, 'disablePodAntiAffinity');
}

/**
 * The labels the operator puts on target pods (and PVCs through the StatefulSet selector): the CR's
 * spec.targetSpec.labels, then its own over them (operator internal/resources/aistore/cmn/labels.go
 * MergePodLabels, called by target/statefulset.go NewTargetSS), so a user's anti-affinity term that
 * selects `team: storage` selects the targets too.
 */
export function targetPodLabels(crName: string, userLabels?: unknown): Record<string, string> {
  return {
    ...recordOf(userLabels),
    app: crName,
    component: 'target',
    'app.kubernetes.io/name': crName,
    'app.kubernetes.io/component': 'target',
    'app.kubernetes.io/managed-by': 'ais-operator',
  };
}

/**
 * The proxySpec and targetSpec fields a live CR may change: the operator's webhook copies these from
 * the update onto the stored spec and refuses the update if anything else differs (operator
 * internal/webhook/aistore/v1beta1/aistore_webhook.go allowDaemonSpecUpdates, validateProxyUpdate).
 * Every other field (hostPort, hostNetwork, mounts, affinity, nodeSelector, disablePodAntiAffinity…)
 * is fixed when the CR is created.
 */
export const MUTABLE_DAEMON_FIELDS: ReadonlySet<string> = new Set([
  'size',
  'annotations',
  'labels',
  'env',
  'resources',
  'securityContext',
  'capabilities',
  'aisContainerSecurityContext',
  'autoScale',
  'pvcRetentionPolicy',
  'probes',
  'tolerations',
]);

/** The targetSpec fields a live CR may change: the daemon's, and two of the targets' own (validateTargetUpdate). */
export const MUTABLE_TARGET_FIELDS: ReadonlySet<string> = new Set([
  ...MUTABLE_DAEMON_FIELDS,
  'pdb',
  'scaleDownMode',
]);

/**
 * The rest of DaemonSpec's JSON fields (api/aistore/v1beta1/aistore_types.go, ServiceSpec inline):
 * fixed at creation. A key in neither list is no field of the operator's: the apiserver prunes it
 * (the CRD keeps no unknown fields there), so it never reaches the operator. The oracle checks that
 * the two lists are the Go types' fields, no more, no fewer (test/oracle).
 */
export const FIXED_DAEMON_FIELDS: ReadonlySet<string> = new Set([
  'servicePort',
  'portPublic',
  'portIntraControl',
  'portIntraData',
  'affinity',
  'nodeSelector',
  'hostPort',
  'externalAccess',
]);

/** The rest of TargetSpec's JSON fields: the daemon's fixed ones and three of the targets' own. */
export const FIXED_TARGET_FIELDS: ReadonlySet<string> = new Set([
  ...FIXED_DAEMON_FIELDS,
  'mounts',
  'disablePodAntiAffinity',
  'hostNetwork',
]);

/**
 * The stored CR has targetSpec.disablePodAntiAffinity: true and the update has a targetSpec without
 * the key: anti-affinity-not-disabled keeps the true, so no change of it reaches the operator.
 */
export function dropsStoredAntiAffinityOff(object: KubeObject, oldObject: KubeObject | undefined): boolean {
  const targetSpecOf = (o: KubeObject | undefined) => {
    const spec: unknown = o?.spec;
    return isObject(spec) && isObject(spec.targetSpec) ? spec.targetSpec : undefined;
  };
  const before = targetSpecOf(oldObject);
  const after = targetSpecOf(object);
  return (
    before?.disablePodAntiAffinity === true && !!after && !Object.hasOwn(after, 'disablePodAntiAffinity')
  );
}

/**
 * Without a CR: `<c>-…-<c>-target-<N>` names its CR `c` (docs/rules.md, the claim shape), the
 * shortest such c. The part between may be empty, as the webhook's matchConditions accept it
 * (test/faults/lockout.test.ts holds the two to one answer).
 */
export function crFromClaimShape(claimName: string): string | undefined {
  for (let end = claimName.indexOf('-'); end > 0; end = claimName.indexOf('-', end + 1)) {
    const c = claimName.slice(0, end);
    const template = splitClaimName(c, claimName)?.template;
    if (template?.startsWith(`${c}-`) && !/[\n\r\u2028\u2029]/.test(template)) return c;
  }
  return undefined;
}
