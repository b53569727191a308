# The OPA peer: answers a validating AdmissionReview v1 with the review response itself, as the
# default decision (POST / on `opa run --server` returns this document as-is, given the review as the
# raw body; see peer.mjs). The rules are bench/peers/rego/aisguard.rego's.
package system

import data.lib.aisguard

main := {
	"apiVersion": "admission.k8s.io/v1",
	"kind": "AdmissionReview",
	"response": response,
}

judged if input.request.operation in {"CREATE", "UPDATE"}

denials := aisguard.violations(input.request.kind.kind, input.request.object, input.request.namespace) if judged

else := set()

response := {
	"uid": input.request.uid,
	"allowed": false,
	"status": {"code": 403, "reason": "Forbidden", "message": concat("; ", sort(denials))},
} if count(denials) > 0

else := {"uid": input.request.uid, "allowed": true}
