// ValidatingAdmissionPolicies (CEL) for the single-object rules: `ais-guard render --vap`.
export {
  admissionPolicies,
  coverage,
  oldName,
  PAIRWISE_BUDGET,
  POLICY_DEFS,
  type Actions,
  type VapOptions,
} from './policies.js';
