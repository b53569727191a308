// Judges a manifest set the way the webhook judges admission requests: every object is a CREATE,
// or with `--base` an UPDATE of its version there, and the set is the cluster context (so a CR, its
// PVs and its PVCs are checked together). With `--context-per-dir` each PATH argument is a context
// of its own: one cluster per folder.
import { dirname, sep } from 'node:path';
import { CLUSTER_SCOPED } from '../deploy/objects.js';
import {
  evaluateSet,
  identityOf,
  kindAndName,
  storedOnly,
  type Evaluation,
  type KubeObject,
  type Modes,
} from '../policy/index.js';
import type { LoadError, Manifest } from './load.js';

export interface Judged {
  manifest: Manifest;
  evaluation: Evaluation;
}

export interface JudgeOptions {
  modes?: Modes;
  nodeCount?: number;
  /** Node objects from --nodes-file: part of every context, not judged. */
  nodes?: KubeObject[];
  contextPerArgument?: boolean;
  /** The objects are live (audit): see evaluateSet's SetOptions.live. */
  live?: boolean;
  /** -n: the namespace of namespaced objects that name none, as `kubectl apply -n` gives them. */
  namespace?: string;
  /**
   * --base: the versions applied now, each from the PATH argument (`source.argument`) whose
   * counterpart it is. An object found there is judged as the UPDATE from it.
   */
  base?: Manifest[];
}

/** A namespaced object (any kind but the cluster-scoped ones) that names no namespace. */
const namespaceless = (o: KubeObject) =>
  !CLUSTER_SCOPED.has(o.kind ?? '') &&
  (typeof o.metadata?.namespace !== 'string' || o.metadata.namespace === '');

/** The object as the apiserver would store it under `kubectl apply -n namespace`: a copy, the input untouched. */
function inNamespace(o: KubeObject, namespace: string | undefined): KubeObject {
  if (namespace === undefined || !namespaceless(o)) return o;
  return { ...o, metadata: { ...o.metadata, namespace } };
}

/** The manifests grouped by context, in input order. */
export function contextsOf(manifests: Manifest[], perArgument = false): Manifest[][] {
  if (!perArgument) return manifests.length > 0 ? [manifests] : [];
  const groups = new Map<number, Manifest[]>();
  for (const m of manifests) {
    const group = groups.get(m.source.argument) ?? [];
    groups.set(m.source.argument, group);
    group.push(m);
  }
  return [...groups.values()];
}

/** The base versions an input context is an update of: those of its own PATHs with --context-per-dir. */
function baseOf(group: Manifest[], options: JudgeOptions): KubeObject[] | undefined {
  if (!options.base) return undefined;
  const args = new Set(group.map((m) => m.source.argument));
  return options.base
    .filter((m) => !options.contextPerArgument || args.has(m.source.argument))
    .map((m) => inNamespace(m.object, options.namespace));
}

/** Every object judged through the guard (a CREATE, or an UPDATE of its --base version), each context's set its cluster (evaluateSet). */
export function judge(manifests: Manifest[], options: JudgeOptions = {}): Judged[] {
  const judged: Judged[] = [];
  for (const group of contextsOf(manifests, options.contextPerArgument)) {
    const evaluations = evaluateSet(
      group.map((m) => inNamespace(m.object, options.namespace)),
      {
        modes: options.modes,
        nodeCount: options.nodeCount,
        given: options.nodes,
        live: options.live,
        stored: baseOf(group, options),
      },
    );
    group.forEach((manifest, i) => judged.push({ manifest, evaluation: evaluations[i]! }));
  }
  return judged;
}

/**
 * Twice from two folders is how a repository with a folder per cluster reads as one context (README,
 * GitOps): name the flag that judges each folder alone, under the folders' common parent.
 */
