// The guard's side of the comparison, through its public core API (src/policy/index.ts) only:
// the naming and counting helpers the oracle compares with the operator's answers.
import {
  claimMounts,
  dataClaimName,
  isStateClaim,
  targetCount,
  type AIStoreCR,
  type ClusterContext,
  type KubeObject,
} from '../../../src/policy/index.js';

export const naming = {
  /** The number of targets the operator runs for this CR (operator AIStore.GetTargetSize). */
  targetCount: (cr: KubeObject, ctx: ClusterContext) => targetCount(cr as AIStoreCR, ctx),
  /** The PVC-backed mounts, in spec order (the operator's volumeClaimTemplates, state claim aside). */
  claimMounts: (cr: KubeObject) => claimMounts(cr as AIStoreCR),
  /** <cr><path with "/"→"-">-<cr>-target-<N>. */
  dataClaimName,
  /** Whether a claim name is the state claim, which is not a data claim. */
  isStateClaim,
};
