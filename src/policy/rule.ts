// The contract every rule file implements. A rule reads the recognised object, the layout and the
// cluster context, and reports findings through `report`. A rule that changes the object takes
// `writable()` first: the guard copies the object only then, so a review that changes nothing
// (most of them, /validate after /mutate always) never pays for a copy of a 6 KB pod.
import type { AIStoreCR } from './aistore.js';
import type { ClusterContext } from './context.js';
import type { Layout } from './layout.js';
import type { Recognised } from './recognise.js';
import type { Finding, KubeObject, Operation, Severity } from './types.js';

export type Role = Recognised['role'];
export type SubjectOf<R extends Role> = Extract<Recognised, { role: R }>;

/**
 * Where the AIStore doc states what a rule enforces: the multi-target doc as it was when the rules
 * were written, at a pinned commit (upstream rewrote it in May 2026 and its anchors are gone).
 */
export const MULTI_TARGET_DOC =
  'https://github.com/NVIDIA/ais-k8s/blob/61ca1b60d1d2ad121676240dcb2b204cf0ddd967/docs/multiple_targets_per_node.md';

/** The operator source the rules follow (v3.4.0), for links to the lines that decide. */
export const OPERATOR_SOURCE = 'https://github.com/NVIDIA/ais-k8s/blob/v3.4.0/operator';

/** A Markdown link to an operator source line: `operatorLink('api/…/aistore_types.go', 964, 'IsTargetAutoScaling')`. */
export const operatorLink = (file: string, line: number, what: string) =>
  `[${what}](${OPERATOR_SOURCE}/${file}#L${line})`;

/**
 * The project's rule reference, as findings link it. The project has no published repository URL
 * yet (package.json has none): this constant is the one place to change when it does.
 */
export const RULE_DOC_BASE = 'https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md';

export interface Reporter {
  deny(path: string, message: string, fix: string): void;
  warn(path: string, message: string, fix: string): void;
  /** A warning that reports a change the rule made to the draft. */
  mutated(path: string, message: string, fix: string): void;
}

export interface RuleInput<R extends Role = Role> {
  /** The object being judged, as it stands: read it, never change it (it may be the caller's input). */
  subject: SubjectOf<R>;
  /**
   * The same subject on the private draft the guard diffs into the JSON Patch, copied on first use.
   * Take it right before changing anything, change only what it returns, and report the change with
   * `report.mutated`. In audit mode it is a throwaway copy: audit never changes objects.
   */
  writable(): SubjectOf<R>;
  layout: Layout;
  ctx: ClusterContext;
  operation: Operation;
  /** On UPDATE, the object as stored before the request: read it, never change it. */
  oldObject?: KubeObject;
  /** Subject.requester: who sends the write, when the caller knows. */
  requester?: string;
  report: Reporter;
}

/** What a rule's findings do, for the catalogue's verdict column. */
export type RuleVerdict = 'deny' | 'warn' | 'deny / warn' | 'mutate + warn / deny' | 'mutate + warn';

export interface Rule<R extends Role = Role> {
  id: string;
  title: string;
  /** One line for the catalogue: what the rule checks and its verdict. */
  summary: string;
  verdict: RuleVerdict;
  /** The operator behaviour the rule follows, with links to the source lines (Markdown). */
  operator: string;
  /** The usual fix, for the catalogue (each finding carries its own, more precise one). */
  howToFix: string;
  /** The upstream AIStore doc sentence (or operator fact) it enforces. */
  upstream: string;
  roles: readonly R[];
  /** Whether the rule may change the object (on CREATE). */
  mutates: boolean;
  /**
   * Whether what it finds on this CR (a host port, a required anti-affinity) keeps targets one per
   * node by itself: a multi-target layout then leaves a target Pending, never two on one node. On a
   * CR's UPDATE that forces no sharing, such a finding at a targetSpec field fixed at creation and
   * left as it was only warns (evaluate.ts fixedAtCreation; the VAP's twin is the check's `fixed`).
   */
  keepsTargetsApart?: (cr: AIStoreCR) => boolean;
  check(input: RuleInput<R>): void;
}

export function defineRule<R extends Role>(rule: Rule<R>): Rule {
  return rule as unknown as Rule;
}

export const docAnchor = (ruleId: string) => `${RULE_DOC_BASE}#${ruleId}`;

/**
 * The most findings one rule reports on one object one by one; past it, the rest are counted in one
 * more finding (Collector.countTheRest). Rules that list a kind of fault count it themselves at
 * LISTED (messages.ts); this bounds every other loop over the input: a target Pod with 62,000
 * hostPorts got a finding each, a 37 MB status message and 186,005 lines of `ais-guard check`.
 * Above what any rule reports on an object of ordinary size, so those findings stay as they were.
 */
