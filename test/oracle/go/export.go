// ais-guard's oracle: copied by test/oracle/run.sh into a temporary copy of the operator
// module as internal/controller/aistore/zz_aisguard_oracle.go (never into the source tree).
// It exports, unchanged, the node listing the operator uses to size an autoscaling
// cluster (Reconciler.listMatchingNodeNames in cluster_controller.go: nodes matching the
// nodeSelector whose NoSchedule/NoExecute taints are tolerated), so the oracle sizes a
// cluster with the operator's own code rather than a re-implementation; and, unchanged, the
// comparison of a desired pod template with the stored one (shouldUpdatePodTemplate in common.go,
// through shouldUpdateContainerSpec) that decides whether the operator rolls out a StatefulSet.
package aistore

import (
	"context"

	aisclient "github.com/ais-operator/internal/client"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// AISGuardOracleMatchingNodeNames calls the operator's unexported listMatchingNodeNames.
func AISGuardOracleMatchingNodeNames(ctx context.Context, c client.Client, s *runtime.Scheme,
	selector map[string]string, tolerations []corev1.Toleration,
) ([]string, error) {
	r := &Reconciler{k8sClient: aisclient.NewClient(c, s)}
	return r.listMatchingNodeNames(ctx, selector, tolerations)
}

// AISGuardOracleShouldUpdatePodTemplate calls the operator's unexported shouldUpdatePodTemplate.
func AISGuardOracleShouldUpdatePodTemplate(desired, current *corev1.PodTemplateSpec) (bool, string) {
	return shouldUpdatePodTemplate(desired, current)
}
