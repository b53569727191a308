// The one entry point the webhook and the CLI share: object + context in, findings and a JSON Patch
// out. Pure: no I/O, no clock. Rules read the input and change a copy taken on first write; the
// patch is diffed by a library (draft.ts).
import { FIXED_TARGET_FIELDS, shutsDown, targetStatefulSetName, type AIStoreCR } from './aistore.js';
import { recreatesTargets } from './rollout.js';
import { ClusterContext, EMPTY_CONTEXT } from './context.js';
import { patchBetween, writableCopy } from './draft.js';
import { sameJson, valueAt } from './json.js';
import { annotationsOf, isBeingDeleted, isObject, labelsOf } from './k8s.js';
import { detectLayout, sharingForced, type Layout } from './layout.js';
import { actionFor, ENFORCE, modeOf, type Action, type Mode, type Modes } from './modes.js';
import { managedByOperator, ownerAIStore, recognise, type Recognised } from './recognise.js';
import { collectFindings, docAnchor, type Rule } from './rule.js';
import { RULES } from './rules/index.js';
import { UNPLACEABLE } from './rules/pv-target-binding.js';
import type { Finding, KubeObject, PatchOperation, Subject } from './types.js';

export interface JudgedFinding extends Finding {
  action: Action;
}

export interface Evaluation {
  /** What the object was recognised as; undefined for objects that are not AIStore's. */
  role?: Recognised['role'];
  crName?: string;
  /**
   * The namespace of the AIStore deployment judged: the object's, for a PV its claim's, for a PV on
   * a target's disk (spare-volume) that target's; '' for a PV pre-bound in no namespace.
   */
  namespace?: string;
  multiTarget?: boolean;
  /** The MT signal that decided, in words. */
  signal?: string;
  findings: JudgedFinding[];
  allowed: boolean;
  /** RFC 6902 patch from the input object to `object`; empty when nothing changes. */
  patch: PatchOperation[];
  /** The object after mutations (the input itself when there are none). */
  object: KubeObject;
}

export interface EvaluateOptions {
  modes?: Modes;
  rules?: readonly Rule[];
  /**
   * The subject is a stored object judged as it stands (audit of a live CR: an UPDATE from itself).
   * Nothing is ratcheted: a violation it has is reported as such, not as "already so".
   */
  asStored?: boolean;
}

/** A finding with its action. A literal, not a spread: see recognise.ts on Node 20's spread cost. */
function judged(f: Finding, action: Action, message = f.message): JudgedFinding {
  const out: JudgedFinding = {
    ruleId: f.ruleId,
    severity: f.severity,
    message,
    path: f.path,
    fix: f.fix,
    doc: f.doc,
    action,
  };
  if (f.mutation) out.mutation = true;
  if (f.unjudged) out.unjudged = true;
  return out;
}

/** A finding judged in each mode: made once, not a closure per rule and review. */
const judgedIn = (mode: Mode) => (f: Finding) => judged(f, actionFor(mode, f.severity));
const [ENFORCED, WARNED, AUDITED] = [judgedIn('enforce'), judgedIn('warn'), judgedIn('audit')];
/** actionFor's cases: any mode but audit and warn acts as enforce. */
const decoratorFor = (mode: Mode) => (mode === 'audit' ? AUDITED : mode === 'warn' ? WARNED : ENFORCED);

const untouched = (object: KubeObject): Evaluation => ({ findings: [], allowed: true, patch: [], object });

interface RuleRun {
  findings: JudgedFinding[];
  recognised?: Recognised;
  layout?: Layout;
  /** The changed copy, when a rule asked for one (copy-on-write). */
  draft?: KubeObject;
  /** A rule threw after taking the copy: the draft may be half-changed and must not become a patch. */
  draftSpoiled?: boolean;
}

const errorText = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'a non-Error exception';

/**
 * A rule that cannot run on this object (junk input, or a bug) denies it in its own name and
 * leaves every other rule's verdict standing: one rule's failure never turns a deny into "allowed".
 */
