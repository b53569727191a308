// Targets that share a node cannot all bind the same host port.
import { hostPortsKeepTargetsApart, targetStatefulSetName, type AIStoreCR } from '../aistore.js';
import { rollsTargets } from '../rollout.js';
import { describeLayout, sharedOnceScaled } from '../layout.js';
import { HOSTPORT_FIX, lastChance, LISTED, PENDING_PORTS } from '../messages.js';
import {
  hostPortsOf,
  nodeHostnamesOf,
  type HostPortUse,
  podSpecOf,
  PUBLIC_HOSTNAME_ENV,
  rendersPodDnsMode,
} from '../podspec.js';
import {
  commonPointer,
  defineRule,
  MULTI_TARGET_DOC,
  operatorLink,
  type Reporter,
  type RuleInput,
} from '../rule.js';

/**
 * Targets reached through per-target LoadBalancers: the operator then sets no public hostname from
 * the node (operator api/aistore/v1beta1/aistore_types.go TargetExternalAccessEnabled).
 */
const targetExternalAccess = (cr: AIStoreCR): boolean =>
  (cr.spec?.targetSpec?.externalAccess ?? null) !== null || cr.spec?.enableExternalLB === true;

/**
 * spec.publicNetDNSMode Pod: the operator passes the mode to the init container (AIS_PUBLIC_DNS_MODE,
 * operator internal/resources/aistore/cmn/env.go CommonInitEnv), which then names each target by its
 * own pod DNS name and ignores AIS_PUBLIC_HOSTNAME (the operator's proxy/statefulset_test.go says so of
 * aisinit). On CREATE every target is rendered so. A live CR's mode is another matter: the operator
 * rolls out no change of an init container's env (internal/controller/aistore/common.go
 * shouldUpdateInitContainers) and a scale-out only raises replicas, so the targets keep the mode the
 * StatefulSet was rendered with. On UPDATE it counts when the update rolls the targets out (aistore.ts
 * rollsTargets), or when the CR was stored in Pod mode too and the cached target StatefulSet, when known,
 * renders it.
 */
function podDnsNames({ subject, operation, oldObject, ctx }: RuleInput<'aistore'>): boolean {
  if (subject.object.spec?.publicNetDNSMode !== 'Pod') return false;
  if (operation !== 'UPDATE') return true;
  const stored = (oldObject ?? {}) as AIStoreCR;
  if (rollsTargets(stored, subject.object)) return true;
  if (stored.spec?.publicNetDNSMode !== 'Pod') return false;
  const set = ctx.statefulSet(subject.namespace, targetStatefulSetName(subject.crName));
  return set === undefined || rendersPodDnsMode(set.spec?.template?.spec);
}

/**
 * Whether a hostPort (0 included) makes every target on a node advertise the node's address: not
 * with external access, nor in DNS mode Pod. A change of the mode away from Pod is refused at the
 * hostPort, with the change named (evaluate.ts).
 */
const advertisesNodeAddress = (input: RuleInput<'aistore'>): boolean =>
  !targetExternalAccess(input.subject.object) && !podDnsNames(input);

/**
 * A single-target CR with anti-affinity off and hostPort 0: admitted (one target shares no node), but
 * 0 keeps no later target apart, and any hostPort makes targets on one node advertise one address,
 * so its scale-out will be refused; the field is fixed once the CR exists. (A real host port keeps
 * the targets one per node by itself: its scale-out passes, evaluate.ts fixedAtCreation.)
 */
function warnBeforeScaleOut(input: RuleInput<'aistore'>): void {
  const { subject, report } = input;
  if (subject.object.spec?.targetSpec?.hostPort !== 0 || !advertisesNodeAddress(input)) return;
  report.warn(
    '/spec/targetSpec/hostPort',
    `spec.targetSpec.hostPort 0 with target anti-affinity disabled: 0 asks for no host port, but any hostPort makes the operator give each target its node's address as public hostname, so targets that come to share a node would advertise one address, and AIStore refuses all but one ("duplicate IPs").`,
    lastChance('Remove hostPort'),
  );
}

/**
 * The host ports past the first LISTED, in one deny: a target Pod of 3.5 MB with 62,000 of them got
 * a finding each (a 39.6 MB answer). At the ports' common path, so that on UPDATE the ratchet
 * compares the ports themselves (evaluate.ts alreadySo).
 */
function countUnlistedPorts(hostPorts: readonly HostPortUse[], what: string, report: Reporter): void {
  if (hostPorts.length <= LISTED) return;
  let at = hostPorts[LISTED]!.path;
  for (let i = LISTED + 1; i < hostPorts.length; i++) at = commonPointer(at, hostPorts[i]!.path);
  report.deny(
    at,
    `${hostPorts.length - LISTED} more host port(s) of the target ${what} are refused in the ways above (not listed one by one).`,
    HOSTPORT_FIX,
  );
}

