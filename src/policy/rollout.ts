// Which AIStore CR updates make the operator re-create (roll out) the target pods: what it renders
// from the CR into the parts of the pod template it compares before a rollout (operator
// internal/controller/aistore/common.go shouldUpdatePodTemplate), resolved as it resolves them.
// Read by the ratchet (evaluate.ts), pv-target-binding and target-host-port; the VAPs compare the
// CR fields behind it (ROLLING_FIELDS).
import { shutsDown, targetPodLabels, type AIStoreCR } from './aistore.js';
import { sizeBytes } from './go-text.js';
import { sameJson } from './json.js';
import { isObject, nameOf, normalDiskPath, recordOf } from './k8s.js';
import { quantityKey, roundedUpToMilli } from './quantity.js';
import { settled, type GoTypes } from './semantic.js';

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
  // The CSI certificate's DNS names come from these (getTLSCSIVolumeSource, buildCertificateSANs);
  // without one they render nothing, so to a VAP a change here may roll what does not: more
  // permissive than the webhook, never stricter.
  { path: ['hostnameMap'] },
  { path: ['clusterDomain'] },
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

/**
 * The corev1 types of the CR's env, tolerations and pod securityContext, as the operator decodes and
 * compares them (common.go shouldUpdateContainerSpec, shouldUpdateTolerations,
 * shouldUpdatePodSecurityContext: equality.Semantic): EnvVar.Value and every Toleration field are
 * plain strings, so "" is unset; EnvVarSource's refs and the security context's option structs are
 * pointers ({} is set), and its *string fields keep "".
 */
const ENV_TYPES: GoTypes = {
  structPointers: new Set([
    'valueFrom',
    'fieldRef',
    'resourceFieldRef',
    'configMapKeyRef',
    'secretKeyRef',
    'fileKeyRef',
  ]),
  stringPointers: new Set(),
};
const TOLERATION_TYPES: GoTypes = { structPointers: new Set(), stringPointers: new Set() };
const POD_SECURITY_TYPES: GoTypes = {
  structPointers: new Set(['seLinuxOptions', 'windowsOptions', 'seccompProfile', 'appArmorProfile']),
  stringPointers: new Set([
    'fsGroupChangePolicy',
    'supplementalGroupsPolicy',
    'seLinuxChangePolicy',
    'localhostProfile',
    'gmsaCredentialSpecName',
    'gmsaCredentialSpec',
    'runAsUserName',
  ]),
};
/** The pod securityContext: a set pointer, {} included, wins over the operator's default. */
const podSecurityOf = (v: unknown) => (pointer(v) === null ? null : (settled(v, POD_SECURITY_TYPES) ?? {}));
/**
 * corev1.SecurityContext, aisnode's (aisContainerSecurityContext, else the deprecated capabilities):
 * its option structs are pointers ({} is set); procMount and the profile and Windows names are
 * *string, so they keep "", where seLinuxOptions' strings and the capability lists do not.
 */
const CONTAINER_SECURITY_TYPES: GoTypes = {
  structPointers: new Set([
    'capabilities',
    'seLinuxOptions',
    'windowsOptions',
    'seccompProfile',
    'appArmorProfile',
  ]),
  stringPointers: new Set([
    'procMount',
    'localhostProfile',
    'gmsaCredentialSpecName',
    'gmsaCredentialSpec',
    'runAsUserName',
  ]),
};
/** A set pointer, {} included, wins over the next choice (GetAISSecurityContext). */
const containerSecurityOf = (v: unknown) =>
  pointer(v) === null ? null : (settled(v, CONTAINER_SECURITY_TYPES) ?? {});

/**
 * aisnode's env as equality.Semantic compares it: a resourceFieldRef divisor is a resource.Quantity,
 * compared by value (1Mi = 1048576), and absent is its zero value, 0.
 */
function envOf(env: unknown): unknown {
  const vars = settled(env, ENV_TYPES);
  if (!Array.isArray(vars)) return vars ?? null;
  for (const v of vars) {
    // settled's output is a fresh copy: the CR is not touched.
    const ref = isObject(v) && isObject(v.valueFrom) ? v.valueFrom.resourceFieldRef : undefined;
    if (!isObject(ref) || ref.divisor === undefined) continue;
    const key = quantityKey(ref.divisor);
    if (key === '0n') delete ref.divisor;
    else if (key !== undefined) ref.divisor = key;
  }
  return vars;
}

/**
 * Quantities in one spelling (1Gi = 1024Mi to equality.Semantic), as the StatefulSet stores them:
 * rounded up to whole milli-units (core/v1 SetDefaults_ResourceList), so 100u and 1m render one
 * stored template; nil and empty lists are one.
 */
const quantitiesIn = (list: unknown) =>
  collection(
    Object.fromEntries(
      Object.entries(recordOf(list)).map(([k, q]) => [k, quantityKey(roundedUpToMilli(q) ?? q) ?? q]),
    ),
  );

/** A container's ResourceRequirements as equality.Semantic compares them: `{}` is the zero value. */
const quantitiesOf = (resources: unknown) => {
  const r = isObject(resources) ? resources : {};
  return { limits: quantitiesIn(r.limits), requests: quantitiesIn(r.requests), claims: collection(r.claims) };
};

/** A SizeIEC's bytes as the operator reads them (go-text.ts sizeBytes); text it cannot read stays text. */
const sizeIEC = (value: unknown): unknown =>
  typeof value === 'string' ? (sizeBytes(value) ?? value) : value;

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

/** A directory as path.Join renders it under the daemon's subdirectories: Go's path.Clean. */
const cleanPath = (dir: unknown) => (typeof dir === 'string' ? normalDiskPath(dir) : dir);

