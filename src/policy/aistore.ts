// The AIStore custom resource as the operator reads it, and the names the operator derives from it.
// Facts from the ais-k8s operator (docs/rules.md and the README; operator v3.4.0 source cited per fact).
import { sameJson } from './json.js';
import { quantityKey } from './quantity.js';
import { isObject, nameOf, namespaceOf, recordOf, type Affinity } from './k8s.js';
import type { KubeObject } from './types.js';

export const AIS_GROUP = 'ais.nvidia.com';
export const AIS_KIND = 'AIStore';

export interface Mount {
  index: number;
  path: string;
  size?: string;
  storageClass?: string;
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

/** A claim's closing `-target-<N>`, the ordinal as the StatefulSet controller writes it. */
const TARGET_CLAIM_END = /-target-(?:0|[1-9]\d*)$/;

/**
 * Where a claim name's closing `-target-<N>` starts, if it has one: every target claim, data or
 * state, of any CR (and some claims of other charts' `*-target` StatefulSets) ends so.
 */
export const targetClaimEnd = (name: string): number | undefined => TARGET_CLAIM_END.exec(name)?.index;

/**
 * The CRs a claim named `…-<cr>-target-<N>` in `namespace` may be a target claim of (layout.ts
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

/** The state claim (`<ns>-<c>-state-<c>-target-<N>`) is not a data claim and follows other rules. */
export function isStateClaim(namespace: string, crName: string, name: string): boolean {
  return name.startsWith(`${stateTemplateName(namespace, crName)}-${targetStatefulSetName(crName)}-`);
}

/** A state claim of any CR in the namespace, by its shape alone (the CR need not be known). */
export function isSomeStateClaim(namespace: string, name: string): boolean {
  if (!name.startsWith(`${namespace}-`)) return false;
  const rest = name.slice(namespace.length + 1);
  for (let at = rest.indexOf('-state-'); at > 0; at = rest.indexOf('-state-', at + 1))
    if (isStateClaim(namespace, rest.slice(0, at), name)) return true;
  return false;
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

/** The target StatefulSet deletes the claims of every pod a scale-down removes (pvcRetentionPolicy.whenScaled: Delete). */
export const scaleDownDeletesClaims = (cr: AIStoreCR): boolean =>
  cr.spec?.targetSpec?.pvcRetentionPolicy?.whenScaled === 'Delete';

/**
 * Every target asks for the same host port (a non-zero hostPort, or hostNetwork: every container port):
 * the scheduler never puts two on one node (its NodePorts filter), whatever the anti-affinity.
 */
export function hostPortsKeepTargetsApart(cr: AIStoreCR): boolean {
  const { hostPort, hostNetwork } = cr.spec?.targetSpec ?? {};
  return (typeof hostPort === 'number' && hostPort !== 0) || hostNetwork === true;
}

/**
 * CR fields the target pod template compares with a plain value check (the exported VAPs compare
 * these field by field; `collection`: nil and empty are one to the operator's semantic equality).
 * The engine's model is targetTemplateInputs below, which also resolves what the operator derives.
 */
export const ROLLING_FIELDS: readonly {
  path: readonly string[];
  collection?: true;
  /** A spec field whose presence makes the operator ignore this one. */
  ignoredWith?: string;
}[] = [
  { path: ['nodeImage'] },
  { path: ['initImage'] },
  { path: ['logSidecar'] },
  { path: ['priorityClassName'] },
  { path: ['awsSecretName'] },
  { path: ['gcpSecretName'] },
  { path: ['ociSecretName'] },
  { path: ['logsDir'] },
  { path: ['tls'] },
  { path: ['tracingTokenSecretName'] },
  { path: ['stateStorage'] },
  // Ignored while spec.stateStorage is set (StateStoragePVCStorageClass, StateStorageHostPathPrefix).
  { path: ['stateStorageClass'], ignoredWith: 'stateStorage' },
  { path: ['hostpathPrefix'] },
  { path: ['configToUpdate', 'backend'] },
  { path: ['configToUpdate', 'net', 'http'] },
  { path: ['configToUpdate', 'log', 'max_total'] },
  { path: ['targetSpec', 'env'], collection: true },
  { path: ['targetSpec', 'resources'] },
  { path: ['targetSpec', 'probes'] },
  { path: ['targetSpec', 'securityContext'] },
  { path: ['targetSpec', 'capabilities'] },
  { path: ['targetSpec', 'aisContainerSecurityContext'] },
  { path: ['targetSpec', 'labels'], collection: true },
  { path: ['targetSpec', 'tolerations'], collection: true },
  { path: ['targetSpec', 'portPublic'] },
];

/** Multus' annotation (nadv1.NetworkAttachmentAnnot), where the operator names spec.networkAttachment. */
export const NETWORK_ATTACHMENT_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

const fieldOf = (cr: AIStoreCR, path: readonly string[]): unknown =>
  path.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), cr.spec);

