// The contract every rule file implements. A rule reads the recognised object (a draft it may
// change on CREATE), the layout and the cluster context, and reports findings through `report`.
import type { ClusterContext } from './context.js';
import type { Layout } from './layout.js';
import type { Recognised } from './recognise.js';
import type { Finding, Operation, Severity } from './types.js';

export type Role = Recognised['role'];
export type SubjectOf<R extends Role> = Extract<Recognised, { role: R }>;

/** Where the AIStore doc states what a rule enforces. */
export const MULTI_TARGET_DOC =
  'https://github.com/NVIDIA/ais-k8s/blob/main/docs/multiple_targets_per_node.md';

export interface Reporter {
  deny(path: string, message: string, fix: string): void;
  warn(path: string, message: string, fix: string): void;
  /** A warning that reports a change the rule made to the draft. */
  mutated(path: string, message: string, fix: string): void;
}

export interface RuleInput<R extends Role = Role> {
  /** The object being judged: a private draft, safe to change when `operation` is CREATE. */
  subject: SubjectOf<R>;
  layout: Layout;
  ctx: ClusterContext;
  operation: Operation;
  report: Reporter;
}

export interface Rule<R extends Role = Role> {
  id: string;
  title: string;
  /** One line for the catalogue: what the rule checks and its verdict. */
  summary: string;
  /** The usual fix, for the catalogue (each finding carries its own, more precise one). */
  howToFix: string;
  /** The upstream AIStore doc sentence (or operator fact) it enforces. */
  upstream: string;
  roles: readonly R[];
  /** Whether the rule may change the object (on CREATE). */
  mutates: boolean;
  check(input: RuleInput<R>): void;
}

export function defineRule<R extends Role>(rule: Rule<R>): Rule {
  return rule as unknown as Rule;
}

export const docAnchor = (ruleId: string) => `docs/rules.md#${ruleId}`;

export function collectFindings(ruleId: string, sink: Finding[]): Reporter {
  const add = (severity: Severity, mutation?: true) => (path: string, message: string, fix: string) =>
    sink.push({
      ruleId,
      severity,
      message,
      path,
      fix,
      doc: docAnchor(ruleId),
      ...(mutation && { mutation }),
    });
  return { deny: add('deny'), warn: add('warn'), mutated: add('warn', true) };
}

/** JSON pointer from path segments (RFC 6901 escaping). */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}
