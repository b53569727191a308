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
	some field in ["containers", "initContainers"]
	some c in spec[field]
	some p in c.ports
	p.hostPort != 0
	not defaulted_host_port(spec, p)
}

# hostPort = containerPort, as the apiserver defaults every port of a hostNetwork pod.
defaulted_host_port(spec, p) if {
	host_network(spec)
	p.hostPort == p.containerPort
}

host_network(spec) if spec.hostNetwork == true

pins_one_host(spec) if _ = spec.nodeSelector[hostname_key]

# Kubernetes label selector semantics (src/policy/k8s.ts selectorMatches).
selects(sel, labels) if {
	every k, v in object.get(sel, "matchLabels", {}) {
		labels[k] == v
	}
	every e in object.get(sel, "matchExpressions", []) {
		expression_holds(e, labels)
	}
}

in_values(e, labels) if labels[e.key] in e.values

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

# A required hostname anti-affinity term selecting these labels: one target per node.
required_anti_affinity(spec, labels) if {
	some t in spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution
	t.topologyKey == hostname_key
	selects(t.labelSelector, labels)
}

quote(c) := replace(c, ".", "\\.")

later_ordinal(pod, c) if regex.match(sprintf("(^|-)%s-target-[1-9][0-9]*$", [quote(c)]), pod.metadata.name)

# Multi-target as one Pod shows it (src/policy/layout.ts), never stricter than ais-guard with the CR:
# its nodeSelector pins one host, it is not the first target, and no one-per-node anti-affinity.
pod_multi_target(pod) if {
	pins_one_host(pod.spec)
	later_ordinal(pod, target_cr(pod))
	not required_anti_affinity(pod.spec, labels_of(pod))
}

doc(rule) := sprintf(" (see https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md#%s)", [rule])

pod_violations(pod) := {m |
	target_cr(pod) != ""
	pod_multi_target(pod)
	host_port(pod.spec)
	m := concat("", ["[target-host-port] a container of the target pod asks for a hostPort in a multi-target layout: the second target on a node stays Pending", doc("target-host-port")])
} | {m |
	target_cr(pod) != ""
	pod_multi_target(pod)
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

# Every violation of one CREATE or UPDATE of `obj` (kind and namespace as the review names them).
violations(kind, obj, namespace) := pod_violations(obj) if kind == "Pod"

else := claim_violations(obj, namespace) if kind == "PersistentVolumeClaim"

else := set()
