// The system namespaces and the guard's own are never sent to the guard: a guard that is down must
// not block kube-system, and must never judge (or block) its own rollout.
import type { CheckResult, Expected, LabelSelector, Snapshot } from '../types.js';
import {
  couldNotRead,
  liveEntries,
  list,
  nothingToCheck,
  readFix,
  renderHint,
  verdict,
  type Finding,
} from './common.js';
import { gitOpsKeeper, inSource } from './keeper.js';
import { selects } from './selector.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';

export function checkNamespaceSelector(snapshot: Snapshot, expected: Expected): CheckResult {
  // The apiserver applies a namespaceSelector only to namespaced objects: PV-only entries are exempt.
  const entries = liveEntries(snapshot, expected).filter(
    ({ entry }) => !(entry.rules ?? []).every((r) => r.scope === 'Cluster'),
  );
  if (entries.length === 0)
    return nothingToCheck('namespace-selector', snapshot, expected, 'no namespaced webhook to check');
  const findings: Finding[] = [];
  // Under Argo CD or Flux a re-apply by hand is undone at the next sync: the selector goes in its source.
  const keeper = gitOpsKeeper(snapshot, [...new Set(entries.map((e) => e.kind))]);
  for (const ns of expected.excludedNamespaces) {
    // The apiserver sets the name label on every namespace; other labels as read, when readable.
    const labels = { ...snapshot.namespaceLabels[ns], [NAME_LABEL]: ns };
    const sent = entries
      .filter(({ entry }) => selects(entry.namespaceSelector, labels))
      .map((e) => e.entry.name);
    if (sent.length > 0)
      findings.push({
        status: 'fail',
        message: `${ns} is not excluded from ${list(sent, 3)}`,
        fix: keeper
          ? inSource(keeper, `${ns} in the NotIn values of ${NAME_LABEL} in every namespaceSelector`)
          : `add ${ns} to the NotIn values of ${NAME_LABEL} in every namespaceSelector, or ${renderHint(expected)}`,
      });
  }
  // The other direction: the namespaces AIStore clusters live in must be sent to the guard, or it
  // judges nothing there (the chart's namespaces.judged without them, a label they lack, NotIn).
  const aistores = snapshot.aistoreNamespaces;
  if (aistores && !aistores.ok && !aistores.absent)
    findings.push({
      status: 'warn',
      message: couldNotRead(`the AIStore CRs (${expected.crd.name})`, aistores),
      fix: readFix(aistores, `run doctor as a user that may list ${expected.crd.name} cluster-wide`),
    });
  const judged = aistores?.ok ? aistores.value : [];
  for (const ns of judged) {
    // Left out on purpose (the guard skips its own namespace too, src/cli/render.ts says so).
    if (expected.excludedNamespaces.includes(ns)) {
      findings.push({
        status: 'warn',
        message: `AIStore CRs live in ${ns}, which the guard never judges (${ns === expected.namespace ? 'its own namespace' : 'a system namespace'})`,
        fix: `keep AIStore clusters in other namespaces${ns === expected.namespace ? ', or install the guard in a namespace of its own' : ''}`,
      });
      continue;
    }
    const labels = { ...snapshot.namespaceLabels[ns], [NAME_LABEL]: ns };
    const missed = entries.filter(({ entry }) => !selects(entry.namespaceSelector, labels));
    // Its labels not read: a selector on any other label than the name cannot be judged.
    const unknown =
      snapshot.namespaceLabels[ns] === undefined
        ? missed.filter(({ entry }) => byOtherLabels(entry.namespaceSelector))
        : [];
    const names = (of: typeof entries) =>
      list(
        of.map((e) => e.entry.name),
        3,
      );
    if (unknown.length > 0)
      findings.push({
        status: 'warn',
        message: `AIStore CRs live in ${ns}, but the labels of namespace ${ns} could not be read: whether ${names(unknown)} select it is not known`,
        fix: `run doctor as a user that may get namespace ${ns}`,
      });
    else if (missed.length > 0)
      findings.push({
        status: 'warn',
        message: `AIStore CRs live in ${ns}, which ${names(missed)} leave out: the guard is not sent their objects from there`,
        fix: keeper
          ? inSource(keeper, `every namespaceSelector selecting ${ns} (the chart's namespaces.judged, say)`)
          : `let every namespaceSelector select ${ns} (the chart's namespaces.judged; a label it lacks; its NotIn values), or ${renderHint(expected)}`,
      });
  }
  return verdict(
    'namespace-selector',
    findings,
    `${list(expected.excludedNamespaces, 6)} excluded from all ${entries.length} namespaced webhooks${
      judged.length > 0 ? `, which select ${list(judged)}, where AIStore CRs live` : ''
    }`,
  );
}

/** A selector on some label other than the name, which only the namespace's labels can answer. */
const byOtherLabels = (selector: LabelSelector | undefined): boolean =>
  Object.keys(selector?.matchLabels ?? {}).some((k) => k !== NAME_LABEL) ||
  (selector?.matchExpressions ?? []).some((e) => e.key !== NAME_LABEL);