function failedRule(ruleId: string, err: unknown): Finding {
  return {
    ruleId,
    severity: 'deny',
    message: `this rule could not judge the object (${errorText(err)}), so it is denied rather than let through unjudged.`,
    path: '',
    fix: 'Remove malformed or deeply nested fields from the object; if it is well-formed, report this to the ais-guard maintainers.',
    doc: docAnchor(ruleId),
    unjudged: true,
  };
}

function runRules(
  subject: Subject,
  first: Recognised,
  ctx: ClusterContext,
  rules: readonly Rule[],
  modes: Modes,
): RuleRun {
  const findings: JudgedFinding[] = [];
  let draft: KubeObject | undefined;
  let recognised: Recognised | undefined = first;
  let layout: Layout | undefined = detectLayout(first, ctx, subject.operation);
  let stale = false;
  let spoiled = false;
  /** The subject on a copy of `object` (what a rule changes); same role, since only rules changed it. */
  const onCopy = (object: KubeObject) => recognise(object, subject.namespace, ctx) as Recognised;
  for (const rule of rules) {
    if (stale) {
      recognised = recognise(draft as KubeObject, subject.namespace, ctx);
      const fresh = recognised && detectLayout(recognised, ctx, subject.operation);
      // After the guard itself turned anti-affinity off, keep naming the evidence that made it do so.
      layout = fresh && layout?.multiTarget ? { ...fresh, signals: layout.signals } : fresh;
      stale = false;
    }
    if (!recognised || !layout || !rule.roles.includes(recognised.role)) continue;
    const current = recognised;
    const mode = modeOf(modes, rule.id);
    const audit = mode === 'audit';
    let copy: Recognised | undefined;
    const writable = () => {
      // An audit-mode rule may still compute its change, but on a throwaway copy.
      if (audit) return (copy ??= onCopy(writableCopy(current.object)));
      if (draft === undefined) {
        draft = writableCopy(current.object);
        copy = onCopy(draft);
      }
      return (copy ??= current.object === draft ? current : onCopy(draft));
    };
    const decorate = decoratorFor(mode);
    const report = collectFindings(rule.id, findings, decorate);
    try {
      rule.check({
        subject: current,
        writable: writable as never,
        layout,
        ctx,
        operation: subject.operation,
        oldObject: subject.oldObject,
        requester: subject.requester,
        report,
      });
    } catch (err) {
      findings.push(decorate(failedRule(rule.id, err)));
      if (!audit && copy !== undefined) spoiled = true;
    }
    // Past MAX_RULE_FINDINGS, one finding counts the rest (a thrown rule's too).
    report.countTheRest();
    if (!audit && copy !== undefined) stale = true;
  }
  return { findings, recognised, layout, draft, draftSpoiled: spoiled };
}

const BOUND_WHILE_FREE =
  'not refused: the PV controller binds this free PV (a refusal would leave the claim Pending)';
/** What the binder marks a PV it bound itself with (component-helpers storage/volume GetBindVolumeToClaim). */
const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';

/**
 * The PV controller (or the scheduler's binder) binding a free PV to a claim: the claimRef, with the
 * claim's uid, and the bound-by-controller annotation appear on a PV that named no claim, and nothing
 * else in its spec changes (GetBindVolumeToClaim; a person's apply or patch writes neither the uid nor
 * the annotation). The PV was admitted free, as no target's; a refused bind would leave the claim
 * Pending and the binder retrying forever. The findings stand, as warnings.
 */
function boundWhileFree(before: KubeObject, after: KubeObject): boolean {
  if (before.kind !== 'PersistentVolume' || !isObject(before.spec) || !isObject(after.spec)) return false;
  const { claimRef: was, ...restBefore } = before.spec;
  const { claimRef: now, ...restAfter } = after.spec;
  return (
    (was === undefined || was === null) &&
    isObject(now) &&
    typeof now.uid === 'string' &&
    now.uid !== '' &&
    annotationsOf(after)[BOUND_BY_CONTROLLER] === 'yes' &&
    annotationsOf(before)[BOUND_BY_CONTROLLER] === undefined &&
    sameJson(restBefore, restAfter)
  );
}

