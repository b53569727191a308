// The properties of the differential test, judged for one generated case ((h)–(k) in rendered.ts, update-flow.ts, recognised.ts):
//   (a) claim-names   the guard's data claim names per ordinal = the rendered StatefulSet's
//   (b) target-count  the guard's target count = the operator's (GetTargetSize)
//   (c) operator-output-passes  nothing the operator renders (StatefulSet, its pods, its claims,
//       labelled by the controller or pre-created unlabelled) is denied when the guard accepts the CR
//   (d) mutation-accepted  a CR the guard patches on CREATE is still accepted by the operator's
//       webhook (when the original was); a patch on UPDATE is accepted by ValidateUpdate(old, new)
//   (e) container-paths  when a container of the rendered pod template mounts one path twice (which
//       Kubernetes' ValidateVolumeMounts rejects: "must be unique"), or AIStore refuses the
//       target's mountpaths as nested or duplicated (its own check, run by the oracle on the
//       rendered config), the guard denies the CR; and when the guard denies it by
//       mount-path-unique, the aisnode container does mount one directory twice (the same path, or
//       two spellings of it) or AIStore refuses the mountpaths
//   (f) fixed-fields  on an UPDATE, the guard warns by operator-fixed-fields exactly when the
//       operator's ValidateUpdate refuses the update (as the guard's patch leaves it) with "cannot
//       update spec" (validateProxyUpdate, validateTargetUpdate, the enableExternalLB check,
//       validateStateStorageUpdate)
//   (g) refuses-spec  the guard warns by operator-refuses-spec, on CREATE and on an UPDATE, exactly
//       when the operator's AIStore.ValidateSpec (the spec-only checks its webhook and every
//       reconcile run first) returns an error
//   (h) claim-templates, (i) pod-template  the guard's beliefs about the rendered StatefulSet (its
//       claim templates; its pod labels, placement, host ports and anti-affinity), see rendered.ts
//   (j) update-output-passes  after an UPDATE both accept, the operator's StatefulSet update and the
//       new targets' pods and claims are not denied, see update-flow.ts
//   (k) recognised  the guard recognises each rendered object (and each pre-bound PV) as what it is,
//       for its CR, see recognised.ts
//   (l) host-network-port  the guard warns by target-host-network-port exactly when the apiserver
//       would refuse the rendered pod template (hostNetwork with a hostPort not its containerPort),
//       see host-network-port.ts
//   (m) resources-in-sync  the guard warns by operator-never-in-sync on a daemon's resources exactly
//       when the operator's own comparison would update the StatefulSet the apiserver stored with
//       those resources rounded up to milli-units, see resources-in-sync.ts
import { normalize } from 'node:path/posix';
import jsonpatch from 'fast-json-patch';
import { ClusterContext, evaluate, type Evaluation, type KubeObject } from '../../../src/policy/index.js';
import type { OracleCase } from './generate.js';
import { naming } from './guard-api.js';
import type { OracleAnswer, OracleProcess } from './oracle-process.js';
import { STORAGE_CLASSES } from './generate.js';
import { claimName, claimTemplateNames, podsAndClaims, unlabelled } from './statefulset-controller.js';
import { claimTemplates, podTemplate } from './rendered.js';
import { updateOutputPasses } from './update-flow.js';
import { recognised } from './recognised.js';
import { hostNetworkPort } from './host-network-port.js';
import { resourcesInSync } from './resources-in-sync.js';

export const PROPERTIES = [
  'claim-names',
  'target-count',
  'operator-output-passes',
  'mutation-accepted',
  'container-paths',
  'fixed-fields',
  'refuses-spec',
  'claim-templates',
  'pod-template',
  'update-output-passes',
  'recognised',
  'host-network-port',
  'resources-in-sync',
] as const;
export type Property = (typeof PROPERTIES)[number];

export interface Outcome {
  property: Property;
  status: 'agree' | 'disagree' | 'skip';
  /** Disagreements with the same signature are one class (property + what differed + rule). */
  signature?: string;
  /** Why skipped, or what each side said. */
  detail?: string;
  /** Why skipped, short enough to tally. */
  reason?: string;
  /** What kind of agreement, short enough to tally (shows both sides of an "exactly when"). */
  tally?: string;
}