export const MAX_RULE_FINDINGS = 16;

/** The longest JSON pointer both start with, in whole segments: where all the findings counted lie. */
export function commonPointer(a: string, b: string): string {
  // Most calls find the prefix already common (the ports of one container): no scan of `b`'s chars.
  if (a === b || (b.startsWith(a) && b[a.length] === '/')) return a;
  const n = Math.min(a.length, b.length);
  let end = 0;
  let i = 0;
  for (; i < n && a[i] === b[i]; i++) if (a[i] === '/') end = i;
  // One is the other's parent: /x/a of /x/a/b (but not /x/a of /x/ab).
  if (i === n && (a.length > n ? a[n] : b[n]) === '/') end = n;
  return a.slice(0, end);
}

/**
 * A reporter that appends to `sink`, each finding with what `decorate` adds, at most
 * MAX_RULE_FINDINGS of them; the rest it only counts, for countTheRest. One object with methods,
 * not three closures per rule and review: a target Pod's review makes one for each of its rules.
 */
class Collector<F extends Finding> implements Reporter {
  private readonly doc: string;
  private listed = 0;
  /** What the findings past MAX_RULE_FINDINGS had: how many, the worst severity, where, their fix. */
  private unlisted = 0;
  private unlistedDeny = false;
  private unlistedMutation = false;
  private unlistedPath = '';
  private unlistedFix: string | undefined;
  constructor(
    private readonly ruleId: string,
    private readonly sink: F[],
    private readonly decorate: (finding: Finding) => F,
  ) {
    this.doc = docAnchor(ruleId);
  }

  deny(path: string, message: string, fix: string): void {
    this.add('deny', false, path, message, fix);
  }

  warn(path: string, message: string, fix: string): void {
    this.add('warn', false, path, message, fix);
  }

  mutated(path: string, message: string, fix: string): void {
    this.add('warn', true, path, message, fix);
  }

  /**
   * One finding for those past MAX_RULE_FINDINGS: a deny if any of them was (the verdict is the
   * same as with them all), at the path they all lie under, so that the ratchet compares what
   * they are about (an update that changes none of it is "already so").
   */
  countTheRest(): void {
    if (this.unlisted === 0) return;
    const where = this.unlistedPath === '' ? 'the object' : this.unlistedPath;
    this.push(
      this.unlistedDeny ? 'deny' : 'warn',
      this.unlistedMutation,
      this.unlistedPath,
      `${this.unlisted} more finding(s) of this rule at ${where} (not listed one by one).`,
      this.unlistedFix ?? 'The same fixes as above, for each of them.',
    );
  }

  private add(severity: Severity, mutation: boolean, path: string, message: string, fix: string): void {
    if (this.listed < MAX_RULE_FINDINGS) {
      this.listed++;
      this.push(severity, mutation, path, message, fix);
      return;
    }
    // Counted, not kept: the work per finding past the cap is constant, and the message unbuilt.
    if (this.unlisted++ === 0) [this.unlistedPath, this.unlistedFix] = [path, fix];
    else {
      this.unlistedPath = commonPointer(this.unlistedPath, path);
      if (this.unlistedFix !== fix) this.unlistedFix = undefined;
    }
    if (severity === 'deny') this.unlistedDeny = true;
    if (mutation) this.unlistedMutation = true;
  }

  private push(severity: Severity, mutation: boolean, path: string, message: string, fix: string): void {
    const finding: Finding = { ruleId: this.ruleId, severity, message, path, fix, doc: this.doc };
    if (mutation) finding.mutation = true;
    this.sink.push(this.decorate(finding));
  }
}

/** A Reporter whose owner calls countTheRest once the rule is done. */
export type CountingReporter = Reporter & { countTheRest(): void };

/** A reporter that appends to `sink`, each finding with what `decorate` adds (e.g. the mode's action). */
export function collectFindings<F extends Finding = Finding>(
  ruleId: string,
  sink: F[],
  decorate: (finding: Finding) => F = (finding) => finding as F,
): CountingReporter {
  return new Collector(ruleId, sink, decorate);
}

/** JSON pointer from path segments (RFC 6901 escaping). */
export function pointer(...segments: (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    const s = String(segment);
    out += '/' + (s.includes('~') || s.includes('/') ? s.replaceAll('~', '~0').replaceAll('/', '~1') : s);
  }
  return out;
}