/**
 * On UPDATE, a violation the old object already had is not the update's fault: it is reported but
 * does not deny (ratcheting, as Kubernetes does for CRD validation), so controllers can keep
 * updating objects that predate a rule. "Already had" is the old object's verdict as stored, after
 * fixedAtCreation: a CR whose hostPort the layout tolerated (a warning) and that this update scales
 * past its nodes did not already have the denial.
 */
function ratchet(
  findings: JudgedFinding[],
  subject: Subject,
  ctx: ClusterContext,
  rules: readonly Rule[],
  modes: Modes,
) {
  if (
    subject.operation !== 'UPDATE' ||
    !isObject(subject.oldObject) ||
    !findings.some((f) => f.action === 'deny')
  )
    return findings;
  const oldSubject = { ...subject, object: subject.oldObject };
  const recognisedOld = recognise(subject.oldObject, subject.namespace, ctx);
  if (!recognisedOld) {
    if (!boundWhileFree(subject.oldObject, subject.object)) return findings;
    return findings.map((f) =>
      f.action === 'deny' ? judged(f, 'warn', `${BOUND_WHILE_FREE}: ${f.message}`) : f,
    );
  }
  const old = runRules(oldSubject, recognisedOld, ctx, rules, modes);
  const asStored = { operation: 'UPDATE' as const, object: subject.oldObject, oldObject: subject.oldObject };
  const before = fixedAtCreation(old.findings, asStored, old, rules).filter((f) => f.action === 'deny');
  // The same violation, not the same place: by what it says (a sidecar inserted before the container
  // moves the path of its hostPort, not the message), or at the same path with the value there
  // unchanged (a message that describes the layout changes when replicas do). A changed value at the
  // same path (hostPort 51081 -> 9999) is a new violation.
  const alreadySo = (f: JudgedFinding) =>
    before.some(
      (o) =>
        o.ruleId === f.ruleId &&
        (o.message === f.message ||
          (o.path === f.path &&
            sameJson(valueAt(subject.object, f.path), valueAt(subject.oldObject, f.path)))),
    );
  // Targets that cannot run where their disks are keep running until re-created: an update that
  // re-creates them (a rollout, a restart after a shutdown) brings the first there back Pending.
  const stored = subject.oldObject as AIStoreCR;
  const recreates = recognisedOld.role === 'aistore' && recreatesTargets(stored, subject.object as AIStoreCR);
  const rerun = (f: JudgedFinding) =>
    recreates && f.ruleId === 'pv-target-binding' && f.message.startsWith(UNPLACEABLE);
  return findings.map((f) => {
    if (f.action !== 'deny' || !alreadySo(f)) return f;
    if (rerun(f))
      return {
        ...f,
        // Every one comes back Pending: a rollout passes over a pod that cannot be scheduled
        // (target_controllers.go isPodRolloutCompleted), and a restart starts them all at once.
        message: `${f.message} ${shutsDown(stored) ? 'This update restarts the cluster: the operator creates every target again' : 'They run now, but this update rolls the targets out (it changes their pod template): the operator re-creates each'}, and every one whose disks are there comes back Pending.`,
        fix: `${f.fix} Or lift what keeps them off the node before this update.`,
      };
    return judged(f, 'warn', `already so before this update: ${f.message}`);
  });
}

/** The targetSpec field a finding's path lies in, e.g. "hostPort" for /spec/targetSpec/hostPort. */
const targetSpecField = (path: string): string | undefined => /^\/spec\/targetSpec\/([^/]+)/.exec(path)?.[1];