const nameOf = (o: KubeObject) => String(o.metadata?.name ?? '');
const denials = (e: Evaluation) => e.findings.filter((f) => f.action === 'deny');
const denialText = (e: Evaluation) =>
  denials(e)
    .map((f) => `${f.ruleId} at ${f.path}: ${f.message}`)
    .join(' | ');

function claimNames(c: OracleCase, answer: OracleAnswer): Outcome {
  const property = 'claim-names';
  if (!answer.statefulSet) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  const api = naming;
  const crName = nameOf(c.cr);
  const sts = answer.statefulSet;
  const templates = claimTemplateNames(sts);
  for (let n = 0; n < 3; n++) {
    const rendered = templates.map((t) => claimName(t, nameOf(sts), n));
    const state = rendered.filter((r) => api.isStateClaim(c.namespace, crName, r));
    const data = rendered.filter((r) => !state.includes(r));
    const guard = api.claimMounts(c.cr).map((m) => api.dataClaimName(crName, m.path, n));
    if (JSON.stringify(data) !== JSON.stringify(guard) || state.length > 1)
      return {
        property,
        status: 'disagree',
        signature: `${property}: ${state.length > 1 ? 'several state claims' : 'data claim names differ'}`,
        detail: `ordinal ${n}: operator's claims ${JSON.stringify(rendered)} (state: ${JSON.stringify(state)}), guard's data claims ${JSON.stringify(guard)}`,
      };
  }
  return { property, status: 'agree' };
}

function targetCount(c: OracleCase, answer: OracleAnswer, ctx: ClusterContext): Outcome {
  const property = 'target-count';
  if (answer.error) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  // A CR the operator's webhook rejects never exists, and neither do its targets.
  if (!answer.create?.allowed) return { property, status: 'skip', reason: 'operator rejects the CR' };
  const guard = naming.targetCount(c.cr, ctx);
  if (guard === answer.targetSize) return { property, status: 'agree' };
  const spec = (c.cr as { spec: { size?: number; targetSpec: { size?: number; autoScale?: unknown } } }).spec;
  const kind = answer.targetAutoScaling
    ? `autoscaling${spec.targetSpec.autoScale ? ' with sizeLimit' : ''}${spec.size === -1 && spec.targetSpec.size !== undefined && spec.targetSpec.size !== -1 ? ', spec.size -1 over targetSpec.size' : ''}`
    : 'fixed size';
  return {
    property,
    status: 'disagree',
    signature: `${property}: ${kind}`,
    detail: `operator GetTargetSize = ${answer.targetSize} (autoscaling: ${answer.targetAutoScaling}, expected nodes ${JSON.stringify(answer.expectedTargetNodes)}), guard = ${String(guard)}`,
  };
}

function renderedPass(c: OracleCase, cr: KubeObject, answer: OracleAnswer): Outcome {
  const property = 'operator-output-passes';
  if (!answer.create?.allowed)
    return {
      property,
      status: 'skip',
      reason: `operator rejects the CR: ${(answer.create?.error ?? '').replace(/-?\d+/g, 'N')}`,
    };
  if (!answer.statefulSet) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  const sts = answer.statefulSet;
  // Neighbour CRs first: a cache lists CRs in no particular order, and one listed before the case's
  // CR is where attributing a claim by a name's prefix or suffix goes wrong.
  const ctx = new ClusterContext([...c.neighbours, cr, ...c.nodes, ...c.pvs, sts]);
  const { pods, claims } = podsAndClaims(sts);
  const objects: [string, KubeObject][] = [
    ['StatefulSet', sts],
    ...pods.map((p): [string, KubeObject] => ['Pod', p]),
    ...claims.map((p): [string, KubeObject] => ['PVC (controller-made, labelled)', p]),
    ...claims.map((p): [string, KubeObject] => ['PVC (pre-created, unlabelled)', unlabelled(p)]),
  ];
  for (const [what, object] of objects) {
    const e = evaluate({ operation: 'CREATE', object, namespace: c.namespace }, ctx);
    if (!e.allowed) {
      const rules = [...new Set(denials(e).map((f) => f.ruleId))].join(',');
      return {
        property,
        status: 'disagree',
        signature: `${property}: ${what} denied by ${rules}`,
        detail: `guard denies the operator's ${what} ${nameOf(object)}: ${denialText(e)}`,
      };
    }
  }
  return { property, status: 'agree' };
}

