// Public surface of the policy core.
export { evaluate, type Evaluation, type EvaluateOptions, type JudgedFinding } from './evaluate.js';
export { evaluateSet, identityOf, storedOnly, type SetOptions } from './evaluate-set.js';
export { ClusterContext, EMPTY_CONTEXT, type ContextOptions } from './context.js';
export { MUTATING_RULES, RULES, RULE_IDS } from './rules/index.js';
export { MODES, modeOf, type Mode, type Modes, type Action } from './modes.js';
export type { Finding, KubeObject, Operation, PatchOperation, Subject, Severity } from './types.js';
export type { Rule } from './rule.js';

// What the operator renders for a CR (the differential oracle compares these with the operator's Go code).
export {
  autoScaleSizeLimit,
  claimTemplateNames,
  fixedTargetSize,
  hostPortsKeepTargetsApart,
  isStateClaim,
  isTargetAutoScaling,
  targetClaimNames,
  targetPodLabels,
} from './aistore.js';
export { targetAntiAffinityOff } from './layout.js';
export { operatorClaimNames, operatorTargetCount, targetCount } from './target-count.js';
// Where a target may run (plan places targets with them).
export { placementExcludes, placementOf, type Placement } from './nodes.js';
export { RULE_DOC_BASE, OPERATOR_SOURCE, type RuleVerdict } from './rule.js';
export { clip, clipMiddle } from './text.js';
export { isDnsSubdomain } from './k8s-names.js';

// Names, fields and quantities the shells (plan, vap, cli) share with the rules: one definition each.
export {
  AIS_GROUP,
  claimMounts,
  dataClaimName,
  legacyDocClaimName,
  hasClaimShape,
  isAIStore,
  MAX_MOUNTS,
  HOST_PATH_VOLUME_NAME,
  OPERATOR_MOUNTS,
  OPERATOR_VOLUMES,
  stateClaimClass,
  stateClaimName,
  stateTemplateName,
  targetOrdinal,
  targetStatefulSetName,
  templateName,
  type AIStoreCR,
  type Mount,
} from './aistore.js';
export {
  capacityOf,
  claimGone,
  isObject,
  claimRefOf,
  diskPathOf,
  CLUSTER_SCOPED_KINDS,
  HOSTNAME_KEY,
  isBeingDeleted,
  isInside,
  isDiscoveredDisk,
  kindOf,
  kindAndName,
  nameOf,
  namespaceOf,
  normalDiskPath,
  pathsNest,
  pvHostname,
  pvPinnedHostnames,
  pvPinsNoNode,
  recordOf,
  setOwn,
  type PersistentVolume,
} from './k8s.js';
export { NETWORK_ATTACHMENT_ANNOTATION, ROLLING_FIELDS } from './rollout.js';
export { NAMESPACE_NAME_LABEL, PER_POD_LABELS, REVISION_LABEL } from './layout.js';
export { keepOutOfDiscovery, removeUidCommand } from './messages.js';
export { capacityHolds, MAX_INT64, parseQuantity, sameQuantity, wholeBytes } from './quantity.js';
// The webhook's StatefulSet watch selects what the context keeps as the operator's target StatefulSets.
export { TARGET_COMPONENT_SELECTOR } from './recognise.js';
export { labelProblem } from './rules/mount-template-name.js';
export { MAX_CR_NAME } from './rules/cr-name.js';
export { MAX_MOUNTPATH } from './rules/mount-path-unique.js';
// The spec's fields the operator's decoder judges (the oracle compares them with the operator's types).
export { DECODED_FIELDS, INTEGER_BOUNDS, type DecodedKind, type GoInteger } from './operator-decoding.js';