/** The rule's findings keep targets apart by themselves on this CR (a host port, a required anti-affinity). */
const keepsApart = (rules: readonly Rule[], ruleId: string, object: KubeObject): boolean =>
  rules.find((r) => r.id === ruleId)?.keepsTargetsApart?.(object as AIStoreCR) === true;

/** The field of a refusal at a targetSpec field fixed at creation that the update leaves as stored. */
function keptFixedField(f: JudgedFinding, object: KubeObject, oldObject: KubeObject): string | undefined {
  const field = f.action === 'deny' ? targetSpecField(f.path) : undefined;
  if (field === undefined || !FIXED_TARGET_FIELDS.has(field)) return undefined;
  const at = `/spec/targetSpec/${field}`;
  return sameJson(valueAt(object, at), valueAt(oldObject, at)) ? field : undefined;
}

/**
 * On a CR's UPDATE, a deny of a rule whose finding keeps targets apart by itself (a host port, a
 * required anti-affinity: `keepsTargetsApart`), at a targetSpec field the operator never lets
 * change and left as the stored CR has it. The update cannot mend it, and refusing it refuses every
 * change the operator does allow: a size-1 CR with a hostPort and anti-affinity off could never scale
 * out. Unless the layout forces two targets onto one node (PVs, a pinned host, more targets than
 * nodes): a target would then stay Pending for good, and a smaller size is the fix. The finding
 * stands as a warning whose fix is a new CR. A useHostPath mount keeps no target apart by itself:
 * without a host port its scale-out stays refused (targets on one node would share a directory).
 */
function fixedAtCreation(
  findings: JudgedFinding[],
  subject: Subject,
  run: RuleRun,
  rules: readonly Rule[],
): JudgedFinding[] {
  const { object, oldObject } = subject;
  if (
    subject.operation !== 'UPDATE' ||
    run.recognised?.role !== 'aistore' ||
    !isObject(oldObject) ||
    !run.layout
  )
    return findings;
  const forced = sharingForced(run.layout);
  return findings.map((f) => {
    const field = keptFixedField(f, object, oldObject);
    if (field === undefined || !keepsApart(rules, f.ruleId, object)) return f; // the rest: fixedFieldFixes, after the ratchet
    if (forced)
      return {
        ...judged(
          f,
          'deny',
          `${f.message} This update cannot place every target: ${forced.signal.detail}, and spec.targetSpec.${field} is fixed at creation.`,
        ),
        fix: `Keep a node per target: ${forced.remedy}; only a new AIStore CR changes spec.targetSpec.${field}.`,
      };
    // A warning cut to 256 keeps its first 155 and last 100 characters (admission.ts shortWarning):
    // the rule, its link, "fixed at creation" and this fix.
    return {
      ...judged(f, 'warn', `fixed at creation, kept: ${f.message}`),
      fix: `Only a new AIStore CR can change spec.targetSpec.${field}: until then, one target per node.`,
    };
  });
}

/**
 * On a CR's UPDATE (or audit's judging of a stored CR), a refusal at a targetSpec field fixed at
 * creation and left as stored: its fix cannot be a change of that field. The update's own change to
 * what a live CR may change (its size, labels, ...) brought it, so undoing that is the way, or a new
 * CR. A deny of a rule that keeps targets apart was given its fix by fixedAtCreation.
 */
function fixedFieldFixes(
  findings: JudgedFinding[],
  subject: Subject,
  rules: readonly Rule[],
): JudgedFinding[] {
  const { object, oldObject } = subject;
  if (subject.operation !== 'UPDATE' || !isObject(oldObject) || object.kind !== 'AIStore') return findings;
  return findings.map((f) => {
    const field = keptFixedField(f, object, oldObject);
    if (field === undefined || keepsApart(rules, f.ruleId, object)) return f;
    const changed = changedTargetFields(object, oldObject);
    const fixed = `spec.targetSpec.${field} is fixed at creation (the operator refuses to change it on a live CR)`;
    return {
      ...f,
      fix:
        changed.length > 0
          ? `${fixed}: leave ${changed.join(', ')} as stored, or make a new AIStore CR.`
          : `${fixed}: only a new AIStore CR mends this.`,
    };
  });
}

