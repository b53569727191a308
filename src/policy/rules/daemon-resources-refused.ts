// The operator copies targetSpec.resources and proxySpec.resources onto the ais-node container of
// their StatefulSets, adding an ephemeral-storage request of its own unless the CR asks a non-zero
// one (log.max_total, 512 MiB unset, plus 144 MiB), and logSidecar.resources onto the ais-logs
// container of both. The CRD takes any resource list; Kubernetes' own validation of a container's
// resources (pkg/apis/core/validation validateResourceRequirements, after the defaulting that rounds
// each quantity up to milli-units) then refuses every pod the StatefulSet controller makes from the
// operator's StatefulSet. Kubernetes 1.33 takes the StatefulSet itself unvalidated (apps validation
// ValidatePodTemplateSpecForStatefulSet leaves the pod spec out); 1.36 refuses it. Either way the
// daemons never start, and a rolling update stops once it has deleted a daemon it cannot make again,
// while the CR is accepted. The admin client's resources go onto its Deployment
// (adminclient.NewClientDeployment), whose template every Kubernetes version validates: the
// operator's reconcile fails at that step, before it makes or updates the daemons. The guard warns,
// naming what Kubernetes refuses: which of request or limit to change is the user's to choose. e2e 23
// holds it to the operator's rendering of the target StatefulSet and the apiserver's answer.
// Resource claims are left out: Kubernetes drops them where dynamic resource allocation is off, and
// refuses them where it is on.
import { sizeBytes } from '../go-text.js';
import { objectOf } from '../k8s.js';
import { isQualifiedName } from '../k8s-names.js';
import { milliUnits } from '../quantity.js';
import { adminClientEnabled } from '../refused-fields.js';
import { defineRule, operatorLink, pointer } from '../rule.js';
import { clip, nameAsWritten } from '../text.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L7124';
const MI = 1024 ** 2;
/** cmn/statefulset.go NewResourceReq: logs (log.max_total, DefaultLogsStorageReq unset), config, misc. */
const LOGS_DEFAULT = 512 * MI;
const ROOM = (16 + 128) * MI;
const EPHEMERAL = 'ephemeral-storage';

