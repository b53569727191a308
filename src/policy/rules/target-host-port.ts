// DESIGN rule 2. Targets that share a node cannot all bind the same host port.
import { describeLayout } from '../layout.js';
import { HOSTPORT_FIX, PENDING_PORTS } from '../messages.js';
import { hostPortsOf, podSpecOf } from '../podspec.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

export default defineRule({
  id: 'target-host-port',
  title: 'hostPort on targets in a multi-target layout',
  summary:
    'targetSpec.hostPort, or a hostPort on a target StatefulSet/Pod container, in a multi-target layout: deny.',
  verdict: 'deny',
  operator: `The operator puts targetSpec.hostPort on the target container's port (${operatorLink('internal/resources/aistore/cmn/res.go', 136, 'NewDaemonPorts')}), the same on every target pod.`,
  howToFix:
    'Drop `hostPort`: clients inside use the service port, clients outside `spec.targetSpec.externalAccess` (a LoadBalancer per target).',
  upstream: `${MULTI_TARGET_DOC}#internal-and-external-access ("By omitting the hostPort field, targets can communicate internally using servicePort")`,
  roles: ['aistore', 'target-statefulset', 'target-pod'],
  mutates: false,
  check({ subject, layout, report }) {
    if (!layout.multiTarget) return;
    const where = `the second target on a node stays Pending ("${PENDING_PORTS}")`;
    if (subject.role === 'aistore') {
      const hostPort = subject.object.spec?.targetSpec?.hostPort;
      if (typeof hostPort === 'number' && hostPort !== 0) {
        report.deny(
          '/spec/targetSpec/hostPort',
          `spec.targetSpec.hostPort ${hostPort} in a ${describeLayout(layout)}: every target asks for host port ${hostPort}/TCP, so ${where}.`,
          HOSTPORT_FIX,
        );
      }
      return;
    }
    const ref = podSpecOf(subject);
    if (!ref) return;
    for (const use of hostPortsOf(ref)) {
      report.deny(
        use.path,
        `container "${use.container}" of the target ${ref.what} asks for hostPort ${use.hostPort}/${use.protocol} in a ${describeLayout(layout)}: ${where}.`,
        HOSTPORT_FIX,
      );
    }
  },
});
