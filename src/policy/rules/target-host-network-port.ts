// With hostNetwork a pod's container ports are the node's ports, so Kubernetes holds a hostPort to
// its containerPort. The operator writes targetSpec.hostPort and the servicePort onto one container
// port of the target pod template, and hostNetwork from targetSpec.hostNetwork: when they differ
// Kubernetes refuses every target pod the StatefulSet controller makes (1.33 takes the StatefulSet
// unvalidated, 1.36 refuses the StatefulSet itself; e2e 23 asks the apiserver), while the CR itself
// was accepted. The guard warns: the apiserver decides, and which of the two fixes is the user's.
//
// Warned of whatever else the operator's spec checks say (operator-refuses-spec): the refusal waits
// behind their fix. Silent where another finding already covers the CR: a servicePort that is no
// port number (operator-refuses-spec names it, and "set hostPort to it" would be no fix), and a
// multi-target layout, where target-host-network denies the hostNetwork (and target-host-port the
// hostPort), so "set hostPort to the servicePort" would contradict them. The proxies get no
// hostNetwork from this operator version, and a StatefulSet or Pod that breaks the check is refused
// by the apiserver before any webhook sees it.
import { isObject } from '../k8s.js';
import { hostPortOf, portOf, validPort } from '../port.js';
import { defineRule, operatorLink } from '../rule.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L3873';
const HOST_NETWORK_PORT_REFUSAL = 'must match `containerPort` when `hostNetwork` is true';

export default defineRule({
  id: 'target-host-network-port',
  title: 'Target hostPort other than the servicePort with hostNetwork',
  summary:
    "CR with targetSpec.hostNetwork true and a targetSpec.hostPort that is not 0 and differs from the targetSpec servicePort (read as the operator does: a string of digits is that number), outside a multi-target layout: warn (Kubernetes refuses every target pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the targets never start, or a rolling update stops at the first target it replaces, though the CR was accepted).",
  verdict: 'warn',
  operator: `The operator sets the target pods' hostNetwork from targetSpec.hostNetwork (${operatorLink('internal/resources/aistore/target/statefulset.go', 110, 'targetPodSpec')}, ${operatorLink('api/aistore/v1beta1/aistore_types.go', 950, 'UseHostNetwork')}) and gives the target container one port, "http", whose containerPort is the servicePort's IntValue and whose hostPort is targetSpec.hostPort, 0 when unset (${operatorLink('internal/resources/aistore/cmn/res.go', 136, 'NewDaemonPorts')}); no other container of the pod has ports.`,
  howToFix:
    'Remove `spec.targetSpec.hostPort` (with hostNetwork the service port is a node port already), or set it to the servicePort.',
  upstream: `${K8S_VALIDATION} (validatePodHostNetworkDeps, run on every pod the StatefulSet controller creates, and from 1.36 on the StatefulSet's pod template: a non-zero hostPort "${HOST_NETWORK_PORT_REFUSAL}")`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, layout, report }) {
    if (layout.multiTarget) return;
    const target = subject.object.spec?.targetSpec;
    if (!isObject(target) || target.hostNetwork !== true) return;
    const hostPort = hostPortOf(target);
    if (hostPort === 0) return;
    const containerPort = portOf(target.servicePort);
    if (!validPort(containerPort) || hostPort === containerPort) return;
    const servicePort =
      typeof target.servicePort === 'string'
        ? `${JSON.stringify(target.servicePort)} (port ${containerPort})`
        : String(containerPort);
    report.warn(
      '/spec/targetSpec/hostPort',
      `spec.targetSpec.hostPort ${hostPort} differs from spec.targetSpec.servicePort ${servicePort} with spec.targetSpec.hostNetwork true: the operator puts both on the target container's port, and Kubernetes refuses every target pod made from the operator's StatefulSet, from 1.36 the StatefulSet itself ("spec.containers[0].ports[0].hostPort: Invalid value: ${hostPort}: ${HOST_NETWORK_PORT_REFUSAL}"), so the targets never start, or a rolling update stops at the first target it replaces; the CR is accepted, and only events and the operator's logs say so.`,
      // Short: an admission warning cut to 256 keeps only its last 100 characters (admission.ts shortWarning).
      `Remove spec.targetSpec.hostPort, or set it to the servicePort, ${containerPort}.`,
    );
  },
});