/**
 * What this update changes that a live CR may change: the targetSpec's fields, and the spec's own
 * (a secret that mounts at a target path, spec.size where it counts the targets: GetTargetSize).
 */
function changedTargetFields(object: KubeObject, oldObject: KubeObject): string[] {
  const keysOf = (o: KubeObject, at: string) => Object.keys(recordAt(o, at));
  const changedUnder = (at: string, skip: (k: string) => boolean) =>
    [...new Set([...keysOf(oldObject, at), ...keysOf(object, at)])]
      .filter((k) => !skip(k) && !sameJson(valueAt(object, `${at}/${k}`), valueAt(oldObject, `${at}/${k}`)))
      .map((k) => `${at.slice(1).replaceAll('/', '.')}.${k}`);
  const ownSize = (o: KubeObject) => valueAt(o, '/spec/targetSpec/size');
  const sizeCounts = [object, oldObject].some((o) => ownSize(o) === undefined || ownSize(o) === null);
  // proxySpec's fields place no target; targetSpec's are listed one by one.
  const specLevel = changedUnder(
    '/spec',
    (k) => k === 'targetSpec' || k === 'proxySpec' || (k === 'size' && !sizeCounts),
  );
  return [...specLevel, ...changedUnder('/spec/targetSpec', () => false)];
}

const recordAt = (o: KubeObject, at: string): Record<string, unknown> => {
  const v = valueAt(o, at);
  return isObject(v) ? v : {};
};

/** Rendered by the operator from its CR: the target StatefulSet it owns, or a pod of that StatefulSet. */
function renderedByOperator(subject: Recognised): boolean {
  if (subject.role === 'target-statefulset')
    return ownerAIStore(subject.object) === subject.crName || managedByOperator(labelsOf(subject.object));
  if (subject.role !== 'target-pod') return false;
  const refs: unknown = subject.object.metadata?.ownerReferences;
  const sts = targetStatefulSetName(subject.crName);
  return Array.isArray(refs) && refs.some((r) => isObject(r) && r.kind === 'StatefulSet' && r.name === sts);
}

/**
 * The operator renders its target StatefulSet from the CR, and the StatefulSet controller the pods
 * from that: they carry what the CR says. A stored CR that itself breaks a rule predates the guard
 * (or was admitted in audit mode), and the operator's webhook refuses any change of its targetSpec
 * (validateTargetUpdate): denying what is rendered from it only keeps the targets from starting
 * again (a rollout, an eviction, the StatefulSet re-created). The rule's findings on those objects
 * stand as warnings; the CR's own finding says what to change (a new CR).
 */
function renderedFromStoredCR(
  findings: JudgedFinding[],
  subject: Recognised,
  ctx: ClusterContext,
  rules: readonly Rule[],
  modes: Modes,
): JudgedFinding[] {
  const { cr } = subject;
  if (!cr || !findings.some((f) => f.action === 'deny') || !renderedByOperator(subject)) return findings;
  const stored = recognise(cr, subject.namespace, ctx);
  if (!stored) return findings;
  const crFindings = runRules({ operation: 'UPDATE', object: cr }, stored, ctx, rules, modes).findings;
  const broken = new Set(crFindings.filter((f) => f.severity === 'deny').map((f) => f.ruleId));
  // A rule whose finding keeps the targets apart (a host port, the host network) is about a field
  // fixed at creation: its own fix, a change of that field, is the one the operator refuses. Other
  // rules' fixes (a label in targetSpec.labels) the operator takes in place.
  const fixedField = (ruleId: string) =>
    keepsApart(rules, ruleId, cr) && crFindings.some((c) => c.ruleId === ruleId && targetSpecField(c.path));
  return findings.map((f) => {
    if (f.action !== 'deny' || !broken.has(f.ruleId)) return f;
    const fixed = fixedField(f.ruleId);
    const warned = judged(
      f,
      'warn',
      `not refused: so is AIStore ${subject.crName}, which it is rendered from${fixed ? ' and whose targetSpec cannot change in place' : ''}: ${f.message}`,
    );
    if (!fixed) return warned;
    return {
      ...warned,
      fix: `Only a new AIStore CR changes what ${subject.crName}'s targetSpec renders (the operator refuses the change in place); until then, keep one target per node.`,
    };
  });
}

