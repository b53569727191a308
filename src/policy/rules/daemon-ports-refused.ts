// Ports the CR gives that Kubernetes refuses on what the operator makes from them, though the CRD and
// the operator's own spec checks take them. A daemon's hostPort goes onto its container port
// (cmn/res.go NewDaemonPorts), and validateContainerPorts refuses one outside 1-65535 (0 is none):
// every pod of the StatefulSet is refused (1.36 refuses the StatefulSet). servicePort,
// portIntraControl and portIntraData each become a TCP port of the daemon's headless Service
// (NewProxyHeadlessSvc, NewTargetHeadlessSvc), and ValidateService refuses one (protocol, port) twice:
// ensurePrereqs makes both Services on every reconcile, before the daemons, and stops there.
// e2e 23 holds the hostPort half to the operator's rendering and the apiserver's answer.
import { objectOf } from '../k8s.js';
import { INTEGER_BOUNDS } from '../operator-decoding.js';
import { hostPortOf, portOf, validPort } from '../port.js';
import { DAEMON_SECTIONS, warnRefused } from '../refused-fields.js';
import { defineRule, operatorLink, pointer } from '../rule.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L6050';

/** The ports of a daemon's headless Service, in its order. */
const SERVICE_PORTS = ['servicePort', 'portIntraControl', 'portIntraData'] as const;
const DAEMONS = { proxySpec: 'proxies', targetSpec: 'targets' } as const;

/** A hostPort past int32 is operator-refuses-spec's: the operator cannot decode the CR at all. */
const [INT32_MIN, INT32_MAX] = INTEGER_BOUNDS.int32;

/** The daemon's hostPort, when Kubernetes refuses it on a container port. */
function refusedHostPort(daemon: Record<string, unknown>): number | undefined {
  const port = hostPortOf(daemon);
  const decodes = port >= INT32_MIN && port <= INT32_MAX;
  return port !== 0 && !validPort(port) && decodes ? port : undefined;
}

/** The first two Service ports with one number; ports that are no port number are operator-refuses-spec's. */
function repeatedPort(daemon: Record<string, unknown>): [string, string, number] | undefined {
  const seen = new Map<number, string>();
  for (const name of SERVICE_PORTS) {
    const port = portOf(daemon[name]);
    if (!validPort(port)) continue;
    const first = seen.get(port);
    if (first !== undefined) return [first, name, port];
    seen.set(port, name);
  }
  return undefined;
}

export default defineRule({
  id: 'daemon-ports-refused',
  title: "Daemon ports Kubernetes refuses on the operator's pods or Services",
  summary:
    "CR whose targetSpec or proxySpec hostPort is outside 1-65535 (0 is none): warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces). CR whose targetSpec or proxySpec gives two of servicePort, portIntraControl and portIntraData one number: warn (each is a TCP port of the daemons' headless Service, which Kubernetes refuses with a port twice, and the operator's reconcile stops there, before it makes or updates any daemon). The CR is accepted either way.",
  verdict: 'warn',
  operator: `The operator puts a daemon's hostPort on its container port (${operatorLink('internal/resources/aistore/cmn/res.go', 136, 'NewDaemonPorts')}) and gives its headless Service a TCP port for servicePort, portIntraControl and portIntraData (${operatorLink('internal/resources/aistore/proxy/services.go', 45, 'NewProxyHeadlessSvc')}, ${operatorLink('internal/resources/aistore/target/services.go', 50, 'NewTargetHeadlessSvc')}), which it applies on every reconcile before the daemons (${operatorLink('internal/controller/aistore/cluster_controller.go', 509, 'ensurePrereqs')}), recording the error on the CR and stopping when Kubernetes refuses one.`,
  howToFix:
    'Give hostPort a port number from 1 to 65535, or leave it unset; give servicePort, portIntraControl and portIntraData of each daemon three different numbers.',
  upstream: `${K8S_VALIDATION} (ValidateService refuses a (protocol, port) pair twice; validateContainerPorts refuses a hostPort that is no port number, on every pod the StatefulSet controller creates, from 1.36 on the StatefulSet's pod template)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = objectOf(subject.object.spec);
    for (const { section, effect } of DAEMON_SECTIONS) {
      const daemon = objectOf(spec[section]);
      const hostPort = refusedHostPort(daemon);
      if (hostPort !== undefined)
        warnRefused(
          report,
          section,
          [
            {
              at: ['hostPort'],
              text: `hostPort ${hostPort} is no port number (1-65535; 0 or unset is none)`,
            },
          ],
          effect,
          () => `Set spec.${section}.hostPort to a port number from 1 to 65535, or remove it.`,
        );
      const repeated = repeatedPort(daemon);
      if (!repeated) continue;
      const [first, second, port] = repeated;
      const many = DAEMONS[section as keyof typeof DAEMONS];
      report.warn(
        pointer('spec', section, second),
        `spec.${section}.${first} and ${second} are both ${port}: the operator's headless Service for the ${many} has a TCP port for each of ${SERVICE_PORTS.join(', ')}, and Kubernetes refuses a Service with one port twice, so the operator's reconcile stops at that Service, before it makes or updates any daemon; the CR is accepted, and only events on it say so.`,
        `Give spec.${section} ${SERVICE_PORTS.join(', ')} three different port numbers.`,
      );
    }
  },
});
