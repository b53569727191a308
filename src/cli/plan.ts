// `ais-guard plan`: the exact PV set for a multi-target layout, from an AIStore CR (a file or the
// cluster) and a node/disk map; `--diff` compares it with PVs that exist. Flag parsing, reading and
// printing only: the planning is src/plan/. The Kubernetes client is loaded only for the cluster flags.
import { parseArgs } from 'node:util';
import {
  dataClaimName,
  isAIStore,
  isObject,
  kindOf,
  nameOf,
  type AIStoreCR,
  type KubeObject,
  type PersistentVolume,
} from '../policy/index.js';
import {
  differenceCount,
  diffVolumes,
  parseDiskMap,
  PlanError,
  planVolumes,
  readiness,
  type Plan,
  type VolumeDiff,
} from '../plan/index.js';
import { readSmallFile } from '../k8s/small-file.js';
import { readYamlValue, stringifyForKube } from '../k8s/yaml.js';
import { append } from './append.js';
import { requireKubeConfig } from './kubeconfig.js';
import { loadManifests } from './load.js';
import { errorReason } from './read.js';
import { UsageError, wholeNumber, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';

export const PLAN_HELP = `Usage: ais-guard plan [options] --disks MAP CR.yaml       ("-" reads the CR from stdin)
       ais-guard plan [options] --disks MAP --from-cluster NS/NAME

Prints the PersistentVolumes of a multi-target layout: one local PV per (target, mount), pre-bound to
the claim the target StatefulSet makes, pinned to its disk's node. Targets go round-robin over the
map's nodes, one disk per mount each, all of a target's disks on one node, no disk shared.

The disk map is YAML: node name -> list of disks, e.g.
  storage-node-01:
    - {path: /mnt/sda, size: 8Ti}
    - {path: /mnt/nvme0, size: 4Ti, class: ais-nvme}   # class: only for a mount of that storageClass

Options:
      --disks FILE            the node/disk map (required)
      --from-cluster NS/NAME  read the AIStore CR from the cluster instead of a file
      --kubeconfig PATH       for the cluster flags (default: $KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME          the kubeconfig context to use (default: its current context)
      --targets N             the target count, when the CR autoscales (size -1) or gives none
  -n, --namespace NS          the CR's namespace, when its manifest has none
  -o, --output FORMAT         yaml (default: a stream for kubectl apply -f -) or json (a v1 List)
      --diff PATH             compare with the PVs in PATH (file or directory; repeat for more)
      --diff-cluster          compare with the cluster's PVs
      --missing               with --diff or --diff-cluster: print the planned PVs of the missing
                              claims (what to apply after a scale-out), not the comparison
  -h, --help                  this help

Exit codes: 0 planned (warnings about the CR go to stderr), 1 --diff found differences (not with --missing),
2 usage or input errors, or disks that cannot hold the targets.`;

const FORMATS = ['yaml', 'json'] as const;
/** The words -o takes, for shell completion. */
export const CHOICES: Choices = { output: FORMATS };
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The options as parseArgs reads them; `completion` offers the same flags. */
export const FLAGS = {
  disks: { type: 'string' },
  'from-cluster': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  targets: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o', default: 'yaml' },
  diff: { type: 'string', multiple: true },
  'diff-cluster': { type: 'boolean', default: false },
  missing: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

/** plan takes the CR's file as an argument: shell completion offers file names for it. */
export const PATHS = true;

function options(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: PATHS,
    options: FLAGS,
  });
  if (values.help) return { help: true as const };
  const format = values.output as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown output format "${values.output}" (use ${FORMATS.join(', ')})`);
  if (!values.disks) throw new UsageError('--disks MAP is required (the node/disk map)');
  const fromCluster = values['from-cluster'];
  if (fromCluster !== undefined && positionals.length > 0)
    throw new UsageError('give a CR file or --from-cluster, not both');
  if (fromCluster === undefined && positionals.length !== 1)
    throw new UsageError('give one AIStore CR file (or "-" for stdin), or --from-cluster NS/NAME');
  const ref = fromCluster?.split('/');
  if (ref && (ref.length !== 2 || !ref[0] || !ref[1]))
    throw new UsageError(`--from-cluster takes NAMESPACE/NAME (got "${fromCluster}")`);
  // The claims' namespace, and part of each PV's name: a namespace name is a DNS-1123 label
  // (k8s ValidateNamespaceName), so any other -n plans PVs the apiserver refuses.
  if (values.namespace !== undefined && !NAMESPACE.test(values.namespace))
    throw new UsageError(
      `-n/--namespace "${values.namespace}" is not a valid namespace name (lower-case letters, digits and "-", a letter or digit at each end, at most 63)`,
    );
  // stdin is read once: the CR and the existing PVs cannot both come from it.
  if (positionals[0] === '-' && (values.diff ?? []).includes('-'))
    throw new UsageError('"-" (stdin) is given for both the CR and --diff: give one of them as a file');
  // The missing claims are those no existing PV serves: without the existing PVs there is no telling.
  if (values.missing && !values.diff && !values['diff-cluster'])
    throw new UsageError('--missing needs the PVs that exist: --diff PATH or --diff-cluster');
  const targets = values.targets === undefined ? undefined : wholeNumber(values.targets);
  if (values.targets !== undefined && !(targets !== undefined && targets > 0))
    throw new UsageError('--targets takes a whole number above 0');
  return {
    help: false as const,
    format,
    disks: values.disks,
    crFile: positionals[0],
    fromCluster: ref as [string, string] | undefined,
    kubeconfig: values.kubeconfig,
    context: values.context,
    targets,
    namespace: values.namespace,
    diff: values.diff ?? [],
    diffCluster: values['diff-cluster'],
    missing: values.missing,
  };
}

type Options = Exclude<ReturnType<typeof options>, { help: true }>;

async function readCR(opts: Options, io: Io): Promise<AIStoreCR> {
  if (opts.fromCluster) {
    const { getAIStore } = await import('../audit/list.js');
    const kc = await requireKubeConfig(opts.kubeconfig, opts.context);
    try {
      return (await getAIStore(kc, ...opts.fromCluster)) as AIStoreCR;
    } catch (err) {
      throw new UsageError((err as Error).message, { cause: err });
    }
  }
  const file = opts.crFile as string;
  const { manifests, errors } = await loadManifests([file], io.stdin);
  const problem = errors[0];
  if (problem)
    throw new UsageError(`${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
  const crs = manifests.map((m) => m.object).filter(isAIStore);
  if (crs.length !== 1)
    throw new UsageError(
      crs.length === 0
        ? `${file} holds no AIStore CR (ais.nvidia.com AIStore)`
        : `${file} holds ${crs.length} AIStore CRs: give a file with one`,
    );
  return crs[0] as AIStoreCR;
}

async function readDiskMap(file: string) {
  let text: string;
  try {
    text = await readSmallFile(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${errorReason(err)}`, { cause: err });
  }
  let map: unknown;
  try {
    map = readYamlValue(text, file);
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  try {
    return parseDiskMap(map, file);
  } catch (err) {
    if (err instanceof PlanError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

async function existingVolumes(opts: Options, io: Io): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  if (opts.diff.length > 0) {
    const { manifests, errors } = await loadManifests(opts.diff, io.stdin);
    const problem = errors[0];
    if (problem)
      throw new UsageError(
        `--diff ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`,
      );
    append(
      objects,
      manifests.map((m) => m.object),
    );
  }
  if (opts.diffCluster) {
    const { listAll } = await import('../audit/list.js');
    const kc = await requireKubeConfig(opts.kubeconfig, opts.context);
    let pvs: KubeObject[] | undefined;
    try {
      pvs = await listAll(kc, '/api/v1/persistentvolumes', { apiVersion: 'v1', kind: 'PersistentVolume' });
    } catch (err) {
      // A refusal (PVs are cluster-scoped: a namespace admin may not list them) or an apiserver
      // that is down is the user's to fix: one line, as --from-cluster says its errors.
      throw new UsageError(`--diff-cluster: cannot list the cluster's PVs: ${(err as Error).message}`, {
        cause: err,
      });
    }
    append(objects, pvs ?? []);
  }
  return oncePerPvName(objects);
}

