// The operator runs its spec-only checks (api/aistore/v1beta1/aistore_validation.go ValidateSpec) in
// its webhook and again at the top of every reconcile (internal/controller/aistore/cluster_controller.go
// reconcileResources): a CR that fails them is never deployed, nor a live one updated, and without the
// webhook installed nothing tells the user but an event on the CR. The guard names each failing check
// on the CR (and in `check`, before a GitOps merge) as a warning: the operator decides, and another
// version of it may check otherwise. Its deprecation notices (warnings only) are left out.
//
// Before any of them the operator must decode the CR into its Go types, which fails on a number its
// type cannot hold or on text its type cannot parse, a duration or an IEC size (operator-decoding.ts):
// the guard then names those values alone.
//
// Read as the operator's Go types decode the CR: a size is a *int32 (null or absent is nil, 0 is a
// size), a state mode or spec.tls a pointer (`{}` is set), a nodeSelector a map (`{}` is set, null
// is not), a port an IntOrString that IntValue turns into a number (a string of digits is that
// number, any other string 0; an absent port is 0 too, which the CRD's required list refuses
// first). Keys are matched case-sensitively, as the apiserver prunes and the operator decodes them
// (sigs.k8s.io/json), not as encoding/json would: "Size" is no size.
import { objectOf } from '../k8s.js';
import { INTEGER_BOUNDS, undecodableFields } from '../operator-decoding.js';
import { portOf, validPort } from '../port.js';
import { defineRule, OPERATOR_SOURCE, operatorLink, pointer } from '../rule.js';
import { clip } from '../text.js';

const set = (v: unknown) => v !== undefined && v !== null;
const shown = (v: unknown) => clip(JSON.stringify(v) ?? String(v), 40);

/** A size as the operator holds it: undefined for nil, NaN for no integer (the CRD's to refuse). */
function sizeOf(v: unknown): number | undefined {
  if (!set(v)) return undefined;
  return typeof v === 'number' && Number.isInteger(v) ? v : NaN;
}

/** How many values the operator cannot decode one warning names. */
const NAMED = 4;

/** How to write a value the operator decodes, by what its field holds. */
const FIX = {
  integer: (field: string, [min, max]: readonly [number, number]) =>
    `Set ${field} to a whole number from ${min} to ${max}.`,
  duration: (fields: string) =>
    `Write ${fields} as Go writes a duration: numbers each with a unit (ns, us, ms, s, m, h) and no spaces, such as 30s, 1m30s or 2h.`,
  'size-iec': (fields: string) =>
    `Write ${fields} as a number with an IEC unit and no space, such as 512MiB or 10GiB (a bare number is bytes).`,
};

const PORTS = ['servicePort', 'portPublic', 'portIntraControl', 'portIntraData'] as const;
const DAEMONS = [
  { name: 'proxySpec', who: 'proxy', many: 'proxies' },
  { name: 'targetSpec', who: 'target', many: 'targets' },
] as const;
/** The cert paths of configToUpdate.net.http the operator sets itself when spec.tls is given. */
const CERT_PATHS = ['server_crt', 'server_key', 'client_ca_tls'] as const;

const REFUSED = 'the operator refuses the spec and deploys (or updates) nothing while it stays so';