/** A Go pointer field: absent and null are nil; `{}` is set. */
const pointer = (v: unknown) => (v === undefined || v === null ? null : v);
/** A Go slice or map: nil and empty are one to equality.Semantic. */
const collection = (v: unknown) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0)
    ? null
    : v;
/** A string field: "" is unset. */
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** Quantities in one spelling (1Gi = 1024Mi to equality.Semantic); nil and empty lists are one. */
const quantitiesIn = (list: unknown) =>
  collection(Object.fromEntries(Object.entries(recordOf(list)).map(([k, q]) => [k, quantityKey(q) ?? q])));

/** A container's ResourceRequirements as equality.Semantic compares them: `{}` is the zero value. */
const quantitiesOf = (resources: unknown) => {
  const r = isObject(resources) ? resources : {};
  return { limits: quantitiesIn(r.limits), requests: quantitiesIn(r.requests), claims: collection(r.claims) };
};

/** aistore cmn/cos/size.go ParseSize(size, UnitsIEC), the reading of a SizeIEC: case-blind, IEC multiples. */
const SIZE_SUFFIXES = [
  'KIB',
  'MIB',
  'GIB',
  'TIB',
  'KB',
  'MB',
  'GB',
  'TB',
  'KI',
  'MI',
  'GI',
  'TI',
  'K',
  'M',
  'G',
  'T',
  'B',
];
function sizeIEC(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value === '') return 0; // ParseSize("") is 0
  const upper = value.trim().toUpperCase();
  const suffix = SIZE_SUFFIXES.find((x) => upper.endsWith(x)) ?? '';
  const digits = upper.slice(0, upper.length - suffix.length);
  const power = Math.max(0, 'BKMGT'.indexOf(suffix[0] ?? 'B'));
  const n = digits.includes('.') ? Number(digits) : /^[-+]?\d+$/.test(digits) ? Number(digits) : NaN;
  return Number.isFinite(n) ? Math.trunc(n * 1024 ** power) : value;
}

/**
 * The requests and limits the operator gives aisnode (cmn/statefulset.go NewResourceReq): a non-zero
 * ephemeral-storage request is kept; otherwise it asks for log.max_total (512 MiB unset) plus room.
 */
function resourcesOf(resources: unknown, maxLogTotal: unknown): unknown {
  const rendered = quantitiesOf(resources);
  const asked = quantityKey(
    recordOf(isObject(resources) ? resources.requests : undefined)['ephemeral-storage'],
  );
  if (asked !== undefined && asked !== '0n') return rendered;
  const logs = maxLogTotal === undefined || maxLogTotal === null ? 512 * 1024 ** 2 : sizeIEC(maxLogTotal);
  return { ...rendered, requests: { ...recordOf(rendered.requests), 'ephemeral-storage': { logs } } };
}

/** cmn/res.go: each probe field the CR leaves nil takes the operator's default (int32ValOrDefault). */
const PROBE_DEFAULTS: Record<string, Record<string, number>> = {
  liveness: { initialDelaySeconds: 60, periodSeconds: 5, failureThreshold: 10, timeoutSeconds: 5 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 5, timeoutSeconds: 5 },
  startup: { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 5 },
};
function probesOf(probes: unknown): unknown {
  const conf = isObject(probes) ? probes : {};
  return Object.fromEntries(
    Object.entries(PROBE_DEFAULTS).map(([probe, defaults]) => {
      const spec = isObject(conf[probe]) ? conf[probe] : {};
      return [
        probe,
        Object.fromEntries(Object.entries(defaults).map(([k, d]) => [k, pointer(spec[k]) ?? d])),
      ];
    }),
  );
}

