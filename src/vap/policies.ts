// The guard's single-object rules as admissionregistration.k8s.io/v1 ValidatingAdmissionPolicies:
// checked by the apiserver itself, so they keep holding when the webhook is down. One policy per kind
// (CEL is type-checked against each matched kind's schema, so a policy never mixes a Pod's paths with
// a StatefulSet's). What a single object cannot show (PVs in the cluster, node counts, the CR behind a
// claim) stays the webhook's job; docs/vap.md lists what is covered.
import {
  MAX_CR_NAME,
  MAX_MOUNTPATH,
  HOST_PATH_VOLUME_NAME,
  MAX_MOUNTS,
  NETWORK_ATTACHMENT_ANNOTATION,
  OPERATOR_MOUNTS,
  OPERATOR_VOLUMES,
  ROLLING_FIELDS,
  RULE_DOC_BASE,
} from '../policy/index.js';
import { and, not, or, present, str, valueOr } from './cel.js';
import {
  affinityLabelKeysRefused,
  dataClaimName,
  hostNetworkIn,
  hostPortIn,
  labelledCrName,
  laterTargetName,
  metadataLabels,
  pinsOneHost,
  requiredTargetAntiAffinity,
  targetComponentLabel,
  targetCrName,
  targetPodLabels,
} from './targets.js';

/** A variable of the policy, asked of `object` and (for ratcheting) of `oldObject`. */
interface Fact {
  name: string;
  /** The CEL, given the root and an accessor for the root's other facts. */
  of: (root: string, fact: (name: string) => string) => string;
  /** Its value when there is no old object (CREATE). */
  absent: string;
}

interface Check {
  rule: string;
  /** CEL that is true when the root breaks the rule. */
  broken: (root: string, fact: (name: string) => string) => string;
  message: string;
  messageExpression?: string;
  /** Judged on UPDATE only (the CREATE case is a mutation the webhook makes). */
  updateOnly?: boolean;
  /**
   * The targetSpec field the check is about, fixed at the CR's creation (the operator's webhook
   * refuses changing it), and `when` (CEL, of the new object's facts) what it finds keeps targets
   * apart and nothing the policy can see forces them together: an UPDATE that leaves the field as it
   * was then passes (evaluate.ts fixedAtCreation).
   */
  fixed?: { field: string; when: (fact: (name: string) => string) => string };
}

interface PolicyDef {
  name: string;
  kind: string;
  resource: { apiGroups: string[]; apiVersions: string[]; resources: string[] };
  /**
   * Can the object be one the policy judges (matchConditions)? Absent: every object of the kind.
   * A cheap necessary condition: every check also asks the `target` fact, which needs more.
   */
  recognised?: (root: string) => string;
  /**
   * Every rule of the policy reads only the object's spec and what never changes (name, namespace):
   * an UPDATE that leaves the spec as stored is not judged (the webhook's create-or-spec-change
   * condition). The verdict would be the same (the ratchet allows what the stored object already
   * breaks); skipping spares the apiserver the work on the operator's finalizer and annotation patches.
   */
  specOnly?: true;
  facts: Fact[];
  checks: Check[];
}

/** A target's component label at all (the rest is the `target` fact's to ask). */
const targetLabelled = targetComponentLabel;

const DNS1123_LABEL = `'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'`;
const badLabel = (name: string) => or(`${name}.size() > 63`, not(`${name}.matches(${DNS1123_LABEL})`));
const DNS1123_SUBDOMAIN = `'^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'`;
/** A storage class name Kubernetes refuses (ValidateClassName); "" is no class, and taken. */
const badClass = (name: string) =>
  and(`${name} != ''`, or(`${name}.size() > 253`, not(`${name}.matches(${DNS1123_SUBDOMAIN})`)));
const doc = (rule: string) => ` (see ${RULE_DOC_BASE}#${rule})`;
const labelKeysMessage = (what: string) =>
  `[affinity-label-keys] a pod affinity or anti-affinity term of ${what} has a matchLabelKeys key also in its labelSelector (the target pods carry it, so the apiserver merges it in), a key in mismatchLabelKeys too, or label keys without a labelSelector: Kubernetes refuses every target pod made from it, so no target starts; drop the key from matchLabelKeys or from the labelSelector${doc('affinity-label-keys')}`;
const HOSTPORT_WHY =
  'every target asks for the same host port, so the second target on a node stays Pending; drop hostPort: clients inside use the service port, clients outside spec.targetSpec.externalAccess';

// Each field access costs the apiserver more than the logic around it, and it shares no
// subexpressions: the labels and the name they carry are variables of their own (evaluated once,
// then memoised) rather than object.metadata.labels read ~20 times inside crName.
const targetFacts: Fact[] = [
  { name: 'metaLabels', of: (r) => metadataLabels(r), absent: '{}' },
  { name: 'labelledCrName', of: (_r, f) => labelledCrName(f('metaLabels')), absent: "''" },
  {
    name: 'crName',
    of: (r, f) => targetCrName(r, f('metaLabels'), f('labelledCrName')),
    absent: "''",
  },
  { name: 'target', of: (_r, f) => `${f('crName')} != ''`, absent: 'false' },
];

/**
 * A CR field fixed at creation whose finding keeps targets one per node by itself (`also`, when only
 * some values do), while the layout does not pin them all to one host: the scheduler then leaves a
 * target Pending at worst (src/policy/rules *.keepsTargetsApart, layout.ts sharingForced).
 */