function perFolderHint(firstFile: string, file: string): string {
  const [a, b] = [dirname(firstFile), dirname(file)];
  if (a === b || firstFile === '-' || file === '-') return '';
  const [as, bs] = [a.split(sep), b.split(sep)];
  let common = 0;
  while (common < as.length && as[common] === bs[common]) common++;
  if (common === as.length || common === bs.length) return ''; // one folder inside the other
  // The folders' common parent ('' for the root of absolute paths), or none for relative siblings.
  const parent = common > 0 ? `${as.slice(0, common).join(sep)}${sep}` : '';
  return `; separate clusters? judge each folder as its own: --context-per-dir ${parent}*${sep}`;
}

/** The same kind/namespace/name twice in one context (after -n): the verdict would depend on argument order. */
export function duplicates(manifests: Manifest[], perArgument = false, namespace?: string): LoadError[] {
  const errors: LoadError[] = [];
  for (const group of contextsOf(manifests, perArgument)) {
    const seen = new Map<string, Manifest>();
    for (const m of group) {
      // As judged: with -n, an object that names no namespace is in it (a copy that names it is the same
      // object); identityOf leaves out a cluster-scoped one's namespace (the apiserver drops it).
      const object = inNamespace(m.object, namespace);
      const id = identityOf(object);
      if (id === undefined) continue;
      const first = seen.get(id);
      if (!first) {
        seen.set(id, m);
        continue;
      }
      const ns = CLUSTER_SCOPED.has(object.kind ?? '') ? undefined : object.metadata?.namespace;
      errors.push({
        file: m.source.file,
        line: m.line,
        message: `${m.object.kind} ${ns ? `${ns}/` : ''}${m.object.metadata?.name} is given twice: also at ${first.source.file}:${first.line} (one object per kind/namespace/name, or the verdict depends on argument order)${perArgument ? '' : perFolderHint(first.source.file, m.source.file)}`,
      });
    }
  }
  return errors;
}

/**
 * Kinds known to be namespaced, by API group: the built-in ones a cluster's discovery lists as
 * namespaced (`kubectl api-resources --namespaced=true`) and the AIStore CRD's. `kubectl apply -n`
 * skips a cluster-scoped object's namespace (the apiserver clears it), and any other kind's scope is
 * the cluster's to say (its discovery, a CRD's scope): only these are held to -n.
 */
const NAMESPACED_BY_GROUP: Readonly<Record<string, readonly string[]>> = {
  '': [
    'Binding',
    'ConfigMap',
    'Endpoints',
    'Event',
    'LimitRange',
    'PersistentVolumeClaim',
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
  ],
  apps: ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'authorization.k8s.io': ['LocalSubjectAccessReview'],
  autoscaling: ['HorizontalPodAutoscaler'],
  batch: ['CronJob', 'Job'],
  'coordination.k8s.io': ['Lease', 'LeaseCandidate'],
  'discovery.k8s.io': ['EndpointSlice'],
  'events.k8s.io': ['Event'],
  'networking.k8s.io': ['Ingress', 'NetworkPolicy'],
  policy: ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io': ['Role', 'RoleBinding'],
  'resource.k8s.io': ['ResourceClaim', 'ResourceClaimTemplate'],
  'storage.k8s.io': ['CSIStorageCapacity'],
  'ais.nvidia.com': ['AIStore'],
};
const NAMESPACED = new Set(
  Object.entries(NAMESPACED_BY_GROUP).flatMap(([group, kinds]) => kinds.map((k) => `${group}/${k}`)),
);
const NAMESPACED_KINDS = new Set(Object.values(NAMESPACED_BY_GROUP).flat());

/**
 * Whether the object's kind is known to be namespaced: by group and kind (a CRD's kind of the same
 * name in another group is the cluster's to say), by kind alone when it gives no apiVersion.
 */
function namespacedKind(object: KubeObject): boolean {
  const kind = object.kind ?? '';
  if (typeof object.apiVersion !== 'string') return NAMESPACED_KINDS.has(kind);
  // "v1" is the core group's; "group/version" any other's.
  const slash = object.apiVersion.indexOf('/');
  return NAMESPACED.has(`${slash < 0 ? '' : object.apiVersion.slice(0, slash)}/${kind}`);
}

