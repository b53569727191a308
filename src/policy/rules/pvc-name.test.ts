import { describe, it } from '@jest/globals';
import { aistore, claimName, pvc, targetStatefulSet } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../index.js';

// The selector labels alone are no operator evidence (recognise.ts): without the CR, the rule sees a
// claim only when it also carries app.kubernetes.io/managed-by: ais-operator.
const OPERATOR_LABELS = {
  'app.kubernetes.io/name': 'ais',
  'app.kubernetes.io/component': 'target',
  'app.kubernetes.io/managed-by': 'ais-operator',
};
/** The same object without the operator's managed-by label (someone else's StatefulSet). */
function unmanaged(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  delete (copy.metadata?.labels as Record<string, string>)['app.kubernetes.io/managed-by'];
  return copy;
}
/** The object with its AIStore CR "ais" as controller, as the operator creates what it renders. */
function ownedByCR(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  copy.metadata = {
    ...copy.metadata,
    ownerReferences: [
      { apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: 'ais', controller: true },
    ],
  };
  return copy;
}
const prod = aistore({ namespace: 'ais-prod', disable: true });

const rows: Row[] = [
  { name: 'correct name with the CR known', object: pvc(claimName(1)), context: [aistore()], expect: {} },
  { name: 'correct name, CR unknown: shape only', object: pvc(claimName(1)), expect: {} },
  {
    name: 'old doc wording <namespace>-<path>-<pod> in a namespace named differently',
    object: pvc('ais-prod-data-aistore-ais-target-0', { namespace: 'ais-prod' }),
    context: [prod],
    expect: {
      deny: [
        /pod ais-target-0 claims "ais-data-aistore-ais-target-0".*old AIStore doc's <namespace>-<path>-<pod> wording.*"ais-prod"/,
      ],
    },
  },
  {
    name: 'old doc wording is right when namespace == CR name',
    object: pvc(claimName(0)),
    context: [aistore({ namespace: 'ais' })],
    expect: {},
  },
  {
    name: 'unlabelled hand-made claim is recognised by its suffix',
    object: pvc('ais-prod-data-aistore-ais-target-1', { namespace: 'ais-prod', labels: null }),
    context: [prod],
    expect: { deny: [/claims "ais-data-aistore-ais-target-1"/] },
  },
  // k8s stateful_set_utils.go getPersistentVolumeClaimName writes the ordinal with %d.
  {
    name: 'zero-padded ordinal: no pod claims it; the hint is for the ordinal it was meant to be',
    object: pvc('ais-data-aistore-ais-target-01'),
    context: [aistore()],
    expect: {
      deny: [/pod ais-target-1 claims "ais-data-aistore-ais-target-1".*\("-target-1", never "-target-01"\)/],
    },
  },
  // Review atk55-A: a StatefulSet's replicas is an int32; a later-target warning would name a rounded number.
  {
    name: 'an ordinal past the last a StatefulSet can have: no pod ever claims it',
    object: pvc(claimName(2 ** 31 - 1)),
    context: [aistore()],
    expect: {
      deny: [/which no pod ever claims: its ordinal is past 2147483646, the last a StatefulSet has/],
      fix: [/^Delete this claim, or rename it for another target\.$/],
    },
  },
  {
    name: 'the last ordinal a StatefulSet can have is a later target',
    object: pvc(claimName(2 ** 31 - 2)),
    context: [aistore()],
    expect: { warn: [/for ais-target-2147483646, but AIStore ais has/] },
  },
  {
    name: 'ordinal beyond the target count',
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 })],
    expect: { warn: [/ais-target-2, but AIStore ais has 2 target\(s\).*used after a scale-out/] },
  },
  {
    // The controller claims only for the replicas it has: the guard's cache is behind a scale-out
    // (review lockout). Refused, the new target waited out the controller's backoff.
    name: 'ordinal beyond the cached count, claimed by the StatefulSet controller: warned, not refused',
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 }), targetStatefulSet({ replicas: 2 })],
    requester: 'system:serviceaccount:kube-system:statefulset-controller',
    expect: {
      warn: [/comes from the StatefulSet controller.*\(2 target\(s\)\) is behind a scale-out; not refused/],
    },
  },
  {
    name: "the same through the controller manager's shared identity",
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 })],
    requester: 'system:kube-controller-manager',
    expect: { warn: [/comes from the StatefulSet controller/] },
  },
  {
    name: 'the same claim made by a person: warned, used after a scale-out',
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 })],
    requester: 'kubernetes-admin',
    expect: { warn: [/ais-target-2, but AIStore ais has 2 target\(s\).*used after a scale-out/] },
  },
  {
    // The ephemeral-volume controller names a claim <pod>-<volume> and makes the pod its controller;
    // without --use-service-account-credentials it writes as system:kube-controller-manager too
    // (outside review "today"). A user's pod ais-data-aistore with a volume ais-target-2 makes this.
    name: "a later target's claim a Pod controls, under the shared controller-manager identity: warned as any later claim",
    object: {
      ...pvc(claimName(2)),
      metadata: {
        ...pvc(claimName(2)).metadata,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: 'ais-data-aistore', uid: 'u', controller: true },
        ],
      },
    },
    context: [aistore({ size: 2 })],
    requester: 'system:kube-controller-manager',
    expect: { warn: [/ais-target-2, but AIStore ais has 2 target\(s\).*used after a scale-out/] },
  },
  {
    // Only the count can lag: a misnamed claim is the controller's only if the CR changed its mounts.
    name: 'a claim of no mount of the CR, from the StatefulSet controller: still refused',
    object: pvc('ais-data-other-ais-target-0'),
    context: [aistore()],
    requester: 'system:serviceaccount:kube-system:statefulset-controller',
    expect: { deny: [/claims "ais-data-aistore-ais-target-0"/] },
  },
  {
    // Watches of kinds are not ordered (review "lag"): the operator's StatefulSet of a CR re-created
    // with mount /data/nvme is cached before the new CR is. The controller named it after that set.
    name: "a claim the cached target StatefulSet's template names, from the StatefulSet controller: warned, not refused",
    object: pvc('ais-data-nvme-ais-target-0'),
    context: [aistore(), targetStatefulSet({ templates: ['ais-data-nvme'] })],
    requester: 'system:serviceaccount:kube-system:statefulset-controller',
    expect: {
      warn: [
        /named after a claim template of StatefulSet ais-target as the guard has it, but not after the mounts of AIStore ais .*; not refused\. By the CR: claim "ais-data-nvme-ais-target-0", .*claims "ais-data-aistore-ais-target-0"/,
      ],
    },
  },
  {
    name: 'the same claim made by a person: still refused',
    object: pvc('ais-data-nvme-ais-target-0'),
    context: [aistore(), targetStatefulSet({ templates: ['ais-data-nvme'] })],
    requester: 'kubernetes-admin',
    expect: { deny: [/claims "ais-data-aistore-ais-target-0"/] },
  },
  {
    name: 'from the StatefulSet controller, but no template of the cached set names it: still refused',
    object: pvc('ais-data-other-ais-target-0'),
    context: [aistore(), targetStatefulSet({ templates: ['ais-data-nvme'] })],
    requester: 'system:serviceaccount:kube-system:statefulset-controller',
    expect: { deny: [/claims "ais-data-aistore-ais-target-0"/] },
  },
  {
    name: 'ordinal beyond the CR size but within StatefulSet replicas (scale-up in flight)',
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 }), targetStatefulSet({ replicas: 3 })],
    expect: {},
  },
  {
    // The webhook watches only the operator's StatefulSets; check and audit count the same ones.
    name: 'a StatefulSet named <cr>-target that the operator does not manage: its replicas do not count',
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 }), unmanaged(targetStatefulSet({ replicas: 3 }))],
    expect: { warn: [/ais-target-2, but AIStore ais has 2 target\(s\).*used after a scale-out/] },
  },
  {
    // Operator v3.2.0 made its StatefulSets without the managed-by label, and v3.4.0 never adds it:
    // the AIStore owner (CreateResourceIfNotExists, operator/pkg/client/api.go) is the evidence.
    name: 'a StatefulSet made before operator v3.3.0 (no managed-by label, the CR its owner): its replicas count',
    object: pvc(claimName(2)),
    context: [aistore({ size: 2 }), ownedByCR(unmanaged(targetStatefulSet({ replicas: 3 })))],
    expect: {},
  },
  {
    name: 'autoscaled CR (size -1): any ordinal',
    object: pvc(claimName(7)),
    context: [aistore({ size: -1 })],
    expect: {},
  },
  {
    // --nodes 3 counts nodes, not names: one hostname in the nodeSelector matches one at most.
    name: 'autoscaled CR pinned to one host, --nodes 3: one target, ordinal 2 warned',
    object: pvc(claimName(2)),
    context: [aistore({ size: -1, nodeSelector: { 'kubernetes.io/hostname': 'n0' } })],
    nodeCount: 3,
    expect: { warn: [/AIStore ais has 1 target\(s\) \(ordinals 0..0\)/] },
  },
  {
    // Not "(ordinals 0..-1)": a CR of size 0 has no ordinal to name.
    name: 'a CR of size 0: its claims are for no target, said as "no targets"',
    object: pvc(claimName(0)),
    context: [aistore({ size: 0 })],
    expect: { warn: [/AIStore ais has no targets: no pod uses it until the target count is at least 1/] },
  },
  {
    name: 'autoscaled CR pinned to one host, --nodes 3: ordinal 0 is fine',
    object: pvc(claimName(0)),
    context: [aistore({ size: -1, nodeSelector: { 'kubernetes.io/hostname': 'n0' } })],
    nodeCount: 3,
    expect: {},
  },
  {
    name: 'mount the CR does not have',
    object: pvc('ais-data-other-ais-target-0'),
    context: [aistore()],
    expect: { deny: [/claims "ais-data-aistore-ais-target-0"/] },
  },
  {
    name: 'second mount: each mount has its own claims',
    object: pvc('ais-data-ssd-ais-target-1'),
    context: [aistore({ mounts: [{ path: '/data/aistore' }, { path: '/data/ssd' }] })],
    expect: {},
  },
  {
    name: 'CR with only hostPath mounts has no data claims',
    object: pvc(claimName(0)),
    context: [aistore({ mounts: [{ path: '/data/aistore', useHostPath: true }] })],
    expect: { deny: [/no PVC-backed mounts/] },
  },
  {
    name: 'claim with the operator label, a wrong shape and no CR',
    object: pvc('data-ais-0', { labels: OPERATOR_LABELS }),
    expect: { deny: [/does not have the shape of a target data claim of AIStore ais/] },
  },
  // Review rvw55: a padded name is read as the claim it was meant to be only where it has that shape.
  {
    name: "operator labels, no CR, a padded ordinal on a claim of the CR's shape: the canonical name",
    object: pvc('ais-data-aistore-ais-target-01', { labels: OPERATOR_LABELS }),
    expect: {
      deny: [
        /which no pod claims: .*\("-target-1", never "-target-01"\), so the claim of ais-target-1 is "ais-data-aistore-ais-target-1"/,
      ],
    },
  },
  {
    name: 'operator labels, no CR, a padded ordinal on a name of no claim shape: the shape is named',
    object: pvc('random-target-01', { labels: OPERATOR_LABELS }),
    expect: {
      deny: [
        /^claim "random-target-01", which does not have the shape of a target data claim of AIStore ais/,
      ],
    },
  },
  {
    name: 'CR known, a padded ordinal on a name of no claim shape: no ordinal read from it',
    object: pvc('random-target-01', { labels: OPERATOR_LABELS }),
    context: [aistore()],
    expect: { deny: [/^(?!.*never "-target-01").*pod ais-target-0 claims "ais-data-aistore-ais-target-0"/] },
  },
  {
    name: 'a padded ordinal past the last a StatefulSet can have',
    object: pvc('ais-data-aistore-ais-target-02147483647'),
    context: [aistore()],
    expect: { deny: [/which no pod ever claims: its ordinal is past 2147483646/] },
  },
  {
    name: 'no CR, namespace-prefixed: cannot tell, warns',
    object: pvc('ais-prod-data-aistore-ais-target-0', { namespace: 'ais-prod', labels: OPERATOR_LABELS }),
    expect: { warn: [/starts with the namespace "ais-prod"/] },
  },
  {
    name: 'selector labels only, wrong shape, no CR: no operator evidence, left alone',
    object: pvc('data-ais-0'),
    expect: {},
  },
  {
    name: 'state claim is not a data claim',
    object: pvc('ais-ais-state-ais-target-0'),
    context: [aistore()],
    expect: {},
  },
  {
    name: 'unrelated claim in the namespace',
    object: pvc('postgres-data', { labels: null }),
    context: [aistore()],
    expect: {},
  },
  {
    name: 'claim of another CR in the same namespace is judged against that CR',
    object: pvc('blue-data-aistore-blue-target-0', { labels: null }),
    context: [aistore(), aistore({ name: 'blue' })],
    expect: {},
  },
];

describe('rule pvc-name', () => {
  it.each(rows)('$name', (row) => {
    checkRow('pvc-name', row);
  });
});