/** Every target asks for the same host port: a non-zero hostPort, or hostNetwork (aistore.ts hostPortsKeepTargetsApart). */
/**
 * The update renders the target pods anew (aistore.ts rollsTargets), field by field: a rolling field
 * set, dropped or changed (a list or map that is empty counts as unset, as to the operator), or a pod
 * annotation added, or changed to a non-empty value (a removed one rolls nothing: the operator compares
 * annotations with DeepDerivative), spec.networkAttachment's included unless an annotation of the CR
 * overrides it. Coarser than the webhook, which resolves what the operator derives (quantities in
 * other spellings, the TLS mode's volume, defaults): docs/vap.md says where they differ.
 */
function rollsTargets(): string {
  const changed = ({ path: fields, collection, ignoredWith }: (typeof ROLLING_FIELDS)[number]) => {
    const path = `spec.${fields.join('.')}`;
    const set = (r: string) =>
      collection ? and(present(r, path), `${r}.${path}.size() > 0`) : present(r, path);
    const compared = or(
      `(${set('object')}) != (${set('oldObject')})`,
      and(set('object'), set('oldObject'), `object.${path} != oldObject.${path}`),
    );
    return ignoredWith ? and(not(present('object', `spec.${ignoredWith}`)), compared) : compared;
  };
  const annotations = 'spec.targetSpec.annotations';
  const attachment = 'spec.networkAttachment';
  const multus = str(NETWORK_ATTACHMENT_ANNOTATION);
  const annotatedIn = (r: string, key: string) =>
    and(present(r, annotations), `${key} in ${r}.${annotations}`);
  // The stored template's value of annotation `key` is `value` (the CR's annotation over the attachment).
  const storedIs = (key: string, value: string) =>
    `(${annotatedIn('oldObject', key)} ? oldObject.${annotations}[${key}] == ${value} : ${and(
      `${key} == ${multus}`,
      present('oldObject', attachment),
      `oldObject.${attachment} == ${value}`,
    )})`;
  // The stored template has annotation `key` (the CR's own, or the attachment's).
  const storedHas = (key: string) =>
    or(annotatedIn('oldObject', key), and(`${key} == ${multus}`, present('oldObject', attachment)));
  // A key the stored template lacks always rolls; a kept one when its new value is not "" and differs.
  const rolls = (key: string, value: string) =>
    or(not(storedHas(key)), and(`${value} != ''`, not(storedIs(key, value))));
  const annotated = and(
    present('object', annotations),
    `object.${annotations}.exists(k, ${rolls('k', `object.${annotations}[k]`)})`,
  );
  const attached = and(
    present('object', attachment),
    not(annotatedIn('object', multus)),
    rolls(multus, `object.${attachment}`),
  );
  return or(...ROLLING_FIELDS.map(changed), annotated, attached);
}

/**
 * DNS mode Pod: each target named by its pod (rules/target-host-port.ts podDnsNames). On UPDATE only
 * when the update rolls the targets or the stored CR was in it too: the operator rolls no mode change
 * out alone. (The webhook also asks the cached target StatefulSet, which a policy cannot see.)
 */
function podDnsNames(r: string): string {
  const pod = (x: string) => and(present(x, 'spec.publicNetDNSMode'), `${x}.spec.publicNetDNSMode == 'Pod'`);
  if (r === 'oldObject') return pod(r);
  // A rollout (a new image, env, resources...) re-renders the targets with the new mode before any scale-out.
  return and(
    pod(r),
    or("request.operation != 'UPDATE'", and('oldObject != null', or(rollsTargets(), pod('oldObject')))),
  );
}

const HOST_PORTS_APART = or(
  and(present('object', 'spec.targetSpec.hostPort'), 'object.spec.targetSpec.hostPort != 0'),
  hostNetworkIn('object.spec.targetSpec'),
);

const keptApart = (field: string, also?: string): Check['fixed'] => ({
  field,
  when: (f) => and(...(also ? [also] : []), not(f('pinnedToOneHost'))),
});

const hostPathMount = (m: string) => and(`has(${m}.useHostPath)`, `${m}.useHostPath == true`);
/** A mount that becomes a volumeClaimTemplate: not useHostPath. */
const claimMount = (m: string) => not(hostPathMount(m));
const absoluteMount = (m: string) => and(`has(${m}.path)`, `${m}.path.startsWith('/')`);
/** Absolute, and (a trailing "/" only matters where the path becomes a claim template name) no trailing "/" on a claim mount. */
const validMountPath = (m: string) =>
  and(
    `${m}.path.startsWith('/')`,
    not(and(claimMount(m), `${m}.path.size() > 1`, `${m}.path.endsWith('/')`)),
  );
/** The claim template name <cr><path-with-dashes> (aistore.ts templateName). */
const mountTemplate = (crName: string) => (m: string) => `(${crName} + ${m}.path.replace('/', '-'))`;
/** The container directory, as aistore.ts containerPath() resolves it ("//", "/./", trailing "/"). */
const containerDir = (m: string) => `('/' + ${m}.path.split('/').filter(s, s != '' && s != '.').join('/'))`;
/**
 * A claim mount's size asks for at least one whole byte and fits the operator's int64 claim request,
 * as quantity.ts wholeBytes reads it (rounded towards zero, at most 40 digits): an integer of at
 * least 1, or a quantity in [1, 2^63). Kubernetes' quantity library reads the string, and caps a
 * binary one (8Ei) at 2^63-1 (apimachinery ParseQuantity): a binary size must be under 2^63-1.
 */