type Container = { name?: string; volumeMounts?: { mountPath?: string }[] };

/** The containers of the rendered pod template, init containers included, by name. */
function containersOf(sts: KubeObject): Container[] {
  const pod = (
    sts.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } }
  ).template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

/** Paths mounted more than once in one container, compared as `key` makes them. */
function twiceMounted(c: Container, key: (path: string) => string): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const m of c.volumeMounts ?? []) {
    const k = key(m.mountPath ?? '');
    if (seen.has(k)) twice.push(m.mountPath ?? '');
    seen.add(k);
  }
  return twice;
}

function containerPaths(answer: OracleAnswer, created: Evaluation): Outcome {
  const property = 'container-paths';
  if (!answer.create?.allowed) return { property, status: 'skip', reason: 'operator rejects the CR' };
  if (!answer.statefulSet) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  const containers = containersOf(answer.statefulSet);
  const exact = containers.flatMap((c) => twiceMounted(c, (p) => p).map((p) => `${c.name}: ${p}`));
  // Independent of the guard's own reading: POSIX normalisation, then no trailing "/".
  const directory = (p: string) => normalize(p).replace(/(.)\/$/, '$1');
  const aisnode = containers.find((c) => c.name === 'ais-node');
  const sameDirectory = aisnode ? twiceMounted(aisnode, directory) : [];
  // aisnode's FSPConf validation: one mountpath inside another, two spellings of one, the root, or
  // one past its length limit.
  const refusedMountpaths =
    /nesting is not permitted|is duplicated|root directory is not a valid mountpath|length cannot exceed/.test(
      answer.mountpathsError ?? '',
    );
  const byRule = denials(created).filter((f) => f.ruleId === 'mount-path-unique');
  // Two claim mounts of one path are mount-template-name's to deny (one template name).
  const byMountRules = denials(created).some(
    (f) => f.ruleId === 'mount-path-unique' || f.ruleId === 'mount-template-name',
  );
  if (exact.length > 0 && !byMountRules)
    return {
      property,
      status: 'disagree',
      signature: `${property}: Kubernetes rejects every pod of the StatefulSet, no mount rule of the guard denies the CR`,
      detail: `the operator's pod template mounts ${exact.join(', ')} twice; the guard: ${created.allowed ? 'allows the CR' : denialText(created)}`,
    };
  if (refusedMountpaths && !byMountRules)
    return {
      property,
      status: 'disagree',
      signature: `${property}: AIStore refuses the target's mountpaths, no mount rule of the guard denies the CR`,
      detail: `aisnode: ${answer.mountpathsError}; the guard: ${created.allowed ? 'allows the CR' : denialText(created)}`,
    };
  if (byRule.length > 0 && sameDirectory.length === 0 && !refusedMountpaths)
    return {
      property,
      status: 'disagree',
      signature: `${property}: mount-path-unique denies a CR whose container mounts no directory twice and whose mountpaths AIStore takes`,
      detail: `guard: ${denialText(created)}; the aisnode container mounts ${JSON.stringify(aisnode?.volumeMounts?.map((m) => m.mountPath))}`,
    };
  if (exact.length === 0 && byRule.length === 0 && !refusedMountpaths)
    return {
      property,
      status: 'skip',
      reason: 'no path mounted twice nor nested, and the guard says none is',
    };
  return { property, status: 'agree' };
}

