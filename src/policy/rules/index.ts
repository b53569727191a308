// The rule catalogue, in evaluation order: the two CR mutations first (later rules judge the
// corrected object), then the checks (target-anti-affinity among them also strips a target Pod's
// anti-affinity), then the disk binding that mutates claims and pods.
import affinityLabelKeys from './affinity-label-keys.js';
import antiAffinityNotDisabled from './anti-affinity-not-disabled.js';
import crName from './cr-name.js';
import daemonEnvRefused from './daemon-env-refused.js';
import daemonMetadataRefused from './daemon-metadata-refused.js';
import daemonPlacementRefused from './daemon-placement-refused.js';
import daemonPortsRefused from './daemon-ports-refused.js';
import daemonResourcesRefused from './daemon-resources-refused.js';
import daemonSecurityRefused from './daemon-security-refused.js';
import legacyAntiAffinityField from './legacy-anti-affinity-field.js';
import mountPathUnique from './mount-path-unique.js';
import mountTemplateName from './mount-template-name.js';
import operatorFixedFields from './operator-fixed-fields.js';
import operatorNeverInSync from './operator-never-in-sync.js';
import operatorRefusesSpec from './operator-refuses-spec.js';
import pvClaimUid from './pv-claim-uid.js';
import pvTargetBinding from './pv-target-binding.js';
import proxyTargetHostPort from './proxy-target-host-port.js';
import pvcName from './pvc-name.js';
import targetAntiAffinity from './target-anti-affinity.js';
import targetDiskBinding from './target-disk-binding.js';
import targetHostNetwork from './target-host-network.js';
import targetHostNetworkPort from './target-host-network-port.js';
import targetHostPathShared from './target-host-path-shared.js';
import targetHostPort from './target-host-port.js';
import targetsExceedNodes from './targets-exceed-nodes.js';
import type { Rule } from '../rule.js';

export const RULES: readonly Rule[] = [
  legacyAntiAffinityField,
  antiAffinityNotDisabled,
  operatorFixedFields,
  operatorNeverInSync,
  operatorRefusesSpec,
  targetHostPort,
  targetHostNetwork,
  targetHostNetworkPort,
  proxyTargetHostPort,
  daemonResourcesRefused,
  daemonPlacementRefused,
  daemonPortsRefused,
  daemonMetadataRefused,
  daemonSecurityRefused,
  daemonEnvRefused,
  targetHostPathShared,
  targetAntiAffinity,
  affinityLabelKeys,
  crName,
  mountTemplateName,
  mountPathUnique,
  pvcName,
  pvTargetBinding,
  pvClaimUid,
  targetDiskBinding,
  targetsExceedNodes,
];

export const RULE_IDS = RULES.map((r) => r.id);

/**
 * The rules that may change the object, in catalogue order: all a mutating webhook call needs,
 * since its answer carries only their changes and findings (the validating call, after it, judges
 * the result with every rule). test/policy/mutating-rules.test.ts holds the equivalence.
 */
export const MUTATING_RULES: readonly Rule[] = RULES.filter((r) => r.mutates);
