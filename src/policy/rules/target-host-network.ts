// hostNetwork makes every container port a host port: same collision as hostPort.
import { targetsUseHostNetwork } from '../aistore.js';
import { describeLayout } from '../layout.js';
import { HOSTPORT_FIX, PENDING_PORTS } from '../messages.js';
import { podSpecOf } from '../podspec.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

export default defineRule({
  id: 'target-host-network',
  title: 'hostNetwork on targets in a multi-target layout',
  summary:
    'targetSpec.hostNetwork, or hostNetwork on a target StatefulSet/Pod, in a multi-target layout: deny.',
  verdict: 'deny',
  operator: `The operator sets the target pods' hostNetwork from targetSpec.hostNetwork (${operatorLink('internal/resources/aistore/target/statefulset.go', 110, 'targetPodSpec')}).`,
  howToFix: 'Set `hostNetwork: false`; reach targets as for hostPort.',
  upstream: `${MULTI_TARGET_DOC}#configuring-network-access ("This approach needs adjustment when deploying multiple targets on a single node to avoid port conflicts")`,
  roles: ['aistore', 'target-statefulset', 'target-pod'],
  mutates: false,
  // Every container port a host port: two targets never share a node.
  keepsTargetsApart: () => true,
  check({ subject, layout, report }) {
    if (!layout.multiTarget) return;
    const message = (field: string) =>
      `${field} is true in a ${describeLayout(layout)}: every container port becomes a host port, so the second target on a node ` +
      `stays Pending ("${PENDING_PORTS}").`;
    const fix = `Set hostNetwork to false. ${HOSTPORT_FIX}`;
    if (subject.role === 'aistore') {
      if (targetsUseHostNetwork(subject.object))
        report.deny('/spec/targetSpec/hostNetwork', message('spec.targetSpec.hostNetwork'), fix);
      return;
    }
    const ref = podSpecOf(subject);
    if (ref?.spec.hostNetwork === true)
      report.deny(`${ref.base}/hostNetwork`, message(`the target ${ref.what}'s hostNetwork`), fix);
  },
});
