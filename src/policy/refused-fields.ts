// What the rules share that warn of CR fields the operator copies onto its StatefulSets or admin
// client Deployment as written, and that Kubernetes' validation then refuses: where those objects'
// pods come from, the consequence in words, and one warning per CR section that names a few
// problems and counts the rest (a CR can hold thousands of bad entries).
import { isObject } from './k8s.js';
import { pointer, type Reporter } from './rule.js';

/** One thing Kubernetes refuses, at its path under the CR section. */
export interface Problem {
  at: (string | number)[];
  text: string;
}

/** Kubernetes 1.33 takes the StatefulSet and refuses its pods; 1.36 refuses the StatefulSet. `%s` is the problems. */
const podsRefused = (daemon: string, daemons: string): string =>
  `Kubernetes refuses every ${daemon} pod made from the operator's StatefulSet (from 1.36 the StatefulSet itself): %s. The ${daemons} never start, or a rolling update stops at the first one it replaces`;

/** A Deployment's pod template is validated by every version; the operator makes it first. */
export const ADMIN_CLIENT_REFUSED =
  "Kubernetes refuses the admin client Deployment the operator makes from it: %s. The operator's reconcile fails there each time, before it makes or updates the proxies and targets (a new cluster never starts; changes to a running one are not rolled out)";

/** AdminClientEnabled: the operator makes the admin client when spec.adminClient is there and not disabled. */
export const adminClientEnabled = (spec: Record<string, unknown>): boolean =>
  isObject(spec.adminClient) && spec.adminClient.enabled !== false;

/** The daemon sections whose pod template the operator renders, with what a warning of theirs says. */
export const DAEMON_SECTIONS: readonly { section: string; effect: string }[] = [
  { section: 'targetSpec', effect: podsRefused('target', 'targets') },
  { section: 'proxySpec', effect: podsRefused('proxy', 'proxies') },
];
const WITH_ADMIN_CLIENT = [...DAEMON_SECTIONS, { section: 'adminClient', effect: ADMIN_CLIENT_REFUSED }];

/**
 * The sections of `spec` the operator renders into pod templates: the daemons', and the admin
 * client's while it makes one. Its Deployment is made in the first reconcile step and validated
 * whole by every Kubernetes version, so a mistake there stops the reconcile before the daemons.
 */
export const podSections = (spec: Record<string, unknown>) =>
  adminClientEnabled(spec) ? WITH_ADMIN_CLIENT : DAEMON_SECTIONS;

/** Problems a warning names; the rest are counted. */
const NAMED = 5;

/**
 * One warning for spec.<section>, at its first problem: `effect` with its `%s` replaced by up to
 * five problems, and `fix(fields)` told which fields of the section (first path steps) hold them.
 */
export function warnRefused(
  report: Reporter,
  section: string,
  found: readonly Problem[],
  effect: string,
  fix: (fields: string) => string,
): void {
  if (found.length === 0) return;
  const listed = found.slice(0, NAMED).map((f) => f.text);
  const more = found.length > NAMED ? ` (and ${found.length - NAMED} more)` : '';
  const fields = [...new Set(found.map((f) => f.at[0]))].join(' and ');
  report.warn(
    pointer('spec', section, ...found[0]!.at),
    `spec.${section}: ${effect.replace('%s', () => listed.join('; ') + more)}; the CR is accepted, and only events and the operator's logs say so.`,
    fix(fields),
  );
}
