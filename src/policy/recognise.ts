// Which AIStore object (if any) is this? Everything that is not AIStore's gets `undefined` and,
// from evaluate(), no findings and no patch: this is the fast path for most admission traffic.
import { isAIStore, isStateClaim, targetOrdinal, targetStatefulSetName, type AIStoreCR } from './aistore.js';
import type { ClusterContext } from './context.js';
import {
  annotationsOf,
  claimRefOf,
  kindOf,
  namespaceOf,
  labelsOf,
  nameOf,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type StatefulSet,
} from './k8s.js';
import type { KubeObject } from './types.js';

interface Base {
  namespace: string;
  crName: string;
  /** The AIStore CR, when the context (or the object itself) has it. */
  cr?: AIStoreCR;
}

export type Recognised =
  | (Base & { role: 'aistore'; object: AIStoreCR })
  | (Base & { role: 'target-statefulset'; object: StatefulSet })
  | (Base & { role: 'target-pod'; object: Pod; ordinal?: number })
  | (Base & { role: 'target-claim'; object: PersistentVolumeClaim; ordinal?: number })
  | (Base & { role: 'target-volume'; object: PersistentVolume; claimName: string; ordinal?: number });

/** The CR name carried by the operator's target labels (current and legacy set). */
export function crNameFromTargetLabels(labels: Record<string, string>): string | undefined {
  const name = labels['app.kubernetes.io/name'];
  if (labels['app.kubernetes.io/component'] === 'target' && typeof name === 'string' && name) return name;
  if (labels.component === 'target' && typeof labels.app === 'string' && labels.app) return labels.app;
  return undefined;
}

/** The CR a target claim name belongs to: a known CR in the namespace whose target suffix it has. */
function crForClaimName(ctx: ClusterContext, namespace: string, claimName: string): string | undefined {
  for (const cr of ctx.aistoresIn(namespace)) {
    const crName = nameOf(cr);
    if (
      targetOrdinal(crName, claimName) !== undefined &&
      claimName.includes(`-${targetStatefulSetName(crName)}-`)
    )
      return crName;
  }
  return undefined;
}

/** Without a CR: `<c>-…-<c>-target-<N>` names its CR `c` (DESIGN rule 8's shape). */
export function crFromClaimShape(claimName: string): string | undefined {
  const m = /^(.+)-target-(?:0|[1-9]\d*)$/.exec(claimName);
  if (!m?.[1]) return undefined;
  const rest = m[1];
  // c is both a prefix ("c-") and the suffix ("-c") of the rest, with something in between.
  for (let end = rest.indexOf('-'); end > 0; end = rest.indexOf('-', end + 1)) {
    const c = rest.slice(0, end);
    if (rest.length > 2 * c.length + 1 && rest.endsWith(`-${c}`)) return c;
  }
  return undefined;
}

export function recognise(
  object: KubeObject,
  requestNamespace: string | undefined,
  ctx: ClusterContext,
): Recognised | undefined {
  const namespace = namespaceOf(object) || requestNamespace || '';
  // Object literals, not `{ ...rest, cr }`: on Node 20 a spread followed by properties takes V8's
  // slow path (~2 us each, more than the rest of recognise()); this runs on every AIStore review.
  const cr = (crName: string) => ctx.aistore(namespace, crName);

  if (isAIStore(object)) {
    return { role: 'aistore', object, namespace, crName: nameOf(object), cr: object };
  }
  const labels = labelsOf(object);
  switch (kindOf(object)) {
    case 'StatefulSet': {
      const name = nameOf(object);
      const crName =
        crNameFromTargetLabels(labels) ??
        (name.endsWith('-target') && ctx.aistore(namespace, name.slice(0, -7))
          ? name.slice(0, -7)
          : undefined);
      return crName
        ? { role: 'target-statefulset', object: object as StatefulSet, namespace, crName, cr: cr(crName) }
        : undefined;
    }
    case 'Pod': {
      const crName = crNameFromTargetLabels(labels);
      if (!crName) return undefined;
      return {
        role: 'target-pod',
        object: object as Pod,
        ordinal: targetOrdinal(crName, nameOf(object)),
        namespace,
        crName,
        cr: cr(crName),
      };
    }
    case 'PersistentVolumeClaim': {
      const name = nameOf(object);
      const crName = crNameFromTargetLabels(labels) ?? crForClaimName(ctx, namespace, name);
      if (!crName || isStateClaim(namespace, crName, name)) return undefined;
      return {
        role: 'target-claim',
        object: object as PersistentVolumeClaim,
        ordinal: targetOrdinal(crName, name),
        namespace,
        crName,
        cr: cr(crName),
      };
    }
    case 'PersistentVolume': {
      const pv = object as PersistentVolume;
      const ref = claimRefOf(pv);
      if (!ref?.namespace) return undefined;
      // Dynamically provisioned PVs are the provisioner's business, not a hand-made disk layout.
      if (annotationsOf(pv)['pv.kubernetes.io/provisioned-by']) return undefined;
      const crName = crForClaimName(ctx, ref.namespace, ref.name) ?? crFromClaimShape(ref.name);
      if (!crName || isStateClaim(ref.namespace, crName, ref.name)) return undefined;
      return {
        role: 'target-volume',
        object: pv,
        namespace: ref.namespace,
        crName,
        cr: ctx.aistore(ref.namespace, crName),
        claimName: ref.name,
        ordinal: targetOrdinal(crName, ref.name),
      };
    }
  }
  return undefined;
}
