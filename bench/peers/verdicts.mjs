// The shared verdict set for issue 17's side-by-side peers (OPA, Kyverno, Gatekeeper's gator, Pepr):
// AdmissionReviews (v1, validating, CREATE) that every peer's policy must judge as ais-guard's
// evaluate() does on the object alone, so the comparison is of equal work. test/peers checks it.
//
// The rules a single-object policy can express are the ones `ais-guard render --vap` exports for
// Pods and claims (docs/vap.md, src/vap/policies.ts: ais-guard-target-pod, ais-guard-target-claim):
// - target-host-port / target-host-network on a target Pod: the target labels plus the operator's
//   evidence (managed-by: ais-operator, or an AIStore owner of the labelled name), in a multi-target
//   layout as the Pod alone shows it (a nodeSelector pinning one host on an ordinal >= 1, and no
//   required kubernetes.io/hostname anti-affinity selecting its own labels): deny a hostPort or
//   hostNetwork. Never stricter than the webhook with the CR (docs/vap.md): unpinned, the pod may be
//   an admitted one-target CR's scale-out; with the term, a CR that keeps anti-affinity on rendered it.
// - pvc-name, the shape only, on a target claim with that evidence: <cr>-…-<cr>-target-<N>, the
//   state claim <ns>-<cr>-state-<cr>-target-… excepted. The CR behind a claim is the webhook's (not
//   a single object's) to know, so a right shape under the wrong CR is not in this set.
// Nothing here mutates; UPDATE ratcheting is left out (every review is a CREATE).
import { CASES } from '../reviews.mjs';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const FIXTURES = new URL('../../test/fixtures/aistore/', import.meta.url);
const fixture = (name) => parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const benchReview = (id) => JSON.parse(JSON.stringify(CASES.find((c) => c.id === id).body));

/** The review of `object`, with the request's name, namespace, kind and resource filled in. */
function reviewOf(object, kind, resource) {
  const review = benchReview('validate-target-pod');
  const version = object.apiVersion;
  Object.assign(review.request, {
    kind: { group: '', version, kind },
    resource: { group: '', version, resource },
    requestKind: { group: '', version, kind },
    requestResource: { group: '', version, resource },
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    object,
  });
  return review;
}

/** The bench's operator-made target Pod (ais-target-1, pinned to one host), changed by `edit`. */
function targetPod(edit = () => {}) {
  const review = benchReview('validate-target-pod');
  edit(review.request.object);
  return review;
}

/** The review with its object and request in `namespace`. */
function inNamespace(namespace, review) {
  review.request.namespace = namespace;
  review.request.object.metadata.namespace = namespace;
  return review;
}

const withHostPort = (pod) => {
  pod.spec.containers[0].ports[0].hostPort = 51081;
};

/**
 * The pod pinned as the bench's, with a hostPort and one required hostname anti-affinity term on
 * its target labels, changed by `term` (fields added to or replacing the operator's term's).
 */
const withAntiAffinity = (term) => (pod) => {
  withHostPort(pod);
  pod.spec.affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
          },
          topologyKey: 'kubernetes.io/hostname',
          ...term,
        },
      ],
    },
  };
};

/** A target claim for CR "ais", labelled as the operator's own. */
function targetClaim(name, namespace = 'ais') {
  const claim = fixture('05-pvc-target-data-correct-name.yaml');
  claim.metadata.name = name;
  claim.metadata.namespace = namespace;
  claim.metadata.labels['app.kubernetes.io/managed-by'] = 'ais-operator';
  return reviewOf(claim, 'PersistentVolumeClaim', 'persistentvolumeclaims');
}

function otherPod(edit) {
  const review = benchReview('validate-other-pod');
  edit(review.request.object);
  return review;
}