/**
 * PV names are unique in a cluster, so a PV read twice (a file given twice, a directory holding a
 * plan's YAML and its JSON, the manifests and then the cluster) is one PV, not "a second PV
 * pre-bound" to its claim (review plan47). The copy read last counts, the cluster's after the
 * files', as applying them in that order would leave it. Other objects (Nodes) stay as they are.
 */
function oncePerPvName(objects: KubeObject[]): KubeObject[] {
  const last = new Map<string, KubeObject>();
  for (const o of objects) if (isPv(o)) last.set(nameOf(o) as string, o);
  return objects.filter((o) => !isPv(o) || last.get(nameOf(o) as string) === o);
}

const isPv = (o: KubeObject) =>
  isObject(o) && kindOf(o) === 'PersistentVolume' && typeof nameOf(o) === 'string' && nameOf(o) !== '';

// YAML as kubectl reads it: a node named "yes" or "0b101" stays a string (k8s/yaml.ts).
function stringify(value: unknown, format: Options['format']): string {
  return format === 'json' ? JSON.stringify(value, null, 2) + '\n' : stringifyForKube(value);
}

function printVolumes(volumes: PersistentVolume[], format: Options['format']): string {
  if (format === 'json') return stringify({ apiVersion: 'v1', kind: 'List', items: volumes }, format);
  return volumes.map((pv) => stringifyForKube(pv)).join('---\n');
}

