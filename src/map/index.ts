// MutatingAdmissionPolicies (CEL) for the single-object mutations: `ais-guard render --map`.
export { MAP_DEFS, mutatingPolicies, mutationCoverage, patchOp } from './policies.js';
