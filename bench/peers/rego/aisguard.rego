# ais-guard's single-object rules in Rego, shared by the OPA peer (bench/peers/opa/policy.rego) and
# the Gatekeeper peer (embedded in bench/peers/gatekeeper/template.yaml by gen-template.mjs). Each
# function mirrors one fact of `ais-guard render --vap` (src/vap/targets.ts, src/vap/policies.ts:
# ais-guard-target-pod, ais-guard-target-claim), so the peers do the work ais-guard's policy core does
# for one object: recognise a target by its labels and the operator's evidence, decide the layout from
# the object alone, then judge hostPort/hostNetwork (Pods) and the claim-name shape (claims).
# Not mirrored: UPDATE ratcheting (the object is judged as it is) and everything needing the cluster.
# Rego v1 (OPA 1.x's default; the Gatekeeper template declares its source version v1).
package lib.aisguard

hostname_key := "kubernetes.io/hostname"

labels_of(obj) := obj.metadata.labels if is_object(obj.metadata.labels)

else := {}

# The CR the target labels name: the app.kubernetes.io pair first, then the legacy pair
# (src/policy/recognise.ts crNameFromTargetLabels).
labelled_cr(obj) := c if {
	l := labels_of(obj)
	l["app.kubernetes.io/component"] == "target"
	c := l["app.kubernetes.io/name"]
	c != ""
} else := c if {
	l := labels_of(obj)
	l.component == "target"
	c := l.app
	c != ""
} else := ""

# The operator's evidence: its managed-by label, or an AIStore owner of that name.
evidence(obj, _) if labels_of(obj)["app.kubernetes.io/managed-by"] == "ais-operator"

evidence(obj, c) if {
	some r in obj.metadata.ownerReferences
	r.kind == "AIStore"
	startswith(r.apiVersion, "ais.nvidia.com/")
	r.name == c
}

# The CR an object belongs to as far as the object itself shows, "" for none.
target_cr(obj) := c if {
	c := labelled_cr(obj)
	c != ""
	evidence(obj, c)
} else := ""

host_port(spec) if {
	some c in counted_containers(spec)
	some p in c.ports
	p.hostPort != 0
	not defaulted_host_port(spec, p)
}

# The containers whose ports the scheduler counts: all containers, and init containers that are
# sidecars (restartPolicy Always); a plain init container's host port holds nothing.
counted_containers(spec) := array.concat(
	object.get(spec, "containers", []),
	[c | some c in object.get(spec, "initContainers", []); c.restartPolicy == "Always"],
)

# hostPort = containerPort, as the apiserver defaults every port of a hostNetwork pod.
defaulted_host_port(spec, p) if {
	host_network(spec)
	p.hostPort == p.containerPort
}

host_network(spec) if spec.hostNetwork == true

# A non-empty hostname: no node has an empty one, so "" pins the pod to no node, not to one.
pins_one_host(spec) if {
	host := spec.nodeSelector[hostname_key]
	is_string(host)
	host != ""
}

# Labels the StatefulSet controller gives each pod a value of its own, and the one every pod of a
# revision shares though no template carries it (src/policy/layout.ts PER_POD_LABELS, REVISION_LABEL).
per_pod_labels := {"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"}

revision_label := "controller-revision-hash"

namespace_name_label := "kubernetes.io/metadata.name"

in_values(e, labels) if labels[e.key] in e.values

# Kubernetes label selector requirement semantics (src/policy/k8s.ts selectorMatches).
expression_holds(e, labels) if {
	e.operator == "In"
	in_values(e, labels)
}

expression_holds(e, labels) if {
	e.operator == "NotIn"
	not in_values(e, labels)
}

expression_holds(e, labels) if {
	e.operator == "Exists"
	_ = labels[e.key]
}

expression_holds(e, labels) if {
	e.operator == "DoesNotExist"
	not has_key(labels, e.key)
}

has_key(m, k) if _ = m[k]

# A key only the StatefulSet controller sets: judged on the other targets, not on this pod's value.
controller_key(k, _) if k in per_pod_labels

controller_key(k, labels) if {
	k == revision_label
	not has_key(labels, k)
}

# Some value of the requirement is one another target may hold (not this pod's own).
other_value(e, labels) if {
	some v in object.get(e, "values", [])
	not labels[e.key] == v
}

# A requirement on a controller key that picks every other target (layout.ts controllerLabelReach
# "all"): Exists, or NotIn of this pod's own value alone.
requirement_picks_all(e, labels) if {
	controller_key(e.key, labels)
	e.operator == "Exists"
}

requirement_picks_all(e, labels) if {
	controller_key(e.key, labels)
	e.operator == "NotIn"
	not other_value(e, labels)
}

requirement_picks_all(e, labels) if {
	not controller_key(e.key, labels)
	expression_holds(e, labels)
}

