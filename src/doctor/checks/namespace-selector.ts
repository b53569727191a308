// The system namespaces and the guard's own are never sent to the guard: a guard that is down must
// not block kube-system, and must never judge (or block) its own rollout.
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { liveEntries, list, nothingToCheck, renderHint, verdict, type Finding } from './common.js';
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
  return verdict(
    'namespace-selector',
    findings,
    `${list(expected.excludedNamespaces, 6)} excluded from all ${entries.length} namespaced webhooks`,
  );
}
