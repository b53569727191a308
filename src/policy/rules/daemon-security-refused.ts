// The operator copies targetSpec and proxySpec securityContext onto the pod of their StatefulSets,
// and aisContainerSecurityContext (or, without it, the deprecated capabilities field) onto the ais-node
// container, as written (cmn.GetPodSecurityContext, cmn.GetAISSecurityContext). The CRD checks their
// types, not their values: a negative user, a misspelt policy or profile type is stored. Kubernetes'
// validation of a pod (pkg/apis/core/validation validatePodSpecSecurityContext,
// ValidateSecurityContext) then refuses every pod the StatefulSet controller makes; 1.33 takes the
// StatefulSet itself, 1.36 refuses it. Either way the daemons never start, and a rolling update stops
// at the first daemon it replaces, while the CR is accepted. e2e 23 holds the rule to the operator's
// rendering and the apiserver's answer.
import { targetsUseHostNetwork } from '../aistore.js';
import { isObject, objectOf } from '../k8s.js';
import { isLocalDescendingPath } from '../k8s-names.js';
import { DAEMON_SECTIONS, warnRefused, type Problem } from '../refused-fields.js';
import { defineRule, operatorLink } from '../rule.js';
import { quoted, utf8Bytes } from '../text.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L5105';
/** IsValidUserID, IsValidGroupID: 0 to MaxInt32. */
const MAX_ID = 2 ** 31 - 1;
const PROFILE_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];
/** PATH_MAX - 1, the longest AppArmor localhostProfile. */
const MAX_APPARMOR_PROFILE = 4095;

/**
 * Review daemon39: Go's strings.TrimSpace, which ValidateAppArmorProfileField compares with: it trims
 * unicode.IsSpace (U+0085 too, not U+FEFF), where JavaScript's trim() takes U+FEFF and not U+0085.
 */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_PADDED = new RegExp(`^${GO_SPACE}|${GO_SPACE}$`);
/** IsValidSysctlName: at most 253 characters of segments joined by '.' or '/' (SysctlContainSlashFmt). */
const SYSCTL = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

type Found = (at: (string | number)[], text: string) => void;

/** A field path as a message writes it: runAsUser, supplementalGroups[1]. */
const written = (at: (string | number)[]) =>
  at.map((step, i) => (typeof step === 'number' ? `[${step}]` : `${i > 0 ? '.' : ''}${step}`)).join('');

/** IsValidUserID or IsValidGroupID on a number the CR holds (the CRD has refused other types). */
function checkId(value: unknown, at: (string | number)[], found: Found): void {
  if (typeof value === 'number' && !(value >= 0 && value <= MAX_ID))
    found(at, `${written(at)} ${value} is not between 0 and ${MAX_ID}`);
}

/** One of the values Kubernetes knows, when the CR sets it. */
function checkOneOf(value: unknown, known: readonly string[], at: string, found: Found): void {
  if (typeof value === 'string' && !known.includes(value))
    found([at], `${at} ${quoted(value)} is none of ${known.join(', ')}`);
}

/** validateSeccompProfileField. */
function checkSeccomp(profile: unknown, found: Found): void {
  if (!isObject(profile)) return;
  const { type, localhostProfile } = profile;
  const has = localhostProfile !== undefined && localhostProfile !== null;
  if (typeof type === 'string' && !PROFILE_TYPES.includes(type))
    found(['seccompProfile'], `seccompProfile.type ${quoted(type)} is none of ${PROFILE_TYPES.join(', ')}`);
  if (type === 'Localhost') {
    if (!has) found(['seccompProfile'], 'seccompProfile of type Localhost needs a localhostProfile');
    else if (typeof localhostProfile === 'string') {
      if (!isLocalDescendingPath(localhostProfile))
        found(
          ['seccompProfile'],
          `seccompProfile.localhostProfile ${quoted(localhostProfile)} is no relative path without '..'`,
        );
    }
  } else if (has) found(['seccompProfile'], 'seccompProfile.localhostProfile is only for type Localhost');
}

/** ValidateAppArmorProfileField. */
function checkAppArmor(profile: unknown, found: Found): void {
  if (!isObject(profile)) return;
  const { type, localhostProfile } = profile;
  const has = localhostProfile !== undefined && localhostProfile !== null;
  const at = ['appArmorProfile'];
  if (type === 'Localhost') {
    if (!has || (typeof localhostProfile === 'string' && localhostProfile === ''))
      found(at, 'appArmorProfile of type Localhost needs a localhostProfile');
    else if (typeof localhostProfile === 'string') {
      if (GO_PADDED.test(localhostProfile))
        found(at, `appArmorProfile.localhostProfile ${quoted(localhostProfile)} is padded with white space`);
      if (utf8Bytes(localhostProfile) > MAX_APPARMOR_PROFILE)
        found(at, `appArmorProfile.localhostProfile is longer than ${MAX_APPARMOR_PROFILE} bytes`);
    }
  } else if (type === 'RuntimeDefault' || type === 'Unconfined') {
    if (has) found(at, 'appArmorProfile.localhostProfile is only for type Localhost');
  } else if (typeof type === 'string')
    found(at, `appArmorProfile.type ${quoted(type)} is none of ${PROFILE_TYPES.join(', ')}`);
}