const sizedMount = (m: string) => {
  const text = `string(${m}.size)`;
  const q = `quantity(${text})`;
  return and(
    `has(${m}.size)`,
    `type(${m}.size) == int ? ${m}.size >= 1 : (type(${m}.size) == string && isQuantity(${text}) && !${text}.matches('^[+-]?[.]?([0-9][.]?){41}') && ${q}.compareTo(quantity('1')) >= 0 && (${q}.compareTo(quantity('9223372036854775807')) < 0 || (!${text}.endsWith('i') && ${q}.compareTo(quantity('9223372036854775808')) < 0)))`,
  );
};

/**
 * How much comparing every pair of mounts may cost: the apiserver stops an expression past its cost
 * limit (1,000,000 per expression). The policy compares pairs (two mounts on one directory, two with
 * one claim template name) while mounts x (5 x mounts + the directories' characters / 10) is within
 * this budget; past it the webhook compares them. kube-apiserver charges up to ~3.8 units per unit
 * of that estimate when every mount is distinct (19 + 0.34 x a path's length per pair, measured by
 * an outside review on v1.33 and v1.36: the old budget, 400,000, cancelled valid CRs of 160-254
 * mounts), so 100,000 keeps one CR under 400,000 and an UPDATE, which may judge the stored CR too,
 * under 800,000 (test/e2e/21-vap-cost runs CRs at the edge, distinct and not).
 */
export const PAIRWISE_BUDGET = 100_000;

/** `what` of each mount `o` of the CR that is `which`, or [] without mounts. */
const mountList = (r: string, which: string, what: string) =>
  `${present(r, 'spec.targetSpec.mounts')} ? ${r}.spec.targetSpec.mounts.filter(o, ${which}).map(o, ${what}) : []`;

/** The labels map at `path`, {} when absent. */
const labelsAt = (path: string) => (r: string) => `${present(r, path)} ? ${r}.${path} : {}`;

