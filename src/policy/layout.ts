// Multi-target (MT) detection: can more than one target of this AIStore cluster land on one node?
// DESIGN §2 lists the signals, strongest first; every verdict that depends on MT names the signal.
import {
  antiAffinityDisabled,
  hasLegacyAntiAffinityField,
  targetOrdinal,
  targetPodLabels,
  targetSize,
  targetStatefulSetName,
  type AIStoreCR,
} from './aistore.js';
import type { ClusterContext } from './context.js';
import {
  claimRefOf,
  HOSTNAME_KEY,
  nameOf,
  isObject,
  labelsOf,
  objectsOf,
  recordOf,
  requiredTermsOf,
  pinnedHostnames,
  selectorMatches,
  type Affinity,
  type PersistentVolume,
  type PodAffinityTerm,
  type PodSpec,
  type StatefulSet,
} from './k8s.js';
import type { Recognised } from './recognise.js';

export type SignalId =
  'anti-affinity-disabled' | 'pvs-share-node' | 'node-selector-one-host' | 'more-targets-than-nodes';

export interface Signal {
  id: SignalId;
  detail: string;
}

/** What the rules need to know about the target set an object belongs to. */
export interface TargetSetView {
  crName: string;
  namespace: string;
  size?: number;
  /** Lower bound on the size when only a pod is known (ordinal + 1). */
  minSize: number;
  nodeSelector: Record<string, string>;
  antiAffinityOff: boolean;
  antiAffinityOffBecause: string;
}

export interface Layout {
  view: TargetSetView;
  multiTarget: boolean;
  /** All signals found, strongest first; the first one decided. */
  signals: Signal[];
}

/** A required pod anti-affinity on the hostname that selects these target labels. */
export function requiredTargetAntiAffinity(
  affinity: Affinity | undefined,
  targetLabels: Record<string, string>,
) {
  const anti = isObject(affinity) ? affinity.podAntiAffinity : undefined;
  return objectsOf<PodAffinityTerm>(
    isObject(anti) ? anti.requiredDuringSchedulingIgnoredDuringExecution : undefined,
  ).filter((term) => term.topologyKey === HOSTNAME_KEY && selectorMatches(term.labelSelector, targetLabels));
}

export function pvHostname(pv: PersistentVolume): string | undefined {
  const hosts = pinnedHostnames(requiredTermsOf(pv));
  return hosts.length === 1 ? hosts[0] : undefined;
}

function viewFromCR(cr: AIStoreCR, namespace: string, crName: string): TargetSetView {
  const legacy = hasLegacyAntiAffinityField(cr) && cr.spec?.disablePodAntiAffinity === true;
  return {
    crName,
    namespace,
    size: targetSize(cr),
    minSize: 0,
    nodeSelector: recordOf(cr.spec?.targetSpec?.nodeSelector),
    antiAffinityOff: antiAffinityDisabled(cr) || legacy,
    antiAffinityOffBecause: antiAffinityDisabled(cr)
      ? 'spec.targetSpec.disablePodAntiAffinity is true'
      : 'the removed top-level spec.disablePodAntiAffinity is true',
  };
}

function viewFromPodSpec(
  spec: PodSpec | undefined,
  labels: Record<string, string>,
  base: Pick<TargetSetView, 'crName' | 'namespace' | 'size' | 'minSize'>,
  what: string,
): TargetSetView {
  const guarded = requiredTargetAntiAffinity(spec?.affinity, labels).length > 0;
  return {
    crName: base.crName,
    namespace: base.namespace,
    size: base.size,
    minSize: base.minSize,
    nodeSelector: recordOf(spec?.nodeSelector),
    antiAffinityOff: !guarded,
    antiAffinityOffBecause: `the ${what} has no required hostname anti-affinity between targets`,
  };
}

/** spec.replicas, defaulting to 1 as the apiserver does; undefined when it is not a count. */
function replicasOf(sts: StatefulSet): number | undefined {
  const replicas: unknown = sts.spec?.replicas;
  if (replicas === undefined || replicas === null) return 1;
  return typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : undefined;
}