export default defineRule({
  id: 'operator-refuses-spec',
  title: 'A CR spec the operator refuses to deploy',
  summary:
    "CR whose spec fails the operator's own spec checks: no usable size (proxySpec or targetSpec size below 1 unless autoscaling, or spec.size unset, 0 or below -1 while either daemon size is unset), state storage not given exactly once (stateStorage with other than one of hostPath, pvc, emptyDir; neither it nor hostpathPrefix nor stateStorageClass), shutdownCluster with emptyDir state, autoscaling (size -1) without a nodeSelector, a proxySpec or targetSpec port (servicePort, portPublic, portIntraControl, portIntraData) that is no number from 1 to 65535, spec.tls with a cert path in configToUpdate.net.http, or a value its Go type refuses, which makes the operator unable to decode the CR at all (a number past its integer type: a size or hostPort past int32, a keepalivetracker retry_factor past 255; a configToUpdate timer or tls.certificate duration time.ParseDuration refuses, such as 4 or 1d; a memsys, log or chunks size AIStore's ParseSize refuses, such as 2 GiB): warn (the operator's webhook rejects the CR, and its controller never deploys or updates it).",
  verdict: 'warn',
  operator: `Its spec checks (${operatorLink('api/aistore/v1beta1/aistore_validation.go', 19, 'ValidateSpec')}: ${operatorLink('api/aistore/v1beta1/aistore_validation.go', 44, 'validateSize')}, ${operatorLink('api/aistore/v1beta1/aistore_validation.go', 61, 'validateStateStorage')}, ${operatorLink('api/aistore/v1beta1/aistore_validation.go', 85, 'validateShutdownWithEmptyDir')}, ${operatorLink('api/aistore/v1beta1/aistore_validation.go', 109, 'validateAutoScaling')}, ${operatorLink('api/aistore/v1beta1/aistore_validation.go', 194, 'validateServiceSpec')}, ${operatorLink('api/aistore/v1beta1/aistore_validation.go', 208, 'validateTLSCertPaths')}) run in its webhook (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 89, 'validateSpec')}) and first thing on every reconcile (${operatorLink('internal/controller/aistore/cluster_controller.go', 448, 'reconcileResources')}), which records the error on the CR and returns.`,
  howToFix:
    "Give the CR a size (spec.size, or both daemon sizes; -1 with a nodeSelector to autoscale), exactly one state storage (stateStorage.hostPath, .pvc or .emptyDir), port numbers from 1 to 65535, values each field's Go type reads (the warning names the field: a number in its type's range, a duration such as 90s or 2h, a size such as 10GiB), and leave the cert paths to spec.tls.",
  upstream: `${OPERATOR_SOURCE}/internal/controller/aistore/cluster_controller.go#L448 (reconcileResources: a ValidateSpec error is recorded on the CR and the reconcile stops there)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = objectOf(subject.object.spec);
    const proxy = objectOf(spec.proxySpec);
    const target = objectOf(spec.targetSpec);

    // Values the operator's decoder refuses: it cannot read the CR, and so never gets to the checks
    // below. One warning names the first few, so that the apiserver passes it whole (README,
    // "Warnings as kubectl prints them").
    const found = undecodableFields(subject.object);
    const undecodable = found.slice(0, NAMED);
    if (undecodable.length > 0) {
      const fields = undecodable.map(({ at }) =>
        at.map((s, i) => (typeof s === 'number' ? `[${s}]` : i > 0 ? `.${s}` : s)).join(''),
      );
      const what = undecodable.map(
        ({ value, problem }, i) =>
          `${fields[i]} ${typeof value === 'string' ? shown(value) : value} is ${problem}`,
      );
      const written = (kind: 'duration' | 'size-iec') =>
        fields.filter((_, i) => undecodable[i]!.kind === kind);
      const fixes = undecodable.flatMap(({ kind }, i) =>
        kind === 'duration' || kind === 'size-iec' ? [] : [FIX.integer(fields[i]!, INTEGER_BOUNDS[kind])],
      );
      for (const kind of ['duration', 'size-iec'] as const)
        if (written(kind).length > 0) fixes.push(FIX[kind](written(kind).join(', ')));
      report.warn(
        pointer(...undecodable[0]!.at),
        `${what.join('; ')}${found.length > NAMED ? ` (and ${found.length - NAMED} more)` : ''}: the operator's Go types cannot hold ${found.length === 1 ? 'it' : 'them'}, so the operator cannot decode the CR (its webhook refuses it, and its controller cannot list AIStores while it exists), and ${REFUSED}.`,
        fixes.join(' '),
      );
      return;
    }

    // Sizes (validateSize, validateAutoScaling). One that is no integer, which the CRD refuses,
    // leaves the size checks out.
    const [all, proxies, targets] = [sizeOf(spec.size), sizeOf(proxy.size), sizeOf(target.size)];
    if (![all, proxies, targets].some((s) => Number.isNaN(s))) {
      const sizes = { proxySpec: proxies, targetSpec: targets };
      for (const { name, who, many } of DAEMONS) {
        const own = sizes[name];
        const autoscaled = all === -1 || own === -1;
        if (own !== undefined && own <= 0 && !autoscaled)
          report.warn(
            pointer('spec', name, 'size'),
            `spec.${name}.size is ${own}: a ${who} count must be at least 1 (or -1 to autoscale), so ${REFUSED}.`,
            `Set spec.${name}.size to 1 or more (-1 autoscales onto the nodes its nodeSelector matches).`,
          );
        if (autoscaled && !set(objectOf(spec[name]).nodeSelector))
          report.warn(
            pointer('spec', name, 'nodeSelector'),
            `the ${many} autoscale (size -1) but spec.${name}.nodeSelector is not set: the operator needs it to pick their nodes, so ${REFUSED}.`,
            `Add spec.${name}.nodeSelector with the label of the nodes the ${many} may run on.`,
          );
      }
      if ((targets === undefined || proxies === undefined) && (all === undefined || all === 0 || all <= -2))
        report.warn(
          '/spec/size',
          `${all === undefined ? 'spec.size is not set' : `spec.size is ${all}`} and spec.${targets === undefined ? 'targetSpec' : 'proxySpec'}.size is not set: the cluster has no size (spec.size must be at least 1, or -1 to autoscale), so ${REFUSED}.`,
          'Set spec.size to 1 or more (or -1 to autoscale), or set both spec.proxySpec.size and spec.targetSpec.size.',
        );
    }

    // State storage (validateStateStorage): stateStorage, when set, with exactly one mode; else a
    // legacy field. Either legacy field alone does; the operator only notes that both are set.
    if (set(spec.stateStorage)) {
      const state = objectOf(spec.stateStorage);
      const modes = ['hostPath', 'pvc', 'emptyDir'].filter((m) => set(state[m]));
      if (modes.length !== 1)
        report.warn(
          '/spec/stateStorage',
          `spec.stateStorage ${modes.length === 0 ? 'names no mode' : `names ${modes.join(' and ')}`}: it must name exactly one of hostPath, pvc and emptyDir, so ${REFUSED}.`,
          modes.length === 0
            ? 'Give spec.stateStorage one of hostPath: {prefix: …}, pvc: {storageClass: …} or emptyDir: {}.'
            : `Keep one of ${modes.join(', ')} in spec.stateStorage.`,
        );
    } else if (!set(spec.hostpathPrefix) && !set(spec.stateStorageClass))
      report.warn(
        '/spec/stateStorage',
        `the CR says nowhere where the AIStore state goes (no spec.stateStorage, nor the older hostpathPrefix or stateStorageClass), so ${REFUSED}.`,
        'Add spec.stateStorage with one of hostPath: {prefix: /etc/ais}, pvc: {storageClass: …} or emptyDir: {}.',
      );

    // validateShutdownWithEmptyDir: a shutdown keeps the state to restart from, which an emptyDir loses.
    if (spec.shutdownCluster === true && set(objectOf(spec.stateStorage).emptyDir))
      report.warn(
        '/spec/shutdownCluster',
        `spec.shutdownCluster is true with the state in an emptyDir (spec.stateStorage.emptyDir), which a shutdown would lose, so ${REFUSED}.`,
        'Leave shutdownCluster unset or false while the state is in an emptyDir; state to restart from needs stateStorage.hostPath.',
      );

    // validateServiceSpec: IsValidPortNum on each port's IntValue, proxies and targets.
    for (const { name } of DAEMONS) {
      const daemon = objectOf(spec[name]);
      const bad = PORTS.filter((p) => !validPort(portOf(daemon[p])));
      if (bad.length === 0) continue;
      const what = bad.map((p) => `${p} ${set(daemon[p]) ? shown(daemon[p]) : 'unset'}`).join(', ');
      report.warn(
        pointer('spec', name, bad[0]!),
        `spec.${name} has no port number from 1 to 65535 at ${what} (a string counts only as digits), so ${REFUSED}.`,
        bad.length === 1
          ? `Give spec.${name}.${bad[0]} a port number from 1 to 65535.`
          : `Give each of spec.${name} ${bad.join(', ')} a port number from 1 to 65535.`,
      );
    }

    // validateTLSCertPaths: with spec.tls the operator mounts the certificate itself and sets these.
    const http = objectOf(objectOf(objectOf(spec.configToUpdate).net).http);
    const paths = CERT_PATHS.filter((p) => set(http[p]));
    if (set(spec.tls) && paths.length > 0)
      report.warn(
        pointer('spec', 'configToUpdate', 'net', 'http', paths[0]!),
        `spec.tls is set and so is configToUpdate.net.http ${paths.join(', ')}: the operator sets those paths itself for spec.tls, so ${REFUSED}.`,
        `Remove ${paths.map((p) => `configToUpdate.net.http.${p}`).join(', ')}: spec.tls provides the certificate.`,
      );
  },
});