/** Go's time.ParseDuration of a cos.Duration (idle_conn_time), in nanoseconds: "60s" and "1m" hash alike. */
const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 6e10,
  h: 3.6e12,
};
function goDuration(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(value);
  if (!m) return value;
  // As time.ParseDuration sums: the whole part times the unit, plus the fraction's share of the unit
  // truncated to a nanosecond (2.01s = 2010ms exactly; 1.5ns = 1ns).
  let ns = 0;
  for (const [, whole, fraction = '', unit] of m[2]!.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
    const scale = GO_DURATION_UNITS[unit!]!;
    ns += Number(whole || '0') * scale;
    if (fraction !== '') ns += Math.trunc(Number(fraction) * (scale / 10 ** fraction.length));
  }
  return m[1] === '-' ? -ns : ns;
}

/** net.http as the restart hash sees it: parsed into aistore's config types first (HashRestartConfigs). */
const restartConfOf = (http: unknown) =>
  isObject(http) && 'idle_conn_time' in http
    ? { ...http, idle_conn_time: goDuration(http.idle_conn_time) }
    : http;

/** The fixed paths the operator writes into net.http under spec.tls (cmn/config.go GenerateConfigToSet). */
const TLS_HTTP_PATHS = { server_crt: 'tls.crt', server_key: 'tls.key', client_ca_tls: 'ca.crt' };

/**
 * What the operator renders into the parts of the target pod template it compares before a rollout
 * (internal/controller/aistore/common.go shouldUpdatePodTemplate), from the CR, resolved as it
 * resolves them (annotations apart: `annotates`). Two CRs with equal inputs render the same
 * compared template.
 */
function targetTemplateInputs(cr: AIStoreCR): Record<string, unknown> {
  const spec = isObject(cr.spec) ? cr.spec : {};
  const target = isObject(spec.targetSpec) ? spec.targetSpec : {};
  const backend = recordOf(fieldOf(cr, ['configToUpdate', 'backend']));
  const tls = pointer(spec.tls);
  const certificate = isObject(tls) && isObject(tls.certificate) ? tls.certificate : undefined;
  const http = pointer(fieldOf(cr, ['configToUpdate', 'net', 'http']));
  const stateStorage = isObject(spec.stateStorage) ? spec.stateStorage : undefined;
  return {
    // Containers' images; the log sidecar only when it has an image (targetPodSpec).
    images: [text(spec.nodeImage), text(spec.initImage)],
    logSidecar:
      isObject(spec.logSidecar) && text(spec.logSidecar.image)
        ? { ...spec.logSidecar, resources: quantitiesOf(spec.logSidecar.resources) }
        : null,
    // aisnode's env: the CR's own, merged after the backends' credentials (NewAISContainerEnv,
    // HasGCPBackend/HasOCIBackend: a secret name or the provider in configToUpdate.backend).
    env: collection(target.env),
    gcp: spec.gcpSecretName != null || 'gcp' in backend,
    oci: spec.ociSecretName != null || 'oci' in backend,
    resources: resourcesOf(target.resources, fieldOf(cr, ['configToUpdate', 'log', 'max_total'])),
    probes: probesOf(target.probes),
    portPublic: pointer(target.portPublic),
    useHttps: fieldOf(cr, ['configToUpdate', 'net', 'http', 'use_https']) === true,
    // cmn/statefulset.go GetPodSecurityContext, GetAISSecurityContext: a set pointer, {} included, wins.
    podSecurity: pointer(target.securityContext),
    aisSecurity: pointer(target.aisContainerSecurityContext) ?? pointer(target.capabilities),
    // The operator's labels over the CR's (cmn/labels.go MergePodLabels).
    labels: targetPodLabels(nameOf(cr) ?? '', target.labels),
    tolerations: collection(target.tolerations),
    priorityClassName: text(spec.priorityClassName),
    // Volumes (target/volumes.go, cmn/volumes.go): backend secrets, state storage, logs, TLS, tracing.
    secrets: [pointer(spec.awsSecretName), pointer(spec.gcpSecretName), pointer(spec.ociSecretName)],
    state: {
      hostPath: stateStorage
        ? isObject(stateStorage.hostPath)
          ? pointer(stateStorage.hostPath.prefix)
          : null
        : spec.stateStorageClass == null
          ? pointer(spec.hostpathPrefix)
          : null,
      emptyDir: isObject(stateStorage) && stateStorage.emptyDir != null,
    },
    logsDir: text(spec.logsDir),
    tracing: pointer(spec.tracingTokenSecretName),
    // The TLS volume: a CSI certificate's attributes (its names from hostnameMap and clusterDomain:
    // getTLSCSIVolumeSource, buildCertificateSANs), else the Secret's name (GetTLSSecretName).
    tls:
      tls === null
        ? null
        : certificate?.mode === 'csi'
          ? {
              certificate,
              hostnameMap: pointer(spec.hostnameMap),
              clusterDomain: pointer(spec.clusterDomain),
            }
          : {
              secret:
                isObject(tls) && text(tls.secretName)
                  ? tls.secretName
                  : certificate
                    ? `${nameOf(cr) ?? ''}-tls`
                    : '',
            },
    // The restart annotation: a hash of net.http as the operator generates it, with the TLS paths
    // it writes there under spec.tls (cmn/config.go HashRestartConfigs, GenerateConfigToSet).
    restartHash:
      tls === null
        ? restartConfOf(http)
        : restartConfOf({ ...(isObject(http) ? http : {}), ...TLS_HTTP_PATHS }),
  };
}