const AISTORE: PolicyDef = {
  name: 'ais-guard-aistore',
  kind: 'AIStore',
  resource: { apiGroups: ['ais.nvidia.com'], apiVersions: ['v1beta1'], resources: ['aistores'] },
  specOnly: true,
  facts: [
    { name: 'crName', of: (r) => valueOr(r, 'metadata.name', "''"), absent: "''" },
    // The CR's labels for its target pods, under the operator's own (targetPodLabels): the
    // anti-affinity terms select among them.
    { name: 'userPodLabels', of: labelsAt('spec.targetSpec.labels'), absent: '{}' },
    // What the mount checks compare, made once per request: comparing every pair of mounts in place
    // (each pair recomputing both directories) cost past the apiserver's limit per expression at 80
    // mounts. An absolute mount as [container directory, "h" for useHostPath or "c", path] (string(): the
    // apiserver types list literals as homogeneous, and a CR's fields are dyn to it).
    {
      name: 'mountRecords',
      of: (r) =>
        mountList(
          r,
          absoluteMount('o'),
          `[${containerDir('o')}, ${hostPathMount('o')} ? 'h' : 'c', string(o.path)]`,
        ),
      absent: '[]',
    },
    {
      // The mounts' pairs fit PAIRWISE_BUDGET: both pairwise checks ask it.
      name: 'pairsAffordable',
      of: (r, f) =>
        and(
          present(r, 'spec.targetSpec.mounts'),
          `size(${r}.spec.targetSpec.mounts) * (5 * size(${r}.spec.targetSpec.mounts) + ${f('mountRecords')}.map(x, x[0]).join('').size() / 10) <= ${PAIRWISE_BUDGET}`,
        ),
      absent: 'false',
    },
    {
      name: 'claimTemplates',
      of: (r, f) =>
        mountList(
          r,
          and(`has(o.path)`, validMountPath('o'), claimMount('o')),
          mountTemplate(f('crName'))('o'),
        ),
      absent: '[]',
    },
    {
      // targetSpec.size, else spec.size; none is "unknown" (-1), and so is autoscaling: -1 in either
      // field wins (operator IsTargetAutoScaling), the count then follows the nodes.
      name: 'size',
      of: (r) =>
        `(${present(r, 'spec.size')} && ${r}.spec.size == -1) ? -1 : ${present(r, 'spec.targetSpec.size')} ? ${r}.spec.targetSpec.size : ${present(r, 'spec.size')} ? ${r}.spec.size : -1`,
      absent: '-1',
    },
    {
      name: 'antiAffinityOff',
      of: (r, f) =>
        or(
          and(
            present(r, 'spec.targetSpec.disablePodAntiAffinity'),
            `${r}.spec.targetSpec.disablePodAntiAffinity == true`,
          ),
          // The removed top-level field: on CREATE the webhook moves it into targetSpec, unless
          // targetSpec already says otherwise; on UPDATE it still means what it meant.
          and(
            present(r, 'spec.disablePodAntiAffinity'),
            `${r}.spec.disablePodAntiAffinity == true`,
            or("request.operation == 'UPDATE'", not(present(r, 'spec.targetSpec.disablePodAntiAffinity'))),
          ),
          // An update that drops a true the stored CR has: the mutating webhook keeps the true (the
          // operator rejects the change anyway). Asked of oldObject, the term compares it with itself: false.
          and(
            "request.operation == 'UPDATE'",
            'oldObject != null',
            present(r, 'spec.targetSpec'),
            not(present(r, 'spec.targetSpec.disablePodAntiAffinity')),
            present('oldObject', 'spec.targetSpec.disablePodAntiAffinity'),
            'oldObject.spec.targetSpec.disablePodAntiAffinity == true',
          ),
          // A podAntiAffinity of the user's own replaces the operator's; without a required hostname
          // term between targets, targets may share nodes (operator cmn/res.go CreateAISAffinity).
          and(
            present(r, 'spec.targetSpec.affinity'),
            `has(${r}.spec.targetSpec.affinity.podAntiAffinity)`,
            not(
              requiredTargetAntiAffinity(
                `${r}.spec.targetSpec.affinity`,
                targetPodLabels(f('crName'), f('userPodLabels')),
                'request.namespace',
                true,
              ),
            ),
          ),
        ),
      absent: 'false',
    },
    {
      // Target anti-affinity stays on, whatever else: disablePodAntiAffinity: false in so many words,
      // or unset on UPDATE, where nobody will set it (the operator reads nil as false and rejects
      // the change; src/policy/layout.ts antiAffinityKept). On CREATE the mutating webhook may.
      name: 'antiAffinityKept',
      of: (r, f) =>
        and(
          or(
            and(
              present(r, 'spec.targetSpec.disablePodAntiAffinity'),
              `${r}.spec.targetSpec.disablePodAntiAffinity == false`,
            ),
            and("request.operation == 'UPDATE'", not(present(r, 'spec.targetSpec.disablePodAntiAffinity'))),
          ),
          not(f('antiAffinityOff')),
        ),
      absent: 'false',
    },
    {
      name: 'pinnedToOneHost',
      of: (r, f) =>
        and(present(r, 'spec.targetSpec'), pinsOneHost(`${r}.spec.targetSpec`), `${f('size')} > 1`),
      absent: 'false',
    },
    {
      // At most one target: a size of 0 or 1, or autoscaling capped at one (GetTargetSize: the
      // matching nodes, at most autoScale.sizeLimit; target-count.ts maxTargetCount).
      name: 'atMostOneTarget',
      of: (r, f) =>
        or(
          and(`${f('size')} >= 0`, `${f('size')} <= 1`),
          and(
            or(
              and(present(r, 'spec.size'), `${r}.spec.size == -1`),
              and(present(r, 'spec.targetSpec.size'), `${r}.spec.targetSpec.size == -1`),
            ),
            present(r, 'spec.targetSpec.autoScale.sizeLimit'),
            `${r}.spec.targetSpec.autoScale.sizeLimit == 1`,
          ),
        ),
      absent: 'false',
    },
    {
      // One target can never share a node; otherwise anti-affinity off or one pinned host.
      name: 'multiTarget',
      of: (_r, f) =>
        and(
          not(f('atMostOneTarget')),
          or(f('antiAffinityOff'), and(f('pinnedToOneHost'), not(f('antiAffinityKept')))),
        ),
      absent: 'false',
    },
  ],
  checks: [
    {
      // Any hostPort, 0 too, makes the operator advertise the node's address for every target on it
      // unless targets have external access or publicNetDNSMode Pod (rules/target-host-port.ts
      // advertisesNodeAddress).
      rule: 'target-host-port',
      fixed: keptApart('hostPort', HOST_PORTS_APART),
      broken: (r, f) =>
        and(
          f('multiTarget'),
          present(r, 'spec.targetSpec.hostPort'),
          or(
            `${r}.spec.targetSpec.hostPort != 0`,
            and(
              `!has(${r}.spec.targetSpec.externalAccess)`,
              `!(has(${r}.spec.enableExternalLB) && ${r}.spec.enableExternalLB == true)`,
              not(podDnsNames(r)),
            ),
          ),
        ),
      message: `[target-host-port] spec.targetSpec.hostPort in a multi-target layout (0 too: the operator still gives the targets on a node its address as public hostname, which AIStore refuses as "duplicate IPs"): ${HOSTPORT_WHY}${doc('target-host-port')}`,
    },
    {
      rule: 'target-host-network',
      fixed: keptApart('hostNetwork'),
      broken: (r, f) =>
        and(f('multiTarget'), present(r, 'spec.targetSpec'), hostNetworkIn(`${r}.spec.targetSpec`)),
      message: `[target-host-network] spec.targetSpec.hostNetwork in a multi-target layout: every container port becomes a host port, so the second target on a node stays Pending; set hostNetwork: false${doc('target-host-network')}`,
    },
    {
      rule: 'target-host-path-shared',
      // A host port on every target keeps them apart, and their host directories.
      fixed: keptApart('mounts', HOST_PORTS_APART),
      broken: (r, f) =>
        and(
          f('multiTarget'),
          present(r, 'spec.targetSpec.mounts'),
          `${r}.spec.targetSpec.mounts.exists(m, has(m.path) && has(m.useHostPath) && m.useHostPath == true)`,
        ),
      message: `[target-host-path-shared] a useHostPath mount in a multi-target layout: targets on one node would share one data directory; drop useHostPath and give each target its own disk PV (ais-guard plan)${doc('target-host-path-shared')}`,
    },
    {
      rule: 'target-anti-affinity',
      fixed: keptApart('affinity'),
      broken: (r, f) =>
        and(
          f('multiTarget'),
          present(r, 'spec.targetSpec.affinity'),
          requiredTargetAntiAffinity(
            `${r}.spec.targetSpec.affinity`,
            targetPodLabels(f('crName'), f('userPodLabels')),
            'request.namespace',
          ),
        ),
      message: `[target-anti-affinity] spec.targetSpec.affinity requires hostname anti-affinity between targets in a multi-target layout: the operator copies it even with disablePodAntiAffinity, so the second target on a node stays Pending${doc('target-anti-affinity')}`,
    },
    {
      rule: 'affinity-label-keys',
      broken: (r, f) =>
        and(
          present(r, 'spec.targetSpec.affinity'),
          affinityLabelKeysRefused(
            `${r}.spec.targetSpec.affinity`,
            targetPodLabels(f('crName'), f('userPodLabels')),
          ),
        ),
      message: labelKeysMessage('spec.targetSpec.affinity'),
    },
    {
      rule: 'cr-name',
      // cr-name.ts: the operator's Service names, and the target pods' revision label.
      broken: (r) =>
        `!${r}.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$') || size(${r}.metadata.name) > ${MAX_CR_NAME}`,
      message: `[cr-name] the AIStore name must start with a letter, hold only lowercase letters, digits and "-", and have at most ${MAX_CR_NAME} characters: the operator names its Services <cr>-proxy and <cr>-target (DNS-1035 labels), and the StatefulSet controller labels each target pod controller-revision-hash: <cr>-target-<hash>, at most 63 characters${doc('cr-name')}`,
    },
    {
      rule: 'mount-template-name',
      broken: (r, f) => {
        const mounts = `${r}.spec.targetSpec.mounts`;
        // The state claim template <ns>-<cr>-state, when there is one (aistore.ts hasStateClaim).
        const stateClaim = `(${present(r, 'spec.stateStorage')} ? ${present(r, 'spec.stateStorage.pvc')} : ${present(r, 'spec.stateStorageClass')})`;
        const stateTemplate = `(request.namespace + '-' + ${f('crName')} + '-state')`;
        const template = mountTemplate(f('crName'));
        // The name of a pod volume the operator adds, whether or not the CR turns it on (aistore.ts
        // OPERATOR_VOLUMES): the claim would take that volume's place.
        const operatorVolume = (t: string) =>
          or(
            `${t} in [${OPERATOR_VOLUMES.map((v) => str(v.name)).join(', ')}]`,
            `${t}.matches(${str(HOST_PATH_VOLUME_NAME)})`,
          );
        // Two valid claim mounts with one template name, among the names made once per request.
        const duplicate = and(
          f('pairsAffordable'),
          `${f('claimTemplates')}.exists(t, ${f('claimTemplates')}.filter(u, u == t).size() > 1)`,
        );
        return or(
          and(
            present(r, 'spec.targetSpec.mounts'),
            or(
              // More mounts than the guard reads (src/policy/aistore.ts MAX_MOUNTS): denied as a whole.
              `size(${mounts}) > ${MAX_MOUNTS}`,
              `${mounts}.exists(m, has(m.path) && (${not(validMountPath('m'))} || (${claimMount('m')} && (${not(sizedMount('m'))} || ${badLabel(template('m'))} || ${operatorVolume(template('m'))} || ${and(stateClaim, `${template('m')} == ${stateTemplate}`)}))))`,
              duplicate,
            ),
          ),
          // The state claim template is every target pod's volume name too.
          and(stateClaim, badLabel(stateTemplate)),
          // A class no claim may name (aistore.ts stateClaimClass for the state claims' class).
          and(
            present(r, 'spec.targetSpec.mounts'),
            `size(${mounts}) <= ${MAX_MOUNTS}`,
            `${mounts}.exists(m, ${claimMount('m')} && has(m.storageClass) && ${badClass('m.storageClass')})`,
          ),
          `(${present(r, 'spec.stateStorage')} ? (${present(r, 'spec.stateStorage.pvc.storageClass')} && ${badClass(`${r}.spec.stateStorage.pvc.storageClass`)}) : (${present(r, 'spec.stateStorageClass')} && ${badClass(`${r}.spec.stateStorageClass`)}))`,
        );
      },
      message: `[mount-template-name] a mount path must be absolute and, unless useHostPath, without a trailing "/", and give a unique claim template name <cr><path-with-dashes> that is a DNS-1123 label of at most 63 characters, not the state claim's nor a pod volume's the operator adds (config-template, config-mount, config-global, logs-dir, state-mount, tls-certs, tracing-token, aws-creds, gcp-creds, oci-creds, host-data-mount-<i>: the claim would take its place), and such a mount needs a size of at least one byte and under 2^63-1; at most ${MAX_MOUNTS} mounts; the state claim template <namespace>-<cr>-state must be such a label too; a mount's storageClass and the state claims' must be class names (DNS-1123 subdomains), or Kubernetes refuses every claim${doc('mount-template-name')}`,
    },
    {
      rule: 'mount-path-unique',
      broken: (r, f) => {
        const mounts = `${r}.spec.targetSpec.mounts`;
        // The operator's own mounts (aistore.ts OPERATOR_MOUNTS); a null field is absent here.
        const always = OPERATOR_MOUNTS.filter((o) => o.field === undefined).map((o) => str(o.path));
        const reserved = [
          `[${always.join(', ')}]`,
          ...OPERATOR_MOUNTS.filter((o) => o.field !== undefined).map(
            ({ path, field }) => `(has(${r}.spec.${field}) ? [${str(path)}] : [])`,
          ),
        ].join(' + ');
        // Another mount on x's directory: any useHostPath mount there (x itself too, hence the
        // bound), or a claim mount of another path; claim mounts of x's very path are its duplicates,
        // mount-template-name's. Or a mount inside x's directory (aisnode refuses nested
        // mountpaths). One pass over the records per mount: the cost is in the pairs.
        const records = f('mountRecords');
        const nested = `(y[0] != x[0] && y[0].startsWith(x[0] == '/' ? '/' : x[0] + '/'))`;
        const other = `${records}.filter(y, (y[0] == x[0] && (y[1] == 'h' || x[1] == 'h' || y[2] != x[2])) || ${nested}).size() > (x[1] == 'h' ? 1 : 0)`;
        return and(
          present(r, 'spec.targetSpec.mounts'),
          `size(${mounts}) <= ${MAX_MOUNTS}`,
          or(
            // A mountpath aisnode refuses: the root, or longer than it allows (in bytes, as Go counts).
            `${records}.exists(x, x[0] == '/' || x[0].split('/').exists(s, s == '..') || bytes(x[0]).size() > ${MAX_MOUNTPATH})`,
            `${records}.exists(x, x[0] in (${reserved}))`,
            and(f('pairsAffordable'), `${records}.exists(x, ${other})`),
          ),
        );
      },
      message: `[mount-path-unique] each mount needs a container directory of its own: not another mount's, not inside another mount (aisnode refuses nested mountpaths), not through "..", not the root directory nor over 255 bytes (aisnode refuses those too), and not one the operator mounts (/etc/ais, /var/ais_config, /var/log/ais; /var/certs, /var/traces, /root/.aws, /var/gcp, /root/.oci with their fields): Kubernetes rejects every target pod whose container mounts one path twice, aisnode every target with such mountpaths${doc('mount-path-unique')}`,
    },
    {
      rule: 'legacy-anti-affinity-field',
      updateOnly: true,
      broken: (r) => present(r, 'spec.disablePodAntiAffinity'),
      message: `[legacy-anti-affinity-field] spec.disablePodAntiAffinity was removed in ais-operator v2.0.0 and the operator rejects spec.targetSpec changes on UPDATE: remove it, and recreate the CR with spec.targetSpec.disablePodAntiAffinity: true${doc('legacy-anti-affinity-field')}`,
    },
  ],
};