const hugePages = (name: string) => name.startsWith('hugepages-');
/** In the default kubernetes.io namespace (an unprefixed name is). */
const native = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
/** A domain/name resource a device plugin offers: counted in whole units, never overcommitted. */
const extended = (name: string) =>
  !native(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`);

/** Why a container may not ask for `name`, or undefined (validateContainerResourceName). */
function badName(name: string): string | undefined {
  if (!isQualifiedName(name)) return 'is no resource name';
  if (!name.includes('/'))
    return ['cpu', 'memory', EPHEMERAL].includes(name) || hugePages(name)
      ? undefined
      : 'is no resource a container asks for (cpu, memory, ephemeral-storage, hugepages-<size>)';
  return native(name) || extended(name) ? undefined : 'is no extended resource name';
}

/** One quantity of a rendered container: as the CR writes it (or the operator renders it), in milli-units. */
interface Quantity {
  written: unknown;
  milli: bigint;
  /** Its list's place in the CR (the quantity's is that and its name), or undefined for the operator's own. */
  list?: (string | number)[];
}
type List = Map<string, Quantity>;

const shown = (q: Quantity) => clip(String(q.written), 40);

/**
 * A limits or requests list in milli-units; undefined when a quantity in it cannot be read (no
 * quantity, which the CRD's pattern refuses first, or past 40 digits): the container is then not
 * judged, rather than judged without it.
 */
function listOf(value: unknown, list: (string | number)[]): List | undefined {
  const out: List = new Map();
  for (const [name, written] of Object.entries(objectOf(value))) {
    const milli = milliUnits(written);
    if (milli === undefined) return undefined;
    out.set(name, { written, milli, list });
  }
  return out;
}

/** What Kubernetes refuses in one container's limits and requests, each with its place. */
function refusals(limits: List, requests: List, at: (string | number)[]) {
  const out: { at: (string | number)[]; text: string; quantity?: Quantity }[] = [];
  // Its place: the quantity's in the CR, or (the operator's own) the list it would be in.
  const say = (q: Quantity | undefined, name: string, list: string, text: string) =>
    out.push({ at: q?.list ? [...q.list, name] : [...at, list], text, quantity: q });
  for (const [list, quantities] of [
    ['limits', limits],
    ['requests', requests],
  ] as const)
    for (const [name, q] of quantities) {
      const named = badName(name);
      if (named) say(q, name, list, `${list}.${nameAsWritten(name)} ${named}`);
      if (q.milli < 0n) say(q, name, list, `${list}.${nameAsWritten(name)} ${shown(q)} is negative`);
      else if (extended(name) && q.milli % 1000n !== 0n)
        say(q, name, list, `${list}.${nameAsWritten(name)} ${shown(q)} is no whole number`);
      if (hugePages(name) && !divisible(name, q.milli))
        say(
          q,
          name,
          list,
          `${list}.${nameAsWritten(name)} ${shown(q)} is no whole number of ${name.slice('hugepages-'.length)} pages`,
        );
    }
  for (const [name, request] of requests) {
    const limit = limits.get(name);
    const overcommit = native(name) && !hugePages(name);
    const [r, l] = [`requests.${nameAsWritten(name)}`, `limits.${nameAsWritten(name)}`];
    if (limit === undefined) {
      if (!overcommit) say(request, name, 'requests', `${r} has no ${l} (it needs one)`);
    } else if (!overcommit && request.milli !== limit.milli)
      say(request, name, 'requests', `${r} ${shown(request)} is not ${l} ${shown(limit)}`);
    else if (request.milli > limit.milli)
      say(request, name, 'requests', `${r} ${shown(request)} is more than ${l} ${shown(limit)}`);
  }
  const names = [...limits.keys(), ...requests.keys()];
  if (names.some(hugePages) && !names.some((n) => n === 'cpu' || n === 'memory'))
    out.push({ at, text: 'hugepages are asked for without cpu or memory' });
  return out;
}

/** Kubernetes' IsHugePageResourceValueDivisible, in milli-units rounded up to whole units. */
function divisible(name: string, milli: bigint): boolean {
  const page = milliUnits(name.slice('hugepages-'.length));
  if (page === undefined || page <= 0n || page % 1000n !== 0n || milli < 0n) return false;
  return ((milli + 999n) / 1000n) % (page / 1000n) === 0n;
}

/**
 * The fix: the general one for what the CR wrote, and for the operator's own ephemeral-storage
 * request (`operatorRequest` bytes) what to write beside it, or the max_total to mend when negative.
 */
function fixOf(at: string, written: boolean, operatorRequest: number | undefined): string {
  const fixes = written
    ? [
        'Keep each request at or below its limit (equal for hugepages and extended resources), quantities non-negative, and names a container asks for.',
      ]
    : [];
  if (operatorRequest !== undefined)
    fixes.push(
      operatorRequest < 0
        ? 'Give spec.configToUpdate.log.max_total a size of 0 or more.'
        : `Write ${at}.requests.ephemeral-storage at or below limits.ephemeral-storage, or raise the limit to at least ${bytesShown(operatorRequest)}.`,
    );
  return fixes.join(' ');
}

/** What follows when Kubernetes refuses a daemon container of the operator's StatefulSet. */
const podsRefused = (daemons: string) =>
  `Every pod of the operator's StatefulSet is refused (from Kubernetes 1.36 the StatefulSet itself), so the ${daemons} never start, or a rolling update stops at the first one it replaces`;
const ADMIN_CLIENT_REFUSED =
  "Kubernetes refuses the admin client Deployment, and the operator's reconcile fails there each time, before it makes or updates the proxies and targets (a new cluster never starts; changes to a running one are not rolled out)";

const bytesShown = (n: number) => (n % MI === 0 ? `${n / MI}Mi` : String(n));

export default defineRule({
  id: 'daemon-resources-refused',
  title: 'Daemon or admin client resources Kubernetes refuses on a container',
  summary:
    "CR whose targetSpec, proxySpec, logSidecar or (while enabled) adminClient resources, as the operator renders them onto its StatefulSets (with its own ephemeral-storage request of log.max_total, 512Mi unset, plus 144Mi, unless the CR asks a non-zero one), hold what Kubernetes refuses on a container: a request above its limit (the operator's ephemeral-storage request above a lower limits.ephemeral-storage included), a hugepages or extended resource (nvidia.com/gpu) request without an equal limit, a negative quantity, a fractional extended resource or hugepages not a whole number of pages, hugepages without cpu or memory, or a name no container asks for (storage, gpu): warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces, though the CR was accepted; it refuses the admin client Deployment, and the operator's reconcile fails there, before it makes or updates the daemons).",
  verdict: 'warn',
  operator: `The operator gives the ais-node container the daemon's resources with an ephemeral-storage request added unless the CR asks a non-zero one (${operatorLink('internal/resources/aistore/cmn/statefulset.go', 165, 'NewResourceReq')}), the ais-logs container logSidecar.resources (${operatorLink('internal/resources/aistore/cmn/statefulset.go', 105, 'NewLogSidecar')}), and the admin client's container its resources (${operatorLink('internal/resources/aistore/adminclient/deployment.go', 129, 'NewClientDeployment')}), a Deployment it makes in reconcileResources, before the daemons.`,
  howToFix:
    'Keep each request at or below its limit (equal to it for hugepages and extended resources), every quantity non-negative, and the names cpu, memory, ephemeral-storage, hugepages-<size> or a domain/name extended resource; with a limits.ephemeral-storage, write a requests.ephemeral-storage at or below it.',
  upstream: `${K8S_VALIDATION} (validateResourceRequirements, run on every pod the StatefulSet controller creates, and from 1.36 on the StatefulSet's pod template, after SetDefaults_ResourceList rounds each quantity up to milli-units)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = objectOf(subject.object.spec);
    const maxTotal = objectOf(objectOf(spec.configToUpdate).log).max_total;
    // The operator's ephemeral-storage request; a max_total it cannot read is operator-refuses-spec's.
    const logs = typeof maxTotal === 'string' ? sizeBytes(maxTotal) : LOGS_DEFAULT;
    const operatorRequest = logs === undefined ? undefined : logs + ROOM;
    // Literals, not spreads: this runs on every AIStore review (Node 20's object spread is slow).
    const daemon = (name: 'targetSpec' | 'proxySpec', container: string, daemons: string) => ({
      container,
      effect: podsRefused(daemons),
      operatorRequest,
      resources: objectOf(objectOf(spec[name]).resources),
      at: ['spec', name, 'resources'],
    });
    const containers = [
      daemon('targetSpec', 'target ais-node', 'targets'),
      daemon('proxySpec', 'proxy ais-node', 'proxies'),
    ];
    const sidecar = objectOf(spec.logSidecar);
    if (typeof sidecar.image === 'string' && sidecar.image !== '')
      containers.push({
        container: 'ais-logs',
        effect: podsRefused('targets and proxies'),
        operatorRequest: undefined,
        resources: objectOf(sidecar.resources),
        at: ['spec', 'logSidecar', 'resources'],
      });
    // The admin client's Deployment, which the operator makes in its first reconcile step: every
    // Kubernetes version validates its template.
    const admin = objectOf(spec.adminClient);
    if (adminClientEnabled(spec))
      containers.push({
        container: 'admin client',
        effect: ADMIN_CLIENT_REFUSED,
        operatorRequest: undefined,
        resources: objectOf(admin.resources),
        at: ['spec', 'adminClient', 'resources'],
      });

    for (const { container, effect, operatorRequest: added, resources, at } of containers) {
      const limits = listOf(resources.limits, [...at, 'limits']);
      const requests = listOf(resources.requests, [...at, 'requests']);
      if (!limits || !requests) continue;
      // NewResourceReq keeps a non-zero ephemeral-storage request of the CR's, else asks its own.
      const asked = requests.get(EPHEMERAL);
      const own =
        added !== undefined && (asked === undefined || asked.milli === 0n)
          ? { written: bytesShown(added), milli: BigInt(added) * 1000n }
          : undefined;
      if (own) requests.set(EPHEMERAL, own);
      const found = refusals(limits, requests, at);
      if (found.length === 0) continue;
      const operators = ({ quantity }: { quantity?: Quantity }) => own !== undefined && quantity === own;
      report.warn(
        pointer(...found[0]!.at),
        `${at.join('.')}: Kubernetes refuses the ${container} container the operator renders from it: ${found.map((f) => (operators(f) ? `${f.text} (the operator's own: log.max_total ${typeof maxTotal === 'string' ? clip(maxTotal, 40) : 'unset, 512Mi'} plus 144Mi)` : f.text)).join('; ')}. ${effect}; the CR is accepted, and only events and the operator's logs say so.`,
        fixOf(
          at.join('.'),
          found.some((f) => !operators(f)),
          found.some(operators) ? added : undefined,
        ),
      );
    }
  },
});
