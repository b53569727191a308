// Both webhook configurations present, with every entry deploy/ renders (validate-only: the
// validating one only), each selecting requests by the matchConditions this version renders.
import type { CheckResult, Expected, MatchCondition, Snapshot, WebhookEntry } from '../types.js';
import { list, renderHint, verdict, type Finding } from './common.js';

export function checkWebhookConfigurations(snapshot: Snapshot, expected: Expected): CheckResult {
  const findings: Finding[] = [];
  const present: string[] = [];
  const hint = renderHint(expected.overlay, expected.namespace);
  for (const want of expected.configs) {
    const got = snapshot.configs[want.kind];
    const label = `${want.kind} ${want.name}`;
    if (!got || !got.ok) {
      const missing = !got || got.absent;
      // Unreadable says something of doctor's user, not of the install: a warning, as elsewhere.
      findings.push({
        status: missing ? 'fail' : 'warn',
        message: missing ? `${label} is missing` : `${label} could not be read (${got.reason})`,
        fix: missing
          ? want.kind === 'MutatingWebhookConfiguration' && expected.overlay === 'base'
            ? `${hint} (or, for an install without mutation, run doctor --overlay validate-only)`
            : hint
          : 'run doctor with a kubeconfig that may get webhook configurations',
      });
      continue;
    }
    const names = new Set((got.value.webhooks ?? []).map((w) => w.name));
    const missing = want.webhooks.filter((w) => !names.has(w.name)).map((w) => w.name);
    const wanted = new Set(want.webhooks.map((w) => w.name));
    const extra = [...names].filter((n) => !wanted.has(n));
    if (missing.length > 0)
      findings.push({ status: 'fail', message: `${label} lacks ${list(missing)}`, fix: hint });
    if (extra.length > 0)
      findings.push({
        status: 'warn',
        message: `${label} has entries deploy/ does not render: ${list(extra)}`,
        fix: `remove them, or ${hint}`,
      });
    const stale = want.webhooks
      .filter((w) => names.has(w.name))
      .filter(
        (w) =>
          !sameConditions(
            w.matchConditions,
            got.value.webhooks?.find((e) => e.name === w.name),
          ),
      );
    if (stale.length > 0)
      findings.push({
        status: 'warn',
        message: `${label}: ${list(stale.map((w) => w.name))} select requests by other matchConditions than this version renders (an install of another version): the guard is not sent all it judges, or is sent more`,
        fix: hint,
      });
    present.push(`${label} (${names.size} webhooks)`);
  }
  for (const other of expected.notRendered) {
    const got = snapshot.configs[other.kind];
    if (got?.ok)
      findings.push({
        status: 'warn',
        message: `${other.kind} ${other.name} exists, but the ${expected.overlay} install has none`,
        fix: `kubectl delete ${other.kind.toLowerCase()} ${other.name}, or run doctor with the --overlay it was installed with`,
      });
  }
  return verdict('webhook-configurations', findings, present.join(', '));
}

/** The same conditions, in order, their expressions compared with whitespace runs as one space. */
function sameConditions(want: MatchCondition[], got: WebhookEntry | undefined): boolean {
  const text = (list: MatchCondition[]) =>
    JSON.stringify(list.map((c) => [c.name, c.expression.replace(/\s+/g, ' ').trim()]));
  return text(want) === text(got?.matchConditions ?? []);
}