/** Facts of a target pod spec at `spec` with the labels its anti-affinity terms select. */
function podFacts(spec: (r: string) => string, specPath: string, labels: Fact['of']): Fact[] {
  return [
    { name: 'labels', of: labels, absent: '{}' },
    {
      // A term that may keep targets apart: what target-anti-affinity denies or removes.
      name: 'requiredAntiAffinity',
      of: (r, f) =>
        and(
          present(r, `${specPath}.affinity`),
          requiredTargetAntiAffinity(`${spec(r)}.affinity`, f('labels'), 'request.namespace'),
        ),
      absent: 'false',
    },
    {
      // A term sure to keep them apart: what keeps the layout one target per node (layout.ts viewFromPodSpec).
      name: 'guardedAntiAffinity',
      of: (r, f) =>
        and(
          present(r, `${specPath}.affinity`),
          requiredTargetAntiAffinity(`${spec(r)}.affinity`, f('labels'), 'request.namespace', true),
        ),
      absent: 'false',
    },
    { name: 'hostPort', of: (r) => and(present(r, specPath), hostPortIn(spec(r))), absent: 'false' },
    { name: 'hostNetwork', of: (r) => and(present(r, specPath), hostNetworkIn(spec(r))), absent: 'false' },
    { name: 'pinsOneHost', of: (r) => and(present(r, specPath), pinsOneHost(spec(r))), absent: 'false' },
  ];
}

