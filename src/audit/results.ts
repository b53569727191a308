// The audit's findings per live object, in the PolicyReport vocabulary: every rule that applies to
// an object gives one result, fail (a deny finding), warn (a warning, or a change the guard would make
// at CREATE), or pass (no finding), so a report also says what was checked and found in order.
import { RULES, type Evaluation, type JudgedFinding, type KubeObject } from '../policy/index.js';

export type Result = 'pass' | 'fail' | 'warn';

export interface RuleResult {
  rule: string;
  result: Result;
  message: string;
  /** For fail and warn: where in the object, and how to fix. */
  path?: string;
  fix?: string;
  /** A fail because the rule could not run on the object (reports: `error`); see Finding.unjudged. */
  unjudged?: true;
}

export interface AuditedObject {
  object: KubeObject;
  evaluation: Evaluation;
  results: RuleResult[];
}

const RANK: Record<Result, number> = { pass: 0, warn: 1, fail: 2 };

/**
 * The guard binds a target pod to its disks' node as it is created; a live pod's affinity cannot
 * change (pkg/apis/core/validation ValidatePodUpdate), nor does it need to: the StatefulSet bound
 * its claims to their PVs, whose node affinity the scheduler follows (VolumeBinding), so a pod still
 * Pending goes there too. A live pod that runs elsewhere is the rule's own warning (spec.nodeName).
 */
const noLongerApplies = (f: JudgedFinding, role: string) =>
  f.mutation && role === 'target-pod' && f.ruleId === 'target-disk-binding';

/** One result per finding, and a pass for every rule of the object's role that found nothing. */
export function resultsOf(evaluation: Evaluation): RuleResult[] {
  const role = evaluation.role;
  if (!role) return [];
  const findings = evaluation.findings.filter((f) => !noLongerApplies(f, role));
  const results: RuleResult[] = findings.map((f) => ({
    rule: f.ruleId,
    result: f.action === 'deny' ? 'fail' : 'warn',
    message: f.mutation ? `the guard would change this on CREATE: ${f.message}` : f.message,
    path: f.path,
    fix: f.fix,
    ...(f.unjudged && { unjudged: true as const }),
  }));
  // Most titles name the problem a rule looks for ("hostPort on targets in a multi-target layout"):
  // alone, as the message of a pass, they read as a finding in Policy Reporter and -o json.
  for (const rule of RULES)
    if (rule.roles.includes(role) && !results.some((r) => r.rule === rule.id))
      results.push({ rule: rule.id, result: 'pass', message: `no finding: ${rule.title}` });
  return results;
}

export function worst(results: RuleResult[]): Result {
  return results.reduce<Result>((w, r) => (RANK[r.result] > RANK[w] ? r.result : w), 'pass');
}
