// The one entry point the webhook and the CLI share: object + context in, findings and a JSON Patch
// out. Pure: no I/O, no clock. Rules see a private draft; the patch is diffed by a library.
import jsonpatch from 'fast-json-patch';
import { ClusterContext, EMPTY_CONTEXT } from './context.js';
import { cloneJson, isObject } from './k8s.js';
import { detectLayout, type Layout } from './layout.js';
import { actionFor, ENFORCE, modeOf, type Action, type Modes } from './modes.js';
import { recognise, type Recognised } from './recognise.js';
import { collectFindings, type Rule } from './rule.js';
import { RULES } from './rules/index.js';
import type { Finding, KubeObject, PatchOperation, Subject } from './types.js';

export interface JudgedFinding extends Finding {
  action: Action;
}

export interface Evaluation {
  /** What the object was recognised as; undefined for objects that are not AIStore's. */
  role?: Recognised['role'];
  crName?: string;
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
}

const untouched = (object: KubeObject): Evaluation => ({ findings: [], allowed: true, patch: [], object });

function runRules(
  subject: Subject,
  draft: KubeObject,
  ctx: ClusterContext,
  rules: readonly Rule[],
  modes: Modes,
) {
  const findings: JudgedFinding[] = [];
  let recognised: Recognised | undefined;
  let layout: Layout | undefined;
  let stale = true;
  for (const rule of rules) {
    if (stale) {
      recognised = recognise(draft, subject.namespace, ctx);
      const fresh = recognised && detectLayout(recognised, ctx);
      // After the guard itself turned anti-affinity off, keep naming the evidence that made it do so.
      layout = fresh && layout?.multiTarget ? { ...fresh, signals: layout.signals } : fresh;
      stale = false;
    }
    if (!recognised || !layout || !rule.roles.includes(recognised.role)) continue;
    const mode = modeOf(modes, rule.id);
    // An audit-mode rule may still compute its change, but on a copy: audit never changes objects.
    const target =
      rule.mutates && mode === 'audit' ? { ...recognised, object: cloneJson(draft) as never } : recognised;
    const sink: Finding[] = [];
    rule.check({
      subject: target,
      layout,
      ctx,
      operation: subject.operation,
      report: collectFindings(rule.id, sink),
    });
    for (const f of sink) findings.push({ ...f, action: actionFor(mode, f.severity) });
    if (target === recognised && sink.some((f) => f.mutation)) stale = true;
  }
  return { findings, recognised, layout };
}

/**
 * On UPDATE, a violation the old object already had is not the update's fault: it is reported but
 * does not deny (ratcheting, as Kubernetes does for CRD validation), so controllers can keep
 * updating objects that predate a rule.
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
  const old = runRules(
    { ...subject, object: subject.oldObject },
    cloneJson(subject.oldObject),
    ctx,
    rules,
    modes,
  );
  const before = new Set(
    old.findings.filter((f) => f.severity === 'deny').map((f) => `${f.ruleId} ${f.path}`),
  );
  return findings.map((f) =>
    f.action === 'deny' && before.has(`${f.ruleId} ${f.path}`)
      ? { ...f, action: 'warn' as const, message: `already so before this update: ${f.message}` }
      : f,
  );
}

export function evaluate(
  subject: Subject,
  ctx: ClusterContext = EMPTY_CONTEXT,
  options: EvaluateOptions = {},
): Evaluation {
  const { object } = subject;
  if (!isObject(object)) return untouched(object);
  if (subject.operation !== 'CREATE' && subject.operation !== 'UPDATE') return untouched(object);
  if (!recognise(object, subject.namespace, ctx)) return untouched(object);

  const rules = options.rules ?? RULES;
  const modes = options.modes ?? ENFORCE;
  const draft = cloneJson(object);
  const run = runRules(subject, draft, ctx, rules, modes);
  const findings = ratchet(run.findings, subject, ctx, rules, modes);
  // Rules change the draft only where they report a mutation: no mutation, no diff to compute.
  const patch = run.findings.some((f) => f.mutation)
    ? (jsonpatch.compare(object, draft) as PatchOperation[])
    : [];
  return {
    role: run.recognised?.role,
    crName: run.recognised?.crName,
    multiTarget: run.layout?.multiTarget,
    signal: run.layout?.signals[0]?.detail,
    findings,
    allowed: !findings.some((f) => f.action === 'deny'),
    patch,
    object: patch.length > 0 ? draft : object,
  };
}
