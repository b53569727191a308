// The guard's side of the comparison, through its public core API (src/policy/index.ts) only.
// evaluate() and ClusterContext are exported; the naming and counting helpers the oracle compares
// directly are looked up by name, so that a missing export fails the comparison with the exact
// name to export instead of breaking type-checking of the whole project.
import * as policy from '../../../src/policy/index.js';
import type { ClusterContext, KubeObject } from '../../../src/policy/index.js';

export interface NamingApi {
  /** The number of targets the operator runs for this CR (operator AIStore.GetTargetSize). */
  targetCount(cr: KubeObject, ctx: ClusterContext): number | undefined;
  /** The PVC-backed mounts, in spec order (the operator's volumeClaimTemplates, state claim aside). */
  claimMounts(cr: KubeObject): { path: string }[];
  /** <cr><path with "/"→"-">-<cr>-target-<N>. */
  dataClaimName(crName: string, mountPath: string, ordinal: number): string;
  /** Whether a claim name is the state claim, which is not a data claim. */
  isStateClaim(namespace: string, crName: string, claimName: string): boolean;
}

type Fn = (...args: never[]) => unknown;
const exported = policy as unknown as Record<string, Fn | undefined>;

/** Exports the oracle needs and src/policy/index.ts does not (yet) have. */
export const MISSING = [
  exported.targetCount || exported.targetSize ? [] : ['targetCount(cr, ctx) (or targetSize(cr, ctx))'],
  ['claimMounts', 'dataClaimName', 'isStateClaim'].filter((n) => typeof exported[n] !== 'function'),
].flat();

export const naming: NamingApi | undefined =
  MISSING.length > 0
    ? undefined
    : {
        targetCount: (exported.targetCount ?? exported.targetSize) as NamingApi['targetCount'],
        claimMounts: exported.claimMounts as NamingApi['claimMounts'],
        dataClaimName: exported.dataClaimName as NamingApi['dataClaimName'],
        isStateClaim: exported.isStateClaim as NamingApi['isStateClaim'],
      };
