// Is this the name of a claim the target StatefulSet will really use? Shared by the PVC rule and the
// PV rule (a PV's claimRef must name such a claim, or the PV is never bound to a target).
import {
  claimMounts,
  dataClaimName,
  legacyDocClaimName,
  targetOrdinal,
  targetSize,
  targetStatefulSetName,
  templateName,
  type AIStoreCR,
  type Mount,
} from './aistore.js';
import type { ClusterContext } from './context.js';

export interface ClaimNameProblem {
  severity: 'deny' | 'warn';
  message: string;
  fix: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `^(<c>)-.+-<c>-target-<N>$`, compiled once per CR name (a handful per cluster). */
const shapes = new Map<string, RegExp>();
function claimShape(crName: string): RegExp {
  let shape = shapes.get(crName);
  if (!shape) {
    if (shapes.size > 1000) shapes.clear(); // names come from requests: bound the cache
    shape = new RegExp(`^${escape(crName)}-.+-${escape(crName)}-target-(0|[1-9][0-9]*)$`);
    shapes.set(crName, shape);
  }
  return shape;
}

/** The target count a claim is checked against: the CR's, or more if the StatefulSet already has more. */
export function effectiveTargetCount(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  cr: AIStoreCR,
): number | undefined {
  const replicas = ctx.statefulSet(namespace, targetStatefulSetName(crName))?.spec?.replicas;
  const size = targetSize(cr);
  if (size === undefined) return undefined; // autoscaled: one target per matching node, count unknown
  return typeof replicas === 'number' ? Math.max(size, replicas) : size;
}

function explainTemplate(crName: string, mount: Mount, ordinal: number): string {
  return `"${dataClaimName(crName, mount.path, ordinal)}" (template "${templateName(crName, mount.path)}" = CR name "${crName}" + mount path ${mount.path} with "/" turned into "-", then "-${targetStatefulSetName(crName)}-${ordinal}")`;
}

function withCR(
  namespace: string,
  crName: string,
  cr: AIStoreCR,
  name: string,
  ctx: ClusterContext,
): ClaimNameProblem | undefined {
  const mounts = claimMounts(cr);
  if (mounts.length === 0) {
    return {
      severity: 'deny',
      message: `AIStore ${crName} has no PVC-backed mounts (spec.targetSpec.mounts without useHostPath), so no target ever claims "${name}".`,
      fix: 'Add the mount to spec.targetSpec.mounts, or delete this claim.',
    };
  }
  const count = effectiveTargetCount(ctx, namespace, crName, cr);
  for (const mount of mounts) {
    const prefix = `${templateName(crName, mount.path)}-${targetStatefulSetName(crName)}-`;
    if (!name.startsWith(prefix)) continue;
    const ordinal = targetOrdinal(crName, name);
    if (ordinal === undefined || ordinal !== Number(name.slice(prefix.length))) continue;
    if (count !== undefined && ordinal >= count) {
      return {
        severity: 'deny',
        message: `claim "${name}" is for ${crName}-target-${ordinal}, but AIStore ${crName} has ${count} target(s) (ordinals 0..${count - 1}): no pod will use it.`,
        fix: `Raise the target size to at least ${ordinal + 1}, or delete this claim.`,
      };
    }
    return undefined;
  }
  const ordinal = targetOrdinal(crName, name) ?? 0;
  const mount = mounts.find((m) => name.includes(m.path.replaceAll('/', '-'))) ?? (mounts[0] as Mount);
  const legacy = mounts.find((m) => name === legacyDocClaimName(namespace, crName, m.path, ordinal));
  const others = mounts.filter((m) => m !== mount).map((m) => `"${dataClaimName(crName, m.path, ordinal)}"`);
  return {
    severity: 'deny',
    message:
      `"${name}" is not a claim the StatefulSet ${targetStatefulSetName(crName)} will use: pod ${crName}-target-${ordinal} claims ${explainTemplate(crName, mount, ordinal)}` +
      (others.length ? ` and ${others.join(', ')}` : '') +
      '. The StatefulSet would create its own claim and leave this one unused.' +
      (legacy && namespace !== crName
        ? ` This name follows the old AIStore doc's <namespace>-<path>-<pod> wording; the operator names templates after the CR ("${crName}"), not the namespace ("${namespace}"): the two agree only when they are equal.`
        : ''),
    fix: `Name it ${dataClaimName(crName, mount.path, ordinal)}.`,
  };
}

function withoutCR(namespace: string, crName: string, name: string): ClaimNameProblem | undefined {
  const shape = claimShape(crName);
  const example = `${crName}-data-aistore-${crName}-target-0`;
  if (!shape.test(name)) {
    return {
      severity: 'deny',
      message: `"${name}" does not have the shape of a target data claim of AIStore ${crName}: <cr><mount-path-with-dashes>-<cr>-target-<N>, e.g. "${example}" for mount /data/aistore.`,
      fix: `Rename it to ${crName}<mount path with "/" turned into "-">-${crName}-target-<N>.`,
    };
  }
  if (namespace !== crName && name.startsWith(`${namespace}-`)) {
    return {
      severity: 'warn',
      message: `"${name}" starts with the namespace "${namespace}", as the old AIStore doc's <namespace>-<path>-<pod> wording says; the operator uses the CR name "${crName}". Without the AIStore CR the guard cannot tell whether "${namespace.slice(crName.length)}" is part of the mount path.`,
      fix: `If the mount path does not start with ${namespace.slice(crName.length).replaceAll('-', '/')}, name it ${crName}<mount-path-with-dashes>-${crName}-target-<N>.`,
    };
  }
  return undefined;
}

export function claimNameProblem(
  namespace: string,
  crName: string,
  cr: AIStoreCR | undefined,
  name: string,
  ctx: ClusterContext,
): ClaimNameProblem | undefined {
  return cr ? withCR(namespace, crName, cr, name, ctx) : withoutCR(namespace, crName, name);
}

/** The mount a correctly named claim belongs to. */
export function mountOfClaim(crName: string, cr: AIStoreCR, claimName: string): Mount | undefined {
  return claimMounts(cr).find((m) =>
    claimName.startsWith(`${templateName(crName, m.path)}-${targetStatefulSetName(crName)}-`),
  );
}
