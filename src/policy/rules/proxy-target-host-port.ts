// A host port is one per node, whichever pod holds it: the scheduler's NodePorts filter keeps a pod
// off a node where any pod already asks for its (protocol, port). The operator gives proxies and
// targets one "http" container port each, its hostPort from proxySpec.hostPort and
// targetSpec.hostPort, and keeps proxies apart from proxies and targets apart from targets, never a
// proxy from a target. So one host port written for both leaves, on every node that would run a
// proxy and a target, whichever comes second Pending. The operator's defaults differ (51080, 51081).
// Found by an outside review (oper46).
//
// A warning: the user's own affinity may keep proxies and targets apart, which the guard does not
// judge; only nodeSelectors that no node can meet together (one key, two values) are read. Silent in
// a multi-target layout, where target-host-port denies any target host port (and target-host-network
// the host network) already.
import { isObject } from '../k8s.js';
import { hostPortOf, portOf, validPort } from '../port.js';
import { defineRule, operatorLink } from '../rule.js';

const NODE_PORTS =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/scheduler/framework/plugins/nodeports/node_ports.go';

/**
 * The node port a daemon spec's pods hold: its hostPort, or with the host network (targets only:
 * the operator reads targetSpec.hostNetwork, UseHostNetwork) its servicePort.
 */
function nodePortOf(
  daemon: Record<string, unknown>,
  hostNetwork: boolean,
): { port: number; field: string } | undefined {
  const hostPort = hostPortOf(daemon);
  if (hostNetwork) {
    const port = portOf(daemon.servicePort);
    // A hostPort other than the servicePort: Kubernetes refuses the pods (target-host-network-port).
    if (!validPort(port) || (hostPort !== 0 && hostPort !== port)) return undefined;
    return { port, field: 'servicePort, with hostNetwork' };
  }
  return hostPort > 0 ? { port: hostPort, field: 'hostPort' } : undefined;
}

/** Node selectors no node meets together: one key asked with two values. */
function selectorsExclusive(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  return Object.entries(a).some(([key, value]) => Object.hasOwn(b, key) && b[key] !== value);
}

export default defineRule({
  id: 'proxy-target-host-port',
  title: 'Proxies and targets asking for one host port',
  summary:
    "CR whose proxies and targets hold the same node port (proxySpec.hostPort equal to targetSpec.hostPort, or to the targets' servicePort with targetSpec.hostNetwork), unless their nodeSelectors keep them on different nodes, outside a multi-target layout: warn (on a node that would run a proxy and a target, whichever comes second stays Pending).",
  verdict: 'warn',
  operator: `The operator gives the proxy and the target container one port each, "http", whose hostPort is proxySpec.hostPort or targetSpec.hostPort (${operatorLink('internal/resources/aistore/cmn/res.go', 136, 'NewDaemonPorts')}, used by ${operatorLink('internal/resources/aistore/proxy/statefulset.go', 87, 'proxyPodSpec')} and ${operatorLink('internal/resources/aistore/target/statefulset.go', 110, 'targetPodSpec')}), and its pod anti-affinity keeps proxies from proxies and targets from targets only (${operatorLink('internal/resources/aistore/cmn/res.go', 151, 'CreateAISAffinity')}).`,
  howToFix:
    'Give the proxies and the targets different host ports (the operator uses 51080 and 51081), or keep them on different nodes.',
  upstream: `${NODE_PORTS} (fitsPorts: a node where any pod holds the (protocol, host port) a pod asks for does not fit it)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, layout, report }) {
    if (layout.multiTarget) return;
    const { proxySpec, targetSpec } = subject.object.spec ?? {};
    if (!isObject(proxySpec) || !isObject(targetSpec)) return;
    const proxy = nodePortOf(proxySpec, false);
    const target = nodePortOf(targetSpec, targetSpec.hostNetwork === true);
    if (!proxy || !target || proxy.port !== target.port) return;
    if (selectorsExclusive(proxySpec.nodeSelector, targetSpec.nodeSelector)) return;
    report.warn(
      '/spec/proxySpec/hostPort',
      `the proxies and the targets both hold port ${proxy.port} on their node (spec.proxySpec.${proxy.field}, spec.targetSpec.${target.field}): a node takes one pod per host port, and the operator keeps proxies and targets apart only from their own kind, so on a node that would run both, whichever comes second stays Pending ("node(s) didn't have free ports for the requested pod ports").`,
      'Give the proxies and the targets different host ports, or keep them on different nodes.',
    );
  },
});