# The selector picks every other target, whose labels are these plus the controller's
# (layout.ts selectorReach "all"); a matchLabels entry on a controller key never does.
selects_all(sel, labels) if {
	is_object(sel)
	every k, v in object.get(sel, "matchLabels", {}) {
		not controller_key(k, labels)
		labels[k] == v
	}
	every e in object.get(sel, "matchExpressions", []) {
		requirement_picks_all(e, labels)
	}
}

# The term surely applies in namespace ns (layout.ts termScope "yes"): the pod's own when it names
# none, else a listed one, or one its namespaceSelector picks by the name label alone.
term_in_namespace(t, _) if {
	count(object.get(t, "namespaces", [])) == 0
	object.get(t, "namespaceSelector", null) == null
}

term_in_namespace(t, ns) if {
	ns != ""
	ns in object.get(t, "namespaces", [])
}

term_in_namespace(t, ns) if {
	ns != ""
	sel := t.namespaceSelector
	is_object(sel)
	every k, v in object.get(sel, "matchLabels", {}) {
		k == namespace_name_label
		v == ns
	}
	every e in object.get(sel, "matchExpressions", []) {
		e.key == namespace_name_label
		expression_holds(e, {namespace_name_label: ns})
	}
}

# matchLabelKeys / mismatchLabelKeys that leave no other target selected (layout.ts
# otherTargetsReach): the apiserver adds `key in (own)` / `key notin (own)` to the selector.
keys_narrow(t, _) if {
	some k in object.get(t, "matchLabelKeys", [])
	k in per_pod_labels
}

keys_narrow(t, labels) if {
	some k in object.get(t, "mismatchLabelKeys", [])
	not k in per_pod_labels
	shared_by_targets(k, labels)
}

shared_by_targets(k, labels) if has_key(labels, k)

shared_by_targets(k, _) if k == revision_label

# A required hostname anti-affinity term sure to keep the targets with these labels in namespace
# ns apart (layout.ts requiredTargetAntiAffinity 'surely'): one target per node.
required_anti_affinity(spec, labels, ns) if {
	some t in spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution
	t.topologyKey == hostname_key
	term_in_namespace(t, ns)
	not keys_narrow(t, labels)
	selects_all(t.labelSelector, labels)
}

quote(c) := replace(c, ".", "\\.")

later_ordinal(pod, c) if regex.match(sprintf("(^|-)%s-target-[1-9][0-9]*$", [quote(c)]), pod.metadata.name)

# Multi-target as one Pod shows it (src/policy/layout.ts), never stricter than ais-guard with the CR:
# its nodeSelector pins one host, it is not the first target, and no one-per-node anti-affinity.
pod_multi_target(pod, ns) if {
	pins_one_host(pod.spec)
	later_ordinal(pod, target_cr(pod))
	not required_anti_affinity(pod.spec, labels_of(pod), ns)
}

doc(rule) := sprintf(" (see https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md#%s)", [rule])

pod_violations(pod, ns) := {m |
	target_cr(pod) != ""
	pod_multi_target(pod, ns)
	host_port(pod.spec)
	m := concat("", ["[target-host-port] a container of the target pod asks for a hostPort in a multi-target layout: the second target on a node stays Pending", doc("target-host-port")])
} | {m |
	target_cr(pod) != ""
	pod_multi_target(pod, ns)
	host_network(pod.spec)
	m := concat("", ["[target-host-network] the target pod has hostNetwork: true in a multi-target layout: every container port becomes a host port", doc("target-host-network")])
}

# The claim-name shape <cr>-…-<cr>-target-<N>; the state claim <ns>-<cr>-state-<cr>-target-… is not a data claim.
claim_violations(claim, namespace) := {m |
	c := target_cr(claim)
	c != ""
	name := object.get(claim, ["metadata", "name"], "")
	not startswith(name, sprintf("%s-%s-state-%s-target-", [namespace, c, c]))
	not regex.match(sprintf("^%s-.+-%s-target-(0|[1-9][0-9]*)$", [quote(c), quote(c)]), name)
	m := sprintf("[pvc-name] %q is not a claim the StatefulSet %s-target will use: it claims %s<mount-path-with-dashes>-%s-target-<N>%s", [name, c, c, c, doc("pvc-name")])
}

# The object's own namespace, else the review's (src/policy/recognise.ts).
namespace_of(obj, namespace) := ns if {
	ns := obj.metadata.namespace
	is_string(ns)
	ns != ""
} else := namespace

# Every violation of one CREATE or UPDATE of `obj` (kind and namespace as the review names them).
violations(kind, obj, namespace) := pod_violations(obj, namespace_of(obj, namespace)) if kind == "Pod"

else := claim_violations(obj, namespace_of(obj, namespace)) if kind == "PersistentVolumeClaim"

else := set()
