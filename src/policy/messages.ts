// Wording shared by several rules, so the same fact is always explained the same way.
export const HOSTPORT_FIX =
  'Remove hostPort from the targets: clients inside the cluster reach targets through the service port ' +
  '(spec.targetSpec.servicePort); for clients outside, set spec.targetSpec.externalAccess (one LoadBalancer per target). ' +
  'Proxies may keep their hostPort.';

/**
 * How many findings of one kind a rule lists one by one; past that, one more finding counts the rest
 * ("... in the ways above (not listed one by one)"). A CR or a PV set with hundreds of one fault then
 * gets a status message one can read (pv-target-binding's PV clashes, mount-path-unique).
 */
export const LISTED = 5;

/** The first LISTED names, comma-separated, and how many more there are. */
export const listedNames = (names: readonly string[]): string =>
  names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ` and ${names.length - LISTED} more` : '');

export const PENDING_PORTS = "node(s) didn't have free ports for the requested pod ports";

/**
 * The fix of a warning on a CR's CREATE that is the last chance for a field (the operator refuses any
 * targetSpec change on a live CR: aistore_webhook.go validateTargetUpdate). Short: a warning cut to
 * 256 keeps only its last 100 characters after the rule and link (admission.ts shortWarning).
 */
export const lastChance = (what: string) =>
  `${what} now: once the CR exists it is fixed, and a scale-out would be refused.`;

/**
 * "2 target(s) (ordinals 0..1)", or "no targets" (a CR of size 0, shut down or autoscaled onto no
 * node: ordinals 0..-1 names none); `note` goes inside the parentheses.
 */
export const targetsWithOrdinals = (count: number, note?: string): string =>
  count === 0
    ? `no targets${note ? ` (${note})` : ''}`
    : `${count} target(s) (ordinals 0..${count - 1}${note ? `, ${note}` : ''})`;

/** The kubectl command that merge-patches a PV (a null removes the field). */
export const patchPvCommand = (pv: string, patch: object) =>
  `kubectl patch pv ${pv} -p '${JSON.stringify(patch)}'`;

/**
 * The command that frees a PV held by a deleted claim's uid (pv-claim-uid's fix); short enough to
 * survive a warning's 256 characters.
 */
export const removeUidCommand = (pv: string) => patchPvCommand(pv, { spec: { claimRef: { uid: null } } });

/**
 * How to keep a disk the local static provisioner published from being published again: it publishes
 * each entry of its class's hostDir that the class's namePattern globs match (discovery.go), and
 * reads that configuration only at start. Its PV path is hostDir/entry.
 */
export function keepOutOfDiscovery(path: string): string {
  const at = path.lastIndexOf('/');
  const [dir, entry] = [path.slice(0, at) || '/', path.slice(at + 1)];
  return `Keep the disk out of the provisioner's discovery: the namePattern of its class in the provisioner's storageClassMap (comma-separated globs over the entries of ${dir}) must not match ${entry}, and the provisioner pods restarted`;
}