function fixedFields(updated: Evaluation | undefined, verdict: OracleAnswer['update']): Outcome {
  const property = 'fixed-fields';
  if (!updated || !verdict) return { property, status: 'skip', reason: 'not an update' };
  const refused = /cannot update spec/.test(verdict.error ?? '');
  // validateSpec runs first: its refusal hides what the fixed-field checks would say.
  if (!verdict.allowed && !refused)
    return { property, status: 'skip', reason: 'operator refuses the update before comparing specs' };
  const warned = updated.findings.filter((f) => f.ruleId === 'operator-fixed-fields');
  if (refused === warned.length > 0) return { property, status: 'agree' };
  return {
    property,
    status: 'disagree',
    signature: `${property}: ${refused ? 'operator refuses, guard silent' : 'guard warns, operator accepts'}`,
    detail: `operator: ${verdict.error ?? 'accepts'}; guard: ${warned.map((f) => f.message).join(' | ') || 'no warning'}`,
  };
}

function refusesSpec(answer: OracleAnswer, created: Evaluation, updated: Evaluation | undefined): Outcome {
  const property = 'refuses-spec';
  const refused = answer.specError !== undefined;
  const warnedBy = (e: Evaluation) => e.findings.filter((f) => f.ruleId === 'operator-refuses-spec');
  for (const [operation, e] of [
    ['CREATE', created],
    ['UPDATE', updated],
  ] as const) {
    if (!e) continue;
    const warned = warnedBy(e);
    if (refused === warned.length > 0) continue;
    return {
      property,
      status: 'disagree',
      // The operator's first error, numbers left out, names the check that differs.
      signature: `${property}: ${refused ? `operator refuses (${(answer.specError ?? '').replace(/-?\d+/g, 'N').slice(0, 90)}), guard silent` : 'guard warns, operator accepts'} on ${operation}`,
      detail: `operator: ${answer.specError ?? 'accepts'}; guard: ${warned.map((f) => f.message).join(' | ') || 'no warning'}`,
    };
  }
  return { property, status: 'agree' };
}

/** Judge one case; asks the oracle about the CR and, when the guard patches it, the patched CR. */
export async function judge(c: OracleCase, oracle: OracleProcess, id: string): Promise<Outcome[]> {
  const base = { nodes: c.nodes, storageClasses: STORAGE_CLASSES };
  const ctx = new ClusterContext([...c.neighbours, c.cr, ...c.nodes, ...c.pvs]);
  const created = evaluate({ operation: 'CREATE', object: c.cr, namespace: c.namespace }, ctx);
  const patched = created.patch.length > 0 ? created.object : undefined;

  let updated: Evaluation | undefined;
  let updatedCR: KubeObject | undefined;
  if (c.old) {
    // On UPDATE the guard's caches hold the stored (old) CR.
    const before = new ClusterContext([...c.neighbours, c.old, ...c.nodes, ...c.pvs]);
    updated = evaluate(
      { operation: 'UPDATE', object: c.cr, oldObject: c.old, namespace: c.namespace },
      before,
    );
    if (updated.patch.length > 0)
      updatedCR = jsonpatch.applyPatch(
        structuredClone(c.cr),
        updated.patch as jsonpatch.Operation[],
        false,
        false,
      ).newDocument;
  }

  const [answer, answerPatched, answerUpdate] = await Promise.all([
    oracle.ask({ id, cr: c.cr, ...(c.old ? { old: c.old } : {}), ...base }),
    patched ? oracle.ask({ id: `${id}/patched`, cr: patched, ...base }) : undefined,
    updatedCR && c.old
      ? oracle.ask({ id: `${id}/update-patched`, cr: updatedCR, old: c.old, ...base })
      : undefined,
  ]);

  const outcomes: Outcome[] = [claimNames(c, answer), targetCount(c, answer, ctx)];

  // (c) only for layouts the guard accepts; the operator renders the CR as the guard left it.
  outcomes.push(
    created.allowed
      ? renderedPass(c, patched ?? c.cr, answerPatched ?? answer)
      : {
          property: 'operator-output-passes',
          status: 'skip',
          reason: `guard denies the CR (${denials(created)[0]?.ruleId ?? '?'}${denials(created).length > 1 ? ' and more' : ''})`,
        },
  );

  outcomes.push(containerPaths(answer, created));
  outcomes.push(fixedFields(updated, (answerUpdate ?? answer).update));
  outcomes.push(refusesSpec(answer, created, updated));
  // (h), (i), (k): the CR as stored (the guard's CREATE patch applied), as the operator renders it.
  outcomes.push(claimTemplates(patched ?? c.cr, answerPatched ?? answer, c.nodes));
  outcomes.push(podTemplate(patched ?? c.cr, answerPatched ?? answer, c.namespace));
  outcomes.push(recognised(c, patched ?? c.cr, answerPatched ?? answer));
  outcomes.push(hostNetworkPort(answerPatched ?? answer, created));
  outcomes.push(resourcesInSync(patched ?? c.cr, answerPatched ?? answer, created));
  // (j) the operator's writes after an UPDATE both sides accept.
  outcomes.push(
    await updateOutputPasses(
      c,
      oracle,
      id,
      updated,
      c.old ? (updatedCR ?? c.cr) : undefined,
      answerUpdate ?? answer,
    ),
  );

  // (d) mutations, on CREATE and on UPDATE.
  const property = 'mutation-accepted';
  if (patched && answerPatched && answer.create?.allowed && !answerPatched.create?.allowed) {
    outcomes.push({
      property,
      status: 'disagree',
      signature: `${property}: CREATE patch rejected by the operator`,
      detail: `guard patch ${JSON.stringify(created.patch)}; operator accepts the original but rejects the patched CR: ${answerPatched.create?.error}`,
    });
  } else if (answerUpdate && answer.update?.allowed && !answerUpdate.update?.allowed) {
    outcomes.push({
      property,
      status: 'disagree',
      signature: `${property}: UPDATE patch rejected by the operator`,
      detail: `guard patch on UPDATE ${JSON.stringify(updated?.patch)}; operator accepts the update as sent but rejects ValidateUpdate(old, patched): ${answerUpdate.update?.error}`,
    });
  } else if (patched && answer.create?.allowed) {
    outcomes.push({ property, status: 'agree' });
  } else if (answerUpdate && answer.update?.allowed) {
    outcomes.push({ property, status: 'agree' });
  } else if (answerUpdate && answerUpdate.update?.allowed) {
    // The guard's UPDATE patch makes an update the operator would reject acceptable (it keeps
    // a stored value the update dropped): accepted, which is all this property asks.
    outcomes.push({ property, status: 'agree' });
  } else {
    outcomes.push({
      property,
      status: 'skip',
      reason: patched
        ? 'operator rejects the original CR too'
        : updatedCR
          ? 'operator rejects the original update too'
          : `guard does not patch (${c.old ? 'neither on CREATE nor on UPDATE' : 'CREATE'})`,
    });
  }
  return outcomes;
}