const podChecks = (what: string): Check[] => [
  {
    rule: 'target-host-port',
    broken: (_r, f) => and(f('target'), f('multiTarget'), f('hostPort')),
    message: `[target-host-port] a container of the target ${what} asks for a hostPort, and its nodeSelector pins more than one target to one node with no required hostname anti-affinity between them (multi-target): ${HOSTPORT_WHY}${doc('target-host-port')}`,
  },
  {
    rule: 'target-host-network',
    broken: (_r, f) => and(f('target'), f('multiTarget'), f('hostNetwork')),
    message: `[target-host-network] the target ${what} has hostNetwork: true, and its nodeSelector pins more than one target to one node with no required hostname anti-affinity between them (multi-target): every container port becomes a host port, so the second target on a node stays Pending${doc('target-host-network')}`,
  },
];

const STATEFULSET: PolicyDef = {
  name: 'ais-guard-target-statefulset',
  kind: 'StatefulSet',
  resource: { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['statefulsets'] },
  recognised: targetLabelled,
  facts: [
    ...targetFacts,
    { name: 'replicas', of: (r) => `${present(r, 'spec.replicas')} ? ${r}.spec.replicas : 1`, absent: '1' },
    ...podFacts(
      (r) => `${r}.spec.template.spec`,
      'spec.template.spec',
      labelsAt('spec.template.metadata.labels'),
    ),
    // The names mount-template-name compares, read once per request: compared in place, every pair
    // re-read both objects' fields, and kube-apiserver stopped the expression past its cost limit
    // (~16 units a pair) on the set of a CR of 512 claim and 128 useHostPath mounts; `in` over a list
    // of names costs about one unit a pair.
    {
      name: 'templateNames',
      of: (r) =>
        `${present(r, 'spec.volumeClaimTemplates')} ? ${r}.spec.volumeClaimTemplates.filter(t, has(t.metadata) && has(t.metadata.name)).map(t, t.metadata.name) : []`,
      absent: '[]',
    },
    {
      name: 'podVolumeNames',
      of: (r) =>
        `${present(r, 'spec.template.spec.volumes')} ? ${r}.spec.template.spec.volumes.filter(v, has(v.name)).map(v, v.name) : []`,
      absent: '[]',
    },
    {
      // The StatefulSet without its CR (layout.ts viewFromPodSpec, detectLayout withoutCR): more than
      // one replica pinned to one host with no term sure to keep them apart. Never stricter than the
      // webhook with the CR on what the operator renders from a CR the policies admit: a term sure to
      // keep targets apart is what a CR that keeps anti-affinity on renders (pinned: an explicit
      // false, or a one-target CR scaled out), and the webhook keeps it; anti-affinity off unpinned is
      // also a one-target CR's scale-out with its host port kept (the AIStore policy's `fixed`).
      name: 'multiTarget',
      of: (_r, f) => and(`${f('replicas')} > 1`, f('pinsOneHost'), not(f('guardedAntiAffinity'))),
      absent: 'false',
    },
  ],
  checks: [
    ...podChecks('pod template'),
    {
      rule: 'target-anti-affinity',
      broken: (_r, f) => and(f('target'), f('multiTarget'), f('requiredAntiAffinity')),
      message: `[target-anti-affinity] the target pod template has a required hostname anti-affinity term that may select the other targets (not one sure to keep them apart: the CR's own, copied by the operator), and its nodeSelector pins them all to one node: the second target stays Pending; remove the term from spec.targetSpec.affinity (a new AIStore CR: the operator refuses targetSpec changes)${doc('target-anti-affinity')}`,
    },
    {
      rule: 'affinity-label-keys',
      broken: (r, f) =>
        and(
          f('target'),
          present(r, 'spec.template.spec.affinity'),
          affinityLabelKeysRefused(`${r}.spec.template.spec.affinity`, f('labels')),
        ),
      message: labelKeysMessage('the target pod template'),
    },
    {
      rule: 'mount-template-name',
      broken: (r, f) =>
        and(
          f('target'),
          present(r, 'spec.volumeClaimTemplates'),
          or(
            `${r}.spec.volumeClaimTemplates.exists(t, !(has(t.metadata) && has(t.metadata.name)) || ${badLabel('t.metadata.name')})`,
            // A pod volume of a template's name: the claim takes its place (k8s updateStorage).
            `${f('templateNames')}.exists(n, n in ${f('podVolumeNames')})`,
          ),
        ),
      message: `[mount-template-name] a volumeClaimTemplate name is not a DNS-1123 label of at most 63 characters, or is the name of a pod volume of the template (the claim would take that volume's place): shorten or rename the AIStore mount path it comes from${doc('mount-template-name')}`,
    },
  ],
};

