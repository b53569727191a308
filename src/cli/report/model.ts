// The numbers every output format reports, computed once.
import { isObject, type JudgedFinding } from '../../policy/index.js';
import type { Judged } from '../judge.js';
import type { LoadError } from '../load.js';

export interface CheckReport {
  judged: Judged[];
  errors: LoadError[];
  /** Skipped files and documents, and what the input leaves unknown: said, never an error. */
  notes?: LoadError[];
}

/**
 * A finding that asks nothing of the user: the guard does it on admission ("None needed").
 * Shown as info; never counted as a warning, so never fails --strict.
 * TODO(core): carry this as the finding's own severity ('info') in rule metadata; until then the
 * CLI recognises the binding mutations of target-disk-binding and "None needed" fixes.
 */
export function informational(f: JudgedFinding): boolean {
  if ((f.severity as string) === 'info') return true;
  if (f.action !== 'warn') return false;
  return /^None needed\b/i.test(f.fix) || (f.mutation === true && f.ruleId === 'target-disk-binding');
}

export const warns = (f: JudgedFinding) => f.action === 'warn' && !informational(f);

/** A finding that fails the run (exit 1): a deny, or with --strict a warning (never an info one). */
export const failsRun = (f: JudgedFinding, strict: boolean) => f.action === 'deny' || (strict && warns(f));

/** The word every format shows for a finding: its action, or info for one that asks nothing. */
export const label = (f: JudgedFinding): JudgedFinding['action'] | 'info' =>
  informational(f) ? 'info' : f.action;

export function summarise({ judged, errors }: CheckReport) {
  let denied = 0;
  let warned = 0;
  let mutated = 0;
  for (const { evaluation } of judged) {
    if (!evaluation.allowed) denied++;
    else if (evaluation.findings.some(warns)) warned++;
    if (evaluation.patch.length > 0) mutated++;
  }
  return { documents: judged.length, denied, warned, mutated, errors: errors.length };
}

export function objectLabel({ manifest }: Judged): string {
  const { kind = '?', metadata } = manifest.object;
  // load.ts refuses metadata that is no map and names that are no strings; this never throws regardless.
  const meta: Record<string, unknown> = isObject(metadata) ? metadata : {};
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const name = text(meta.name) ?? text(meta.generateName) ?? '(unnamed)';
  const namespace = text(meta.namespace);
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