/**
 * Objects of a namespaced kind that name another namespace than -n: `kubectl apply -n` refuses each
 * ("the namespace from the provided object … does not match", cli-runtime pkg/resource/visitor.go
 * RequireNamespace, for namespaced resources only), so a set judged in that namespace would pass
 * what the apply then refuses.
 */
export function namespaceMismatches(manifests: Manifest[], namespace: string | undefined): LoadError[] {
  if (namespace === undefined) return [];
  return manifests.flatMap(({ object, source, line }) => {
    const own = object.metadata?.namespace;
    if (!namespacedKind(object) || typeof own !== 'string' || own === '' || own === namespace) return [];
    return [
      {
        file: source.file,
        line,
        message: `${object.kind} ${String(object.metadata?.name ?? '')} names namespace "${own}", not "${namespace}" of -n, and kubectl apply -n ${namespace} refuses it: drop -n, or give -n ${own}`,
      },
    ];
  });
}

/**
 * Where the node count is unknown: per context, the first AIStore CR when the context has no Node
 * objects and neither --nodes nor --nodes-file was given. Said as a note, unless the core already
 * said it for that CR (targets-exceed-nodes warns when anti-affinity makes the count matter).
 */
export function nodeCountUnknown(judged: Judged[], options: JudgeOptions): LoadError[] {
  if (options.nodeCount !== undefined || (options.nodes?.length ?? 0) > 0) return [];
  const saidByCore = new Set(
    judged
      .filter((j) => j.evaluation.findings.some((f) => f.ruleId === 'targets-exceed-nodes'))
      .map((j) => j.manifest),
  );
  const manifests = judged.map((j) => j.manifest);
  return contextsOf(manifests, options.contextPerArgument).flatMap((group) => {
    const cr = group.find((m) => m.object.kind === 'AIStore');
    if (!cr || saidByCore.has(cr) || group.some((m) => m.object.kind === 'Node')) return [];
    return [
      {
        file: cr.source.file,
        line: cr.line,
        message:
          'node count unknown (no Node objects, --nodes or --nodes-file): checks that compare targets with nodes were skipped',
      },
    ];
  });
}

/**
 * An AIStore with no namespace, judged without -n: the PVs and claims of its targets name their
 * namespace, so none is matched to it and their checks against it are skipped. kustomize's
 * `namespace:` is not applied here (kustomization files are skipped), nor Helm's --namespace.
 */
export function namespaceUnknown(judged: Judged[], options: JudgeOptions): LoadError[] {
  if (options.namespace !== undefined) return [];
  return judged
    .filter((j) => j.manifest.object.kind === 'AIStore' && namespaceless(j.manifest.object))
    .map(({ manifest }) => ({
      file: manifest.source.file,
      line: manifest.line,
      message: `AIStore ${String(manifest.object.metadata?.name ?? '')} has no metadata.namespace: it was judged in none, so PVs and claims naming a namespace were not checked against it; give -n NAMESPACE, or check \`kubectl kustomize\` / \`helm template -n\` output`,
    }));
}

/**
 * --base: how many objects were judged as updates of their version under DIR (the rest creates),
 * and the objects only there: kept in the context, and named, since a pruning sync deletes them.
 */
export function baseNotes(dir: string, judged: Judged[], options: JudgeOptions): LoadError[] {
  const manifests = judged.map((j) => j.manifest);
  let updates = 0;
  const left: string[] = [];
  for (const group of contextsOf(manifests, options.contextPerArgument)) {
    const base = baseOf(group, options) ?? [];
    const stored = new Set(base.map(identityOf));
    const objects = group.map((m) => inNamespace(m.object, options.namespace));
    for (const o of objects) if (stored.has(identityOf(o))) updates++;
    for (const o of storedOnly(objects, base)) left.push(kindAndName(o));
  }
  const notes = [
    {
      file: dir,
      message: `--base: ${updates} of ${judged.length} object(s) judged as updates of their version here, the rest as creates`,
    },
  ];
  if (left.length > 0)
    notes.push({
      file: dir,
      message: `--base: ${left.length} object(s) only here, kept in the context (kubectl apply deletes nothing; a pruning sync deletes them): ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}`,
    });
  return notes;
}