export default defineRule({
  id: 'target-host-port',
  title: 'hostPort on targets in a multi-target layout',
  summary:
    'targetSpec.hostPort (0 too, unless targets have external access or were rendered with publicNetDNSMode Pod: the operator then advertises the node address for every target on it), or a hostPort on a target StatefulSet/Pod container, in a multi-target layout: deny; a target init container that sets AIS_PUBLIC_HOSTNAME from the node there: warn; hostPort 0 on a single-target CR created with anti-affinity off: warn (it cannot change later, and keeps no target apart).',
  verdict: 'deny / warn',
  operator: `The operator puts targetSpec.hostPort on the target container's port (${operatorLink('internal/resources/aistore/cmn/res.go', 136, 'NewDaemonPorts')}), the same on every target pod; with any hostPort set, 0 included, and no external access it makes the node's address each target's public hostname, the AIS_PUBLIC_HOSTNAME variable of the init container (${operatorLink('internal/resources/aistore/target/statefulset.go', 129, 'NewInitContainerEnv')}), and it rolls the targets out for no change of that variable alone (${operatorLink('internal/controller/aistore/common.go', 76, 'shouldUpdateInitContainers')}).`,
  howToFix:
    'Drop `hostPort`: clients inside use the service port, clients outside `spec.targetSpec.externalAccess` (a LoadBalancer per target).',
  upstream: `${MULTI_TARGET_DOC}#internal-and-external-access ("By omitting the hostPort field, targets can communicate internally using servicePort")`,
  roles: ['aistore', 'target-statefulset', 'target-pod'],
  mutates: false,
  // A real host port does; hostPort 0 asks for none, and targets on one node then share an address.
  keepsTargetsApart: hostPortsKeepTargetsApart,
  check(input) {
    const { subject, layout, operation, report } = input;
    if (!layout.multiTarget) {
      if (subject.role === 'aistore' && operation === 'CREATE' && sharedOnceScaled(layout))
        warnBeforeScaleOut(input as RuleInput<'aistore'>);
      return;
    }
    const where = `the second target on a node stays Pending ("${PENDING_PORTS}")`;
    if (subject.role === 'aistore') {
      const hostPort = subject.object.spec?.targetSpec?.hostPort;
      if (typeof hostPort === 'number' && hostPort !== 0) {
        report.deny(
          '/spec/targetSpec/hostPort',
          `spec.targetSpec.hostPort ${hostPort} in a ${describeLayout(layout)}: every target asks for host port ${hostPort}/TCP, so ${where}.`,
          HOSTPORT_FIX,
        );
      } else if (hostPort === 0 && advertisesNodeAddress(input as RuleInput<'aistore'>)) {
        report.deny(
          '/spec/targetSpec/hostPort',
          `spec.targetSpec.hostPort 0 in a ${describeLayout(layout)}: 0 asks for no host port, but a hostPort at all makes the operator give each target its node's address as public hostname, so targets on one node advertise the same address and port, and AIStore refuses all but one ("duplicate IPs").`,
          'Remove spec.targetSpec.hostPort (0 is not "none" to the operator).',
        );
      }
      return;
    }
    const ref = podSpecOf(subject);
    if (!ref) return;
    const hostPorts = hostPortsOf(ref);
    for (const use of hostPorts.slice(0, LISTED)) {
      report.deny(
        use.path,
        `container "${use.container}" of the target ${ref.what} asks for hostPort ${use.hostPort}/${use.protocol} in a ${describeLayout(layout)}: ${where}.`,
        HOSTPORT_FIX,
      );
    }
    countUnlistedPorts(hostPorts, ref.what, report);
    // No host port asked for, yet the node's address as public hostname: a CR with hostPort 0, or one
    // rendered by an operator before v3.1.0 with hostPort and external access. (With a host port the
    // operator always sets it too, and the deny above says what to change.) A warning: the targets
    // may still run one per node, and a refused pod of a live set would only keep it from starting.
    if (hostPorts.length > 0) return;
    for (const use of nodeHostnamesOf(ref)) {
      report.warn(
        use.path,
        `init container "${use.container}" of the target ${ref.what} sets ${PUBLIC_HOSTNAME_ENV} from ${use.fieldPath} in a ${describeLayout(layout)}: targets that share a node advertise its address with the same port, and AIStore refuses all but one of them ("duplicate IPs").`,
        'A live CR\'s targetSpec cannot change (the operator\'s webhook refuses it): create the AIStore CR anew without spec.targetSpec.hostPort (0 is not "none" to the operator), or keep one target per node.',
      );
    }
  },
});