const POD: PolicyDef = {
  name: 'ais-guard-target-pod',
  kind: 'Pod',
  resource: { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
  recognised: targetLabelled,
  facts: [
    ...targetFacts,
    ...podFacts(
      (r) => `${r}.spec`,
      'spec',
      (_r, f) => f('metaLabels'),
    ),
    {
      // A pod alone says how many targets there are at least: its ordinal + 1.
      name: 'laterOrdinal',
      of: (r, f) =>
        and(f('target'), present(r, 'metadata.name'), laterTargetName(`${r}.metadata.name`, f('crName'))),
      absent: 'false',
    },
    {
      // As the StatefulSet's, with ordinal >= 1 for "more than one" (an ordinal-0 pod alone shows no
      // second target: it may be a one-target CR's only one).
      name: 'multiTarget',
      of: (_r, f) => and(f('laterOrdinal'), f('pinsOneHost'), not(f('guardedAntiAffinity'))),
      absent: 'false',
    },
  ],
  checks: podChecks('pod'),
};

const CLAIM: PolicyDef = {
  name: 'ais-guard-target-claim',
  kind: 'PersistentVolumeClaim',
  resource: { apiGroups: [''], apiVersions: ['v1'], resources: ['persistentvolumeclaims'] },
  recognised: targetLabelled,
  facts: [
    ...targetFacts,
    { name: 'claimName', of: (r) => valueOr(r, 'metadata.name', "''"), absent: "''" },
    {
      // <ns>-<c>-state-<c>-target-<N> is the state claim, not a data claim.
      name: 'stateClaim',
      of: (_r, f) =>
        `${f('claimName')}.startsWith(request.namespace + '-' + ${f('crName')} + '-state-' + ${f('crName')} + '-target-')`,
      absent: 'false',
    },
    {
      // <c>-…-<c>-target-<N>, the shape rule 8 checks without the CR (the CR name comes from the
      // label): "<c>-", at least one character, then "-<c>-target-" and the ordinal.
      name: 'dataClaimShape',
      of: (_r, f) => dataClaimName(f('claimName'), f('crName')),
      absent: 'false',
    },
  ],
  checks: [
    {
      rule: 'pvc-name',
      broken: (_r, f) => and(f('target'), not(f('stateClaim')), not(f('dataClaimShape'))),
      message: `[pvc-name] a target data claim must be named <cr><mount-path-with-dashes>-<cr>-target-<N>, as the target StatefulSet claims it; a claim named otherwise is never used${doc('pvc-name')}`,
      messageExpression: `'[pvc-name] "' + variables.claimName + '" is not a claim the StatefulSet ' + variables.crName + '-target will use: it claims ' + variables.crName + '<mount-path-with-dashes>-' + variables.crName + '-target-<N>, e.g. ' + variables.crName + '-data-aistore-' + variables.crName + '-target-0 for mount /data/aistore (see ${RULE_DOC_BASE}#pvc-name)'`,
    },
  ],
};

export const POLICY_DEFS: readonly PolicyDef[] = [AISTORE, STATEFULSET, POD, CLAIM];

export type Actions = 'deny' | 'warn';

export interface VapOptions {
  /** deny (default): validationActions [Deny]; warn: [Warn, Audit], for a first rollout. */
  actions?: Actions;
}

export const LABELS = {
  'app.kubernetes.io/name': 'ais-guard',
  'app.kubernetes.io/component': 'admission-policy',
};
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const oldName = (fact: string) => `old${cap(fact)}`;

/** The webhook's condition of the same name (deploy/base/validating-webhook.yaml). */
const SPEC_CHANGE = {
  name: 'create-or-spec-change',
  expression:
    "request.operation == 'CREATE' || !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec",
};

/**
 * An update of an object being deleted is not judged (evaluate.ts: it only goes away, and its
 * controllers' last updates must pass), so neither the webhook nor a policy refuses it. In each
 * validation, not a matchCondition: other objects still skip the policy after the label lookups.
 */
const BEING_DELETED = and("request.operation == 'UPDATE'", 'has(object.metadata.deletionTimestamp)');

/** On UPDATE, the field at `path` is there and as the stored object has it. */
const keptAsStored = (path: string) =>
  and(
    "request.operation == 'UPDATE'",
    'oldObject != null',
    present('object', path),
    present('oldObject', path),
    `object.${path} == oldObject.${path}`,
  );

function policyObject(def: PolicyDef) {
  const now = (name: string) => `variables.${name}`;
  const old = (name: string) => `variables.${oldName(name)}`;
  const { variables: _objectOnly, ...match } = matchOf(def.kind, ['CREATE', 'UPDATE']);
  const matchConditions = [...(def.specOnly ? [SPEC_CHANGE] : []), ...(match.matchConditions ?? [])];
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: def.name, labels: LABELS },
    spec: {
      // Fail: an expression that cannot be evaluated rejects (none can, on objects the apiserver has
      // validated: every access is guarded). The webhook's Ignore for pods is about a guard that is
      // down; a policy evaluated inside the apiserver is never down.
      failurePolicy: 'Fail',
      ...match,
      ...(matchConditions.length > 0 && { matchConditions }),
      variables: [
        ...def.facts.map((f) => ({ name: f.name, expression: f.of('object', now) })),
        // The same facts of the old object: on UPDATE a violation it already had is not the
        // update's fault (ratcheting, as the webhook does), so controllers can keep updating it.
        ...def.facts.map((f) => ({
          name: oldName(f.name),
          expression: `oldObject == null ? ${f.absent} : (${f.of('oldObject', old)})`,
        })),
      ],
      validations: def.checks.map((c) => ({
        expression: or(
          ...(c.updateOnly ? ["request.operation != 'UPDATE'"] : []),
          BEING_DELETED,
          not(c.broken('object', now)),
          and('oldObject != null', c.broken('oldObject', old)),
          ...(c.fixed ? [and(keptAsStored(`spec.targetSpec.${c.fixed.field}`), c.fixed.when(now))] : []),
        ),
        message: c.message,
        ...(c.messageExpression && { messageExpression: c.messageExpression }),
        reason: 'Forbidden',
      })),
    },
  };
}