export const VERDICTS = [
  { name: 'target-pod', review: targetPod(), allowed: true },
  { name: 'target-pod-hostport', review: targetPod(withHostPort), allowed: false },
  {
    name: 'target-pod-hostnetwork',
    review: targetPod((pod) => {
      pod.spec.hostNetwork = true;
    }),
    allowed: false,
  },
  {
    // Required hostname anti-affinity against its own targets and no pinned host: one target per
    // node, so a hostPort cannot collide.
    name: 'target-pod-anti-affinity-hostport',
    review: targetPod((pod) => {
      withAntiAffinity({})(pod);
      delete pod.spec.nodeSelector;
    }),
    allowed: true,
  },
  // Hostname anti-affinity terms that do not keep this pod's targets apart (src/policy/layout.ts
  // requiredTargetAntiAffinity, 'surely'): the layout stays multi-target and the hostPort is denied.
  {
    // The term applies to pods in another namespace only (a CR's affinity copied from another team's).
    name: 'target-pod-anti-affinity-other-namespace-hostport',
    review: targetPod(withAntiAffinity({ namespaces: ['ais-staging'] })),
    allowed: false,
  },
  {
    // A namespaceSelector on other labels than the name: the namespace may or may not be picked.
    name: 'target-pod-anti-affinity-namespace-labels-hostport',
    review: targetPod(withAntiAffinity({ namespaceSelector: { matchLabels: { team: 'storage' } } })),
    allowed: false,
  },
  {
    // The own namespace, named by its name label: the term does keep the targets apart.
    name: 'target-pod-anti-affinity-own-namespace-hostport',
    review: targetPod(
      withAntiAffinity({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ais' } } }),
    ),
    allowed: true,
  },
  {
    // matchLabelKeys on the per-pod name label: the apiserver narrows the selector to the pod itself.
    name: 'target-pod-anti-affinity-pod-name-key-hostport',
    review: targetPod(withAntiAffinity({ matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] })),
    allowed: false,
  },
  {
    // mismatchLabelKeys on a label every target shares: the term selects none of the others.
    name: 'target-pod-anti-affinity-mismatch-name-key-hostport',
    review: targetPod(withAntiAffinity({ mismatchLabelKeys: ['app.kubernetes.io/name'] })),
    allowed: false,
  },
  {
    // A selector on the StatefulSet controller's per-pod label, own value: it picks no other target.
    name: 'target-pod-anti-affinity-own-pod-name-hostport',
    review: targetPod(
      withAntiAffinity({
        labelSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'ais-target-1' } },
      }),
    ),
    allowed: false,
  },
  {
    // An empty hostname pins the pod to no node, not to one (no node has an empty hostname label).
    name: 'target-pod-empty-hostname-hostport',
    review: targetPod((pod) => {
      withHostPort(pod);
      pod.spec.nodeSelector['kubernetes.io/hostname'] = '';
    }),
    allowed: true,
  },
  {
    // A system namespace is judged as any other: skipping it is the webhook registration's job (the
    // VAP's namespaceSelector, deploy/base's webhooks), not the policy's, for every peer alike.
    name: 'target-pod-hostport-kube-system',
    review: inNamespace('kube-system', targetPod(withHostPort)),
    allowed: false,
  },
  {
    // No anti-affinity, not pinned: an admitted one-target CR with a hostPort, scaled out, renders it.
    name: 'target-pod-unpinned-hostport',
    review: targetPod((pod) => {
      withHostPort(pod);
      delete pod.spec.nodeSelector;
    }),
    allowed: true,
  },
  {
    // Target labels without the operator's evidence: any chart may use them (issue 14).
    name: 'chart-pod-target-labels-hostport',
    review: targetPod((pod) => {
      withHostPort(pod);
      delete pod.metadata.labels['app.kubernetes.io/managed-by'];
    }),
    allowed: true,
  },
  {
    name: 'other-pod-hostport',
    review: otherPod((pod) => {
      pod.spec.containers[0].ports[0].hostPort = 8080;
    }),
    allowed: true,
  },
  { name: 'target-pvc', review: targetClaim('ais-data-aistore-ais-target-1'), allowed: true },
  { name: 'target-pvc-bad-shape', review: targetClaim('data-aistore-ais-target-0'), allowed: false },
  {
    // The state claim <ns>-<cr>-state-<cr>-target-<N> is not a data claim (its shape differs when the
    // namespace is not the CR's name).
    name: 'target-pvc-state-claim',
    review: targetClaim('store-ais-state-ais-target-0', 'store'),
    allowed: true,
  },
  // The bench's PVC review: the StatefulSet controller's claim carries no managed-by label.
  { name: 'bench-target-pvc', review: benchReview('validate-target-pvc'), allowed: true },
];

export default VERDICTS;