/**
 * Not one of the properties, reported beside them: after the guard patched a CR on CREATE, the
 * stored CR differs from the user's manifest. Re-sending the manifest unchanged as an UPDATE (kubectl
 * replace, server-side apply by the same manager, a GitOps sync) asks the operator to change
 * spec.targetSpec back, which its webhook rejects. Returns the operator's error, if any.
 */
export async function reapplyAfterPatch(
  c: OracleCase,
  oracle: OracleProcess,
  id: string,
): Promise<string | undefined> {
  const ctx = new ClusterContext([...c.neighbours, c.cr, ...c.nodes, ...c.pvs]);
  const created = evaluate({ operation: 'CREATE', object: c.cr, namespace: c.namespace }, ctx);
  if (created.patch.length === 0 || !created.allowed) return undefined;
  const stored = created.object;
  // Only when the guard itself would let the re-apply through (otherwise it says why). The
  // apiserver runs mutating admission before validating: the operator's webhook sees the manifest
  // with the guard's UPDATE patch applied, not the manifest as sent.
  const before = new ClusterContext([...c.neighbours, stored, ...c.nodes, ...c.pvs]);
  const update = evaluate(
    { operation: 'UPDATE', object: c.cr, oldObject: stored, namespace: c.namespace },
    before,
  );
  if (!update.allowed) return undefined;
  const answer = await oracle.ask({
    id,
    cr: update.object,
    old: stored,
    nodes: c.nodes,
    storageClasses: STORAGE_CLASSES,
  });
  if (!answer.create?.allowed || answer.update?.allowed) return undefined;
  return `${JSON.stringify(created.patch)}, then ${JSON.stringify(update.patch)} on UPDATE → ${answer.update?.error}`;
}
