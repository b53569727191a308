// Where the pod spec lives in a target StatefulSet or Pod, and walks over it that several rules share.
import { asText, isObject, type Container, type PodSpec, type Volume } from './k8s.js';
import type { Recognised } from './recognise.js';
import { pointer } from './rule.js';

export interface PodSpecRef {
  spec: PodSpec;
  /** JSON pointer of the pod spec inside the object. */
  base: string;
  /** Words for messages: "pod template" or "pod". */
  what: string;
}

export function podSpecOf(subject: Recognised): PodSpecRef | undefined {
  if (subject.role === 'target-statefulset') {
    const spec = subject.object.spec?.template?.spec;
    return isObject(spec) ? { spec, base: '/spec/template/spec', what: 'pod template' } : undefined;
  }
  if (subject.role === 'target-pod') {
    const spec = subject.object.spec;
    return isObject(spec) ? { spec, base: '/spec', what: 'pod' } : undefined;
  }
  return undefined;
}

export interface HostPortUse {
  path: string;
  container: string;
  hostPort: number;
  protocol: string;
}

/**
 * Every container and sidecar (an init container with restartPolicy Always) port that asks for a host
 * port. A plain init container's host port holds nothing: the scheduler counts only those two
 * (k8s pkg/scheduler/util/utils.go GetHostPorts), and the kubelet maps only the containers'.
 */
export function hostPortsOf(ref: PodSpecRef): HostPortUse[] {
  const uses: HostPortUse[] = [];
  // With hostNetwork the apiserver gives every pod port hostPort = containerPort (SetDefaults_Pod,
  // defaultHostNetworkPorts): those are hostNetwork's, which target-host-network judges.
  const hostNetwork = ref.spec.hostNetwork === true;
  for (const field of ['containers', 'initContainers'] as const) {
    const containers: unknown = ref.spec[field];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: Container, i) => {
      if (!isObject(c) || !Array.isArray(c.ports)) return;
      if (field === 'initContainers' && c.restartPolicy !== 'Always') return;
      c.ports.forEach((p, j) => {
        if (
          isObject(p) &&
          typeof p.hostPort === 'number' &&
          p.hostPort !== 0 &&
          !(hostNetwork && p.hostPort === p.containerPort)
        ) {
          uses.push({
            path: `${ref.base}${pointer(field, i, 'ports', j, 'hostPort')}`,
            container: c.name === undefined ? String(i) : asText(c.name),
            hostPort: p.hostPort,
            protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
          });
        }
      });
    });
  }
  return uses;
}

/** The env variable the init container renders the target's public hostname from (the config's Hostname). */
export const PUBLIC_HOSTNAME_ENV = 'AIS_PUBLIC_HOSTNAME';
/** The DNS mode the operator passes the init container (spec.publicNetDNSMode: IP, Node or Pod). */
const PUBLIC_DNS_MODE_ENV = 'AIS_PUBLIC_DNS_MODE';
const podDnsMode = (env: unknown[]) =>
  env.some((e) => isObject(e) && e.name === PUBLIC_DNS_MODE_ENV && e.value === 'Pod');

/** Whether a pod spec's init containers run in DNS mode Pod (AIS_PUBLIC_DNS_MODE=Pod). */
export function rendersPodDnsMode(spec: unknown): boolean {
  const containers: unknown = isObject(spec) ? spec.initContainers : undefined;
  return (
    Array.isArray(containers) &&
    containers.some((c: unknown) => isObject(c) && Array.isArray(c.env) && podDnsMode(c.env as unknown[]))
  );
}

/** Pod fields that name the node (the same for every target on it), as the operator reads them into it. */
const NODE_FIELDS: readonly string[] = ['status.hostIP', 'spec.nodeName'];

export interface NodeHostnameUse {
  path: string;
  container: string;
  fieldPath: string;
}

/**
 * Init containers that set AIS_PUBLIC_HOSTNAME from the node: what the operator renders whenever the
 * CR has targetSpec.hostPort (0 too) and no external access (target/statefulset.go
 * NewInitContainerEnv; up to v3.0.0 with external access too). The init container writes it into the
 * target's config, so every target on a node advertises the same public address and port, unless
 * its AIS_PUBLIC_DNS_MODE is Pod (cmn/env.go CommonInitEnv), where it names each by its pod's DNS name.
 */
export function nodeHostnamesOf(ref: PodSpecRef): NodeHostnameUse[] {
  const uses: NodeHostnameUse[] = [];
  const containers: unknown = ref.spec.initContainers;
  if (!Array.isArray(containers)) return uses;
  containers.forEach((c: Container, i) => {
    if (!isObject(c) || !Array.isArray(c.env)) return;
    const env = c.env as unknown[];
    // In DNS mode Pod the init container names the target by its pod DNS name and ignores the node's.
    if (podDnsMode(env)) return;
    env.forEach((e, j) => {
      if (!isObject(e) || e.name !== PUBLIC_HOSTNAME_ENV || !isObject(e.valueFrom)) return;
      const fieldRef = e.valueFrom.fieldRef;
      const fieldPath = isObject(fieldRef) ? fieldRef.fieldPath : undefined;
      if (typeof fieldPath === 'string' && NODE_FIELDS.includes(fieldPath))
        uses.push({
          path: `${ref.base}${pointer('initContainers', i, 'env', j)}`,
          container: c.name === undefined ? String(i) : asText(c.name),
          fieldPath,
        });
    });
  });
  return uses;
}

/** Claims a pod spec mounts, in order. A loop, not flatMap: V8's flatMap took 16 % of a target Pod's
 * evaluation (it runs on every review of one). */
export function claimNamesOf(spec: PodSpec): string[] {
  const claims: string[] = [];
  if (!Array.isArray(spec.volumes)) return claims;
  for (const v of spec.volumes as (Volume | null)[]) {
    const claim = v?.persistentVolumeClaim?.claimName;
    if (typeof claim === 'string') claims.push(claim);
  }
  return claims;
}
