// Public surface of the policy core.
export { evaluate, type Evaluation, type EvaluateOptions, type JudgedFinding } from './evaluate.js';
export { ClusterContext, EMPTY_CONTEXT, type ContextOptions } from './context.js';
export { RULES, RULE_IDS } from './rules/index.js';
export { MODES, ENFORCE, type Mode, type Modes, type Action } from './modes.js';
export type { Finding, KubeObject, Operation, PatchOperation, Subject, Severity } from './types.js';
export type { Rule } from './rule.js';