/** Where each target went, for the person running the command (stderr: stdout stays pure data). */
function summary(plan: Plan): string {
  const lines = [
    `planned ${plan.volumes.length} PV(s): ${plan.targets} target(s) of ${plan.namespace}/${plan.crName} × ${plan.mounts.length} mount(s) (${plan.mounts.map((m) => m.path).join(', ')}) on ${plan.nodes.length} node(s)`,
  ];
  const used = new Map<string, string[]>();
  for (const p of plan.placements) {
    const here = used.get(p.node) ?? [];
    here.push(`${plan.crName}-target-${p.ordinal} (${p.disks.map((d) => d.path).join(', ')})`);
    used.set(p.node, here);
  }
  for (const node of plan.nodes)
    lines.push(`  ${node.name}: ${used.get(node.name)?.join(', ') ?? 'no target'}`);
  return lines.join('\n') + '\n';
}

function diffSummary(diff: VolumeDiff): string {
  return `plan vs existing PVs: ${diff.missing.length} missing, ${diff.extra.length} extra, ${diff.conflicting.length} conflicting\n`;
}

export async function runPlan(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(PLAN_HELP + '\n');
    return 0;
  }
  const [cr, diskMap] = await Promise.all([readCR(opts, io), readDiskMap(opts.disks)]);
  let plan: Plan;
  // With --diff, the PVs that exist: targets that have theirs keep them (a scale-out adds targets).
  const existing = opts.diff.length > 0 || opts.diffCluster ? await existingVolumes(opts, io) : undefined;
  try {
    plan = planVolumes(cr, diskMap, { targets: opts.targets, namespace: opts.namespace, existing });
  } catch (err) {
    if (err instanceof PlanError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
  io.stderr.write(summary(plan));
  for (const warning of plan.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (plan.stateClaims) {
    const { template, storageClass } = plan.stateClaims;
    // storageClassName "" is no class at all: the default class is filled in only for a missing one,
    // so only a PV without a class binds such a claim (it is never provisioned).
    const [cls, unless] = storageClass
      ? [`class ${storageClass}`, 'without a provisioner for that class']
      : ['storageClassName ""', 'no provisioner serves "" and, without such PVs,'];
    io.stderr.write(
      `warning: each target also claims a state volume (${template}-${plan.crName}-target-<N>, 1Gi, ${cls}) that this plan makes no PV for: ${unless} the targets stay Pending\n` +
        // The state claim is mounted whole at the state directory (operator cmn/volumes.go
        // NewAISVolumeMounts, no subPath): two targets' state PVs on one path share it.
        `  fix: create those PVs on each target's node, each on a disk or directory of its own${storageClass ? ', give that class a provisioner' : ''}, or use spec.stateStorage.hostPath\n`,
    );
  }
  const crForJudging = cr.metadata?.namespace
    ? cr
    : { ...cr, metadata: { ...cr.metadata, namespace: plan.namespace } };
  for (const { object, finding, alike } of readiness(crForJudging, plan.volumes)) {
    // Six PVs refused for one cause (the CR's host port) are one warning, its first message shown;
    // the others are of the same kind, named without it.
    const names = alike.slice(0, 2).map((a) => a.slice(a.indexOf(' ') + 1));
    const who =
      alike.length === 0
        ? `${object} is`
        : `${object} and ${alike.length} more alike (${names.join(', ')}${alike.length > 2 ? ', …' : ''}) are`;
    io.stderr.write(
      `warning: ${who} not ready for this layout: [${finding.ruleId}] ${finding.message}\n  fix: ${finding.fix}\n`,
    );
  }
  if (opts.diff.length === 0 && !opts.diffCluster) {
    io.stdout.write(printVolumes(plan.volumes, opts.format));
    return 0;
  }
  const diff = diffVolumes(plan.volumes, existing ?? [], plan.namespace, plan.crName, plan.mounts);
  io.stderr.write(diffSummary(diff));
  if (opts.missing) {
    // The plan follows the existing PVs (kept targets stay on their disks), so these PVs go beside
    // them: the rest of the plan is what exists, whose sources cannot change anyway.
    const missing = new Set(diff.missing.map((d) => d.claim));
    // A target planned away from its existing PVs (moved) is planned whole on other disks: its missing
    // claims' PVs alone, beside its old PVs, would put its disks on two nodes (or two targets on one
    // disk), which the guard denies and the scheduler never resolves. They wait for its conflicts.
    const claimsOf = (ordinal: number) =>
      plan.mounts.map((m) => `${plan.namespace}/${dataClaimName(plan.crName, m.path, ordinal)}`);
    const held = new Set(plan.moved.flatMap(claimsOf));
    const ref = (pv: PersistentVolume) => `${pv.spec?.claimRef?.namespace}/${pv.spec?.claimRef?.name}`;
    io.stdout.write(
      printVolumes(
        plan.volumes.filter((pv) => missing.has(ref(pv)) && !held.has(ref(pv))),
        opts.format,
      ),
    );
    const waiting = plan.moved.filter((ordinal) => claimsOf(ordinal).some((claim) => missing.has(claim)));
    if (waiting.length > 0)
      io.stderr.write(
        `warning: the missing PVs of ${waiting.map((o) => `${plan.crName}-target-${o}`).join(', ')} are not printed: each is planned away from its existing PVs (the warning above says why), and its new PVs beside those would split it over two nodes or disks; mend what that warning names first (--diff without --missing shows its PVs), then run --missing again\n`,
      );
    const left = diff.conflicting.length + diff.extra.length;
    if (left > 0)
      io.stderr.write(
        `warning: ${diff.conflicting.length} conflicting and ${diff.extra.length} extra PV(s) are not printed: --diff without --missing says which, and what to do\n`,
      );
    return 0;
  }
  io.stdout.write(stringify(diff, opts.format));
  return differenceCount(diff) > 0 ? 1 : 0;
}