function viewFromStatefulSet(sts: StatefulSet, namespace: string, crName: string): TargetSetView {
  const template = sts.spec?.template;
  return viewFromPodSpec(
    template?.spec,
    labelsOf(template),
    { crName, namespace, size: replicasOf(sts), minSize: 0 },
    'pod template',
  );
}

/** The view of the target set behind a recognised object, preferring the CR when known. */
export function targetSetView(subject: Recognised, ctx: ClusterContext): TargetSetView {
  const { crName, namespace, cr } = subject;
  if (cr) return viewFromCR(cr, namespace, crName);
  const sts =
    subject.role === 'target-statefulset'
      ? subject.object
      : ctx.statefulSet(namespace, targetStatefulSetName(crName));
  if (sts) return viewFromStatefulSet(sts, namespace, crName);
  if (subject.role === 'target-pod') {
    const minSize = (subject.ordinal ?? 0) + 1;
    return viewFromPodSpec(
      subject.object.spec,
      labelsOf(subject.object),
      { crName, namespace, minSize },
      'pod',
    );
  }
  // A claim or volume alone: nothing says how the pods are placed except the PVs.
  return {
    crName,
    namespace,
    minSize: 0,
    nodeSelector: {},
    antiAffinityOff: false,
    antiAffinityOffBecause: '',
  };
}

/**
 * PVs pre-bound to this CR's target claims, with the ordinal each claim belongs to. A PV under
 * review counts as it will be stored, replacing its cached version: the webhook and `check`
 * (whose input set contains the object) then see the same set.
 */
export function targetVolumes(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  reviewed?: PersistentVolume,
) {
  const self = reviewed && nameOf(reviewed);
  const pvs = ctx.pvsForNamespace(namespace).filter((pv) => !self || nameOf(pv) !== self);
  if (reviewed && claimRefOf(reviewed)?.namespace === namespace) pvs.push(reviewed);
  return pvs.flatMap((pv) => {
    const claim = claimRefOf(pv)?.name ?? '';
    const ordinal = claim.startsWith(`${crName}-`) ? targetOrdinal(crName, claim) : undefined;
    return ordinal === undefined ? [] : [{ pv, claim, ordinal, host: pvHostname(pv) }];
  });
}

export function detectLayout(subject: Recognised, ctx: ClusterContext): Layout {
  const view = targetSetView(subject, ctx);
  const signals: Signal[] = [];
  if (view.antiAffinityOff)
    signals.push({ id: 'anti-affinity-disabled', detail: view.antiAffinityOffBecause });

  const ordinalsByHost = new Map<string, Set<number>>();
  const reviewed = subject.role === 'target-volume' ? subject.object : undefined;
  for (const { host, ordinal } of targetVolumes(ctx, view.namespace, view.crName, reviewed)) {
    if (host) ordinalsByHost.set(host, (ordinalsByHost.get(host) ?? new Set()).add(ordinal));
  }
  for (const [host, ordinals] of ordinalsByHost) {
    if (ordinals.size >= 2) {
      const list = [...ordinals].sort((a, b) => a - b).map((n) => `${view.crName}-target-${n}`);
      signals.push({
        id: 'pvs-share-node',
        detail: `PVs put the disks of ${list.join(', ')} on node ${host}`,
      });
      break;
    }
  }

  const size = view.size;
  const pinned =
    typeof view.nodeSelector[HOSTNAME_KEY] === 'string' ? view.nodeSelector[HOSTNAME_KEY] : undefined;
  if (pinned && (size ?? view.minSize) > 1) {
    signals.push({ id: 'node-selector-one-host', detail: `nodeSelector pins every target to ${pinned}` });
  }
  const nodes = ctx.nodesMatching(view.nodeSelector);
  if (size !== undefined && nodes !== undefined && size > nodes && !pinned) {
    signals.push({
      id: 'more-targets-than-nodes',
      detail: `${size} targets but only ${nodes} matching node(s)`,
    });
  }

  // One target can never share a node with another.
  const single = size !== undefined && size <= 1;
  return { view, multiTarget: !single && signals.length > 0, signals: single ? [] : signals };
}

export function describeLayout(layout: Layout): string {
  const first = layout.signals[0];
  return first ? `multi-target layout (${first.detail})` : 'one target per node';
}

export { targetPodLabels };
