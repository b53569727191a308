// How many targets the operator renders for a CR: fixed sizes as written, autoscaled ones from the
// nodes (operator api/aistore/v1beta1/aistore_types.go GetTargetSize, with the expected target nodes
// of internal/controller/aistore/cluster_controller.go determineAutoScaleStatus).
import {
  autoScaleSizeLimit,
  fixedTargetSize,
  isAIStore,
  isTargetAutoScaling,
  targetClaimNames,
  type AIStoreCR,
} from './aistore.js';
import type { ClusterContext } from './context.js';
import { autoScaleNodes, placementOf } from './nodes.js';
import { HOSTNAME_KEY, type Node } from './k8s.js';
import type { KubeObject } from './types.js';

const capped = (cr: AIStoreCR, nodes: number) => {
  const limit = autoScaleSizeLimit(cr);
  return limit === undefined ? nodes : Math.min(nodes, limit);
};

/**
 * The operator's target count for this CR given these Node objects: min(matching nodes, sizeLimit)
 * when autoscaled, else targetSpec.size ?? spec.size. Undefined when the CR gives no count.
 * (The operator also keeps nodes that already run a target pod; pods are not part of the input.)
 */
export function operatorTargetCount(cr: KubeObject, nodes: readonly KubeObject[]): number | undefined {
  if (!isAIStore(cr)) return undefined;
  if (!isTargetAutoScaling(cr)) return fixedTargetSize(cr);
  return capped(cr, autoScaleNodes(placementOf(cr.spec?.targetSpec), nodes as Node[]).length);
}

/** The target count as far as the context knows it (nodes, or the CLI's node count); undefined when unknown. */
export function targetCount(cr: AIStoreCR, ctx: ClusterContext): number | undefined {
  if (!isTargetAutoScaling(cr)) return fixedTargetSize(cr);
  // Counted from the context's node index once, then kept in step with Node events (operatorTargetCount's
  // answer, without a scan of every node per review).
  const nodes = ctx.autoScaleNodeCount(placementOf(cr.spec?.targetSpec));
  if (nodes !== undefined) return capped(cr, nodes);
  const given = ctx.options.nodeCount;
  if (given === undefined) return undefined;
  // --nodes counts nodes, not their names: a nodeSelector on one hostname matches one of them at
  // most (the operator's listMatchingNodes), whatever the count.
  const pinned = typeof placementOf(cr.spec?.targetSpec).nodeSelector[HOSTNAME_KEY] === 'string';
  return capped(cr, pinned ? Math.min(given, 1) : given);
}

/** An upper bound on the target count: the count when known, else an autoscaled CR's sizeLimit. */
export function maxTargetCount(cr: AIStoreCR, ctx: ClusterContext): number | undefined {
  return targetCount(cr, ctx) ?? (isTargetAutoScaling(cr) ? autoScaleSizeLimit(cr) : undefined);
}

/**
 * The claims of every target the operator renders for this CR given these nodes: index = ordinal,
 * each the claim names in volumeClaimTemplates order (aistore.ts targetClaimNames). Undefined when
 * the CR gives no count; a RangeError past 100,000 targets (a list that size is a mistake).
 */
export function operatorClaimNames(cr: KubeObject, nodes: readonly KubeObject[]): string[][] | undefined {
  const count = operatorTargetCount(cr, nodes);
  if (count === undefined || !isAIStore(cr)) return undefined;
  if (count > 100_000) throw new RangeError(`${count} targets: too many to list`);
  return Array.from({ length: count }, (_, ordinal) => targetClaimNames(cr, ordinal));
}
