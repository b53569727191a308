// Wording shared by several rules, so the same fact is always explained the same way.
export const HOSTPORT_FIX =
  'Remove hostPort from the targets: clients inside the cluster reach targets through the service port ' +
  '(spec.targetSpec.servicePort); for clients outside, set spec.targetSpec.externalAccess (one LoadBalancer per target). ' +
  'Proxies may keep their hostPort.';

export const PENDING_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Why a CR's CREATE is the last chance for a field (operator aistore_webhook.go validateTargetUpdate). */
export const fixedOnceCreated = (field: string) =>
  `the operator refuses any change of spec.targetSpec.${field} once the CR exists`;

/** What a single-target CR with anti-affinity off and a field that keeps targets apart meets later. */
export const SCALE_OUT_LATER =
  'a later scale-out that needs targets to share a node (their PVs on one node, more targets than nodes) will be refused';

/**
 * The command that frees a PV held by a deleted claim's uid (pv-claim-uid's fix): a merge patch's null
 * removes the field; short enough to survive a warning's 256 characters.
 */
export const removeUidCommand = (pv: string) =>
  `kubectl patch pv ${pv} -p '{"spec":{"claimRef":{"uid":null}}}'`;