function bindingObject(def: PolicyDef, actions: Actions) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: def.name, labels: LABELS },
    spec: { policyName: def.name, validationActions: actions === 'warn' ? ['Warn', 'Audit'] : ['Deny'] },
  };
}

/** The policies, then their bindings: the objects `ais-guard render --vap` prints. */
export function admissionPolicies(options: VapOptions = {}) {
  const actions = options.actions ?? 'deny';
  return [...POLICY_DEFS.map(policyObject), ...POLICY_DEFS.map((d) => bindingObject(d, actions))];
}

/** Which rule each policy's validations check, in order (the agreement test and docs read it). */
export function coverage(): { policy: string; kind: string; rules: string[] }[] {
  return POLICY_DEFS.map((d) => ({ policy: d.name, kind: d.kind, rules: d.checks.map((c) => c.rule) }));
}

/** A policy's match on `kind` (resource, namespaces, recognition), for policies of other types. */
export function matchOf(kind: string, operations: string[]) {
  const def = POLICY_DEFS.find((d) => d.kind === kind);
  if (!def) throw new Error(`no policy for kind ${kind}`);
  return {
    matchConstraints: {
      matchPolicy: 'Equivalent',
      namespaceSelector: {
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: SYSTEM_NAMESPACES },
        ],
      },
      resourceRules: [{ ...def.resource, operations, scope: 'Namespaced' }],
    },
    ...(def.recognised && {
      matchConditions: [{ name: 'aistore-target', expression: def.recognised('object') }],
    }),
    /** The facts of `kind`'s policy about `object` (the VAP adds each again for `oldObject`). */
    variables: def.facts.map((f) => ({ name: f.name, expression: f.of('object', (n) => `variables.${n}`) })),
  };
}