/** An IPv4 address as Go parses it: four decimal bytes, no leading zero (net.ParseIP, netip.ParseAddr). */
const isGoIPv4 = (s: string) =>
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s);

/**
 * Go's net.ParseIP (netip.ParseAddr, no zone): IPv4, or IPv6 of eight 1-4 hex digit groups, the last
 * two maybe a dotted IPv4, where one "::" stands for at least one zero group.
 */
function isGoIP(s: string): boolean {
  if (isGoIPv4(s)) return true;
  const last = s.lastIndexOf(':');
  const v4 = s.includes('.');
  if (last < 0 || (v4 && !isGoIPv4(s.slice(last + 1)))) return false;
  // The dotted IPv4 counts as two groups.
  const pieces = (v4 ? `${s.slice(0, last + 1)}0:0` : s).split('::');
  if (pieces.length > 2) return false;
  const groups = pieces.flatMap((p) => (p === '' ? [] : p.split(':')));
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return pieces.length === 2 ? groups.length <= 7 : groups.length === 8;
}

/**
 * The cert-manager CSI volume attributes of a target (cmn/volumes.go getTLSCSIVolumeSource,
 * certificates/csi.go ToVolumeAttributes); the common name (name.namespace) and the key usages
 * (certUsages) are fixed for a CR.
 */
function csiAttributes(cr: AIStoreCR, certificate: Record<string, unknown>): Record<string, unknown> {
  const spec = isObject(cr.spec) ? cr.spec : {};
  const issuerRef = isObject(certificate.issuerRef) ? certificate.issuerRef : {};
  // cmn/url.go ClusterDomain: the CR's, else the operator's own (unknown here: one placeholder).
  const domain = typeof spec.clusterDomain === 'string' ? spec.clusterDomain : '<operator cluster domain>';
  const [name, ns] = [nameOf(cr) ?? '', isObject(cr.metadata) ? cr.metadata.namespace : ''];
  // cmn/certificate.go buildCertificateSANs(ais, nil): the services' names, hostnameMap's hosts that
  // are not IPs (AppendHosts files those under ipAddresses, which the volume drops) and
  // additionalDNSNames; certificates NormalizeSANs drops "", sorts and de-duplicates them.
  const services = ['proxy', 'target'].flatMap((d) => {
    const svc = `${name}-${d}`;
    return [svc, `${svc}.${ns}`, `${svc}.${ns}.svc.${domain}`, `*.${svc}.${ns}.svc.${domain}`];
  });
  const hosts = Object.values(recordOf(spec.hostnameMap)).flatMap((all) =>
    typeof all === 'string' ? all.split(',').map((h) => h.trim()) : [],
  );
  const additional = Array.isArray(certificate.additionalDNSNames) ? certificate.additionalDNSNames : [];
  const dnsNames = [...new Set([...services, ...hosts.filter((h) => !isGoIP(h)), ...additional])]
    .filter((n) => n !== '')
    .sort()
    .join(',');
  return {
    issuerName: issuerRef.name,
    issuerKind: text(issuerRef.kind),
    dnsNames,
    // Written as Duration.String(): one spelling per length of time ("2160h" is "129600m").
    duration: goDuration(pointer(certificate.duration)),
    renewBefore: goDuration(pointer(certificate.renewBefore)),
  };
}

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
    env: envOf(target.env),
    gcp: spec.gcpSecretName != null || 'gcp' in backend,
    oci: spec.ociSecretName != null || 'oci' in backend,
    resources: resourcesOf(target.resources, fieldOf(cr, ['configToUpdate', 'log', 'max_total'])),
    probes: probesOf(target.probes),
    portPublic: pointer(target.portPublic),
    useHttps: fieldOf(cr, ['configToUpdate', 'net', 'http', 'use_https']) === true,
    // cmn/statefulset.go GetPodSecurityContext, GetAISSecurityContext: a set pointer, {} included, wins.
    podSecurity: podSecurityOf(target.securityContext),
    aisSecurity:
      containerSecurityOf(target.aisContainerSecurityContext) ?? containerSecurityOf(target.capabilities),
    // The operator's labels over the CR's (cmn/labels.go MergePodLabels).
    labels: targetPodLabels(nameOf(cr) ?? '', target.labels),
    tolerations: settled(target.tolerations, TOLERATION_TYPES) ?? null,
    priorityClassName: text(spec.priorityClassName),
    // Volumes (target/volumes.go, cmn/volumes.go): backend secrets, state storage, logs, TLS, tracing.
    secrets: [pointer(spec.awsSecretName), pointer(spec.gcpSecretName), pointer(spec.ociSecretName)],
    // The host paths are path.Join(dir, namespace, name, daemon) (cmn/volumes.go StateHostPath,
    // newLogsVolume): Go's path.Clean, so "/etc/ais/" renders as "/etc/ais". A set "" prefix still
    // renders a hostPath; an empty logsDir is an emptyDir.
    state: {
      hostPath: cleanPath(
        stateStorage
          ? isObject(stateStorage.hostPath)
            ? pointer(stateStorage.hostPath.prefix)
            : null
          : spec.stateStorageClass == null
            ? pointer(spec.hostpathPrefix)
            : null,
      ),
      emptyDir: isObject(stateStorage) && stateStorage.emptyDir != null,
    },
    logsDir: cleanPath(text(spec.logsDir)),
    tracing: pointer(spec.tracingTokenSecretName),
    // The TLS volume: a CSI certificate's volume attributes (csiAttributes), else the Secret's name
    // (GetTLSSecretName).
    tls:
      tls === null
        ? null
        : certificate?.mode === 'csi'
          ? csiAttributes(cr, certificate)
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