export function evaluate(
  subject: Subject,
  ctx: ClusterContext = EMPTY_CONTEXT,
  options: EvaluateOptions = {},
): Evaluation {
  const { object } = subject;
  if (!isObject(object)) return untouched(object);
  if (subject.operation !== 'CREATE' && subject.operation !== 'UPDATE') return untouched(object);
  // Being deleted, an object only goes away: its controllers' last updates (finalizers removed) must
  // pass (the apiserver refuses to set or change deletionTimestamp in an update, so an UPDATE that
  // carries it is of an object already being deleted). A CREATE carrying it is judged as any other:
  // the apiserver clears the field before validation (rest.BeforeCreate) and creates the object.
  if (subject.operation === 'UPDATE' && isBeingDeleted(object)) return untouched(object);
  const recognised = recognise(object, subject.namespace, ctx);
  if (!recognised) return untouched(object);

  const rules = options.rules ?? RULES;
  const modes = options.modes ?? ENFORCE;
  const run = runRules(subject, recognised, ctx, rules, modes);
  // What the operator renders from a stored CR that breaks the rule is judged by that first: its
  // fix is then a new CR, not a change the operator refuses (an UPDATE of it is "already so" too).
  const fixed = renderedFromStoredCR(
    fixedAtCreation(run.findings, subject, run, rules),
    recognised,
    ctx,
    rules,
    modes,
  );
  const findings = fixedFieldFixes(
    options.asStored ? fixed : ratchet(fixed, subject, ctx, rules, modes),
    subject,
    rules,
  );
  const { patch, findings: final } = patchOf(object, run, findings);
  return {
    role: run.recognised?.role,
    crName: run.recognised?.crName,
    namespace: run.recognised?.namespace,
    multiTarget: run.layout?.multiTarget,
    signal: run.layout?.signals[0]?.detail,
    findings: final,
    allowed: !final.some((f) => f.action === 'deny'),
    patch,
    object: patch.length > 0 && run.draft ? run.draft : object,
  };
}

/**
 * The JSON Patch from the input to the draft. The diff library recurses, so an object nested
 * thousands deep cannot be diffed: its changes are then not made, and each is reported as a deny
 * (deep input is rejected, never let through half-judged).
 */
function patchOf(object: KubeObject, run: RuleRun, findings: JudgedFinding[]) {
  // No rule asked for a copy, nothing changed: no diff to compute.
  if (!run.draft) return { patch: [] as PatchOperation[], findings };
  // A rule failed on the copy (it denies in its own name): none of the changes is made, and the
  // others' findings must not say they were (in warn mode the object is admitted as it came).
  if (run.draftSpoiled)
    return {
      patch: [] as PatchOperation[],
      findings: findings.map((f) => {
        if (!f.mutation || f.action === 'audit') return f;
        const kept = judged(f, f.action, `not applied (a rule could not judge this object): ${f.message}`);
        delete kept.mutation; // a change no one makes, not one the mutating webhook failed to
        return kept;
      }),
    };
  try {
    return { patch: patchBetween(object, run.draft), findings };
  } catch (err) {
    const denied = findings.map((f) =>
      f.mutation && f.action !== 'audit'
        ? judged(
            f,
            'deny',
            `not applied: the guard could not write this change (${errorText(err)}; the object is nested too deeply): ${f.message}`,
          )
        : f,
    );
    return { patch: [] as PatchOperation[], findings: denied };
  }
}