/**
 * What the update's template adds to or changes in the annotations: only that rolls
 * (shouldUpdateAnnotations asks DeepDerivative(desired, current), blind to a removed annotation and
 * to a kept one whose new value is "").
 */
function annotates(stored: AIStoreCR, next: AIStoreCR): boolean {
  // cmn/statefulset.go PrepareAnnotations: the network attachment's annotation, then the CR's own over it.
  const annotations = (cr: AIStoreCR): Record<string, unknown> => {
    const attachment = fieldOf(cr, ['networkAttachment']);
    return {
      ...(typeof attachment === 'string' && { [NETWORK_ATTACHMENT_ANNOTATION]: attachment }),
      ...recordOf(fieldOf(cr, ['targetSpec', 'annotations'])),
    };
  };
  const [before, after] = [annotations(stored), annotations(next)];
  // DeepDerivative (apimachinery deep_equal.go deepValueDerive): a key the stored template lacks
  // always differs; for one it has, a new "" counts as unset.
  return Object.entries(after).some(([key, value]) =>
    Object.hasOwn(before, key) ? value !== '' && !sameJson(before[key], value) : true,
  );
}

/**
 * Whether the update renders the target pods anew: the operator then patches the StatefulSet's
 * template and re-creates every target pod (target_controllers.go handleTargetState,
 * handleTargetRollout; the strategy is OnDelete), replacing the init container whole, its env
 * included (common.go syncContainer), and it rolls out before it scales (handleTargetState:
 * scaling waits while a rollout is in progress).
 */
export const rollsTargets = (stored: AIStoreCR, next: AIStoreCR): boolean =>
  !sameJson(targetTemplateInputs(stored), targetTemplateInputs(next)) || annotates(stored, next);

/**
 * Whether the update re-creates the running targets' pods: a rollout (rollsTargets), unless the
 * cluster stays shut down (the operator then leaves its targets alone: cluster_controller.go), or
 * the restart of a shut-down cluster, whose targets the operator scales up from none.
 */
export const recreatesTargets = (stored: AIStoreCR, next: AIStoreCR): boolean =>
  !shutsDown(next) && (shutsDown(stored) || rollsTargets(stored, next));

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
