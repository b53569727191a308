// ValidatingAdmissionPolicies (CEL) for the single-object rules: `ais-guard render --vap`.
export {
  admissionPolicies,
  coverage,
  oldName,
  PAIRWISE_MOUNTS,
  POLICY_DEFS,
  type Actions,
  type VapOptions,
} from './policies.js';