/** What validatePodSpecSecurityContext refuses in the pod's securityContext. */
function podProblems(context: Record<string, unknown>, hostNetwork: boolean, found: Found): void {
  for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) checkId(context[field], [field], found);
  if (Array.isArray(context.supplementalGroups))
    context.supplementalGroups.forEach((id, i) => checkId(id, ['supplementalGroups', i], found));
  checkOneOf(context.fsGroupChangePolicy, ['OnRootMismatch', 'Always'], 'fsGroupChangePolicy', found);
  checkOneOf(context.supplementalGroupsPolicy, ['Merge', 'Strict'], 'supplementalGroupsPolicy', found);
  checkSeccomp(context.seccompProfile, found);
  checkAppArmor(context.appArmorProfile, found);
  // Review daemon39: validateSysctls refuses a name that is no sysctl name, and one named twice.
  if (Array.isArray(context.sysctls)) {
    const seen = new Set<string>();
    context.sysctls.forEach((sysctl, i) => {
      const name: unknown = isObject(sysctl) ? sysctl.name : undefined;
      if (typeof name !== 'string') return;
      if (!(name.length <= 253 && SYSCTL.test(name)))
        found(['sysctls', i], `sysctls[${i}].name ${quoted(name)} is no sysctl name`);
      else if (seen.has(name)) found(['sysctls', i], `sysctls[${i}].name ${quoted(name)} is named twice`);
      seen.add(name);
      // ValidateHostSysctl: a net sysctl (net.… or net/…, as NormalizeName reads it) would set the
      // node's own network namespace, which a hostNetwork pod shares.
      if (hostNetwork && /^net[./]/.test(name))
        found(
          ['sysctls', i],
          `sysctls[${i}].name ${quoted(name)} is a net sysctl, which a hostNetwork pod may not set`,
        );
    });
  }
}

/** What ValidateSecurityContext refuses in the ais-node container's securityContext. */
function containerProblems(context: Record<string, unknown>, found: Found): void {
  for (const field of ['runAsUser', 'runAsGroup']) checkId(context[field], [field], found);
  // Unmasked needs hostUsers false, which the operator never sets on its pods.
  checkOneOf(context.procMount, ['Default'], 'procMount', found);
  checkSeccomp(context.seccompProfile, found);
  checkAppArmor(context.appArmorProfile, found);
  if (context.allowPrivilegeEscalation === false) {
    if (context.privileged === true)
      found(['privileged'], 'privileged true with allowPrivilegeEscalation false');
    const added = objectOf(context.capabilities).add;
    if (Array.isArray(added) && added.includes('CAP_SYS_ADMIN'))
      found(['capabilities'], 'capabilities.add CAP_SYS_ADMIN with allowPrivilegeEscalation false');
  }
}

/**
 * The problems of one daemon section, each at its field under the section; `hostNetwork` is whether
 * the operator runs its pods on the host network.
 */
function problems(section: Record<string, unknown>, hostNetwork: boolean): Problem[] {
  const out: Problem[] = [];
  const under =
    (field: string, label: string): Found =>
    (at, text) =>
      out.push({ at: [field, ...at], text: `${label}.${text}` });
  if (isObject(section.securityContext))
    podProblems(section.securityContext, hostNetwork, under('securityContext', 'securityContext'));
  // GetAISSecurityContext: aisContainerSecurityContext when set, else the deprecated capabilities.
  const containerField = isObject(section.aisContainerSecurityContext)
    ? 'aisContainerSecurityContext'
    : isObject(section.capabilities)
      ? 'capabilities'
      : undefined;
  if (containerField)
    containerProblems(
      section[containerField] as Record<string, unknown>,
      under(containerField, containerField),
    );
  return out;
}

export default defineRule({
  id: 'daemon-security-refused',
  title: 'Daemon security context Kubernetes refuses on a pod',
  summary:
    "CR whose targetSpec or proxySpec securityContext (the pod's) or aisContainerSecurityContext (or the deprecated capabilities, the ais-node container's) holds what Kubernetes refuses on a pod: a user or group id outside 0 to 2147483647, an fsGroupChangePolicy other than OnRootMismatch or Always, a supplementalGroupsPolicy other than Merge or Strict, a sysctl name that is none or is repeated, or a net sysctl on hostNetwork targets, a seccomp or AppArmor profile type other than Localhost, RuntimeDefault or Unconfined or a localhostProfile that does not fit its type, a procMount other than Default, or allowPrivilegeEscalation false with privileged or CAP_SYS_ADMIN: warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces, though the CR was accepted).",
  verdict: 'warn',
  operator: `The operator puts the daemon's securityContext on its pods and aisContainerSecurityContext (else the deprecated capabilities field) on the ais-node container, as written (${operatorLink('internal/resources/aistore/cmn/statefulset.go', 68, 'GetPodSecurityContext')}, ${operatorLink('internal/resources/aistore/cmn/statefulset.go', 77, 'GetAISSecurityContext')}).`,
  howToFix:
    'Write ids from 0 to 2147483647, fsGroupChangePolicy OnRootMismatch or Always, supplementalGroupsPolicy Merge or Strict, sysctl names in lower case and each once (no net sysctl on hostNetwork targets), profile types Localhost (with a localhostProfile), RuntimeDefault or Unconfined (without one), and leave procMount unset; allowPrivilegeEscalation false goes with neither privileged nor CAP_SYS_ADMIN.',
  upstream: `${K8S_VALIDATION} (validatePodSpecSecurityContext and ValidateSecurityContext, run on every pod the StatefulSet controller creates, and from 1.36 on the StatefulSet's pod template)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = objectOf(subject.object.spec);
    for (const { section, effect } of DAEMON_SECTIONS)
      warnRefused(
        report,
        section,
        problems(objectOf(spec[section]), section === 'targetSpec' && targetsUseHostNetwork(subject.object)),
        effect,
        (fields) =>
          `Fix spec.${section} ${fields}: ids from 0 to 2147483647, the policy and profile types Kubernetes knows (case matters), a localhostProfile only with type Localhost, sysctl names in lower case and each once (no net sysctl with hostNetwork), procMount unset.`,
      );
  },
});
