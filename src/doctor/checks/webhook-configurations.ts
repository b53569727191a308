// Both webhook configurations present, with every entry deploy/ renders (validate-only: the
// validating one only), each selecting requests by the rules, objectSelector and matchConditions this
// version renders; a Fail entry without its matchConditions is a failure of its own.
import type {
  CheckResult,
  Expected,
  ExpectedWebhook,
  LabelSelector,
  MatchCondition,
  Snapshot,
  WebhookEntry,
  WebhookRule,
} from '../types.js';
import { CONFIG_RIGHT, couldNotRead, list, readFix, renderHint, verdict, type Finding } from './common.js';
import { byHand, inSource, keeperOf } from './keeper.js';

export function checkWebhookConfigurations(snapshot: Snapshot, expected: Expected): CheckResult {
  const findings: Finding[] = [];
  const present: string[] = [];
  for (const want of expected.configs) {
    const got = snapshot.configs[want.kind];
    const label = `${want.kind} ${want.name}`;
    if (!got || !got.ok) {
      const missing = !got || got.absent;
      const hint = renderHint(expected);
      // Unreadable says something of doctor's user (403) or of the apiserver (429, 5xx after the
      // retries), not of the install: a warning, as elsewhere.
      findings.push({
        status: missing ? 'fail' : 'warn',
        message: missing ? `${label} is missing` : couldNotRead(label, got),
        // validate-only explains a missing mutating configuration only beside a validating one.
        fix: missing
          ? want.kind === 'MutatingWebhookConfiguration' &&
            expected.overlay === 'base' &&
            snapshot.configs.ValidatingWebhookConfiguration?.ok
            ? `${hint} (or, for an install without mutation, run doctor --overlay validate-only)`
            : hint
          : readFix(got, CONFIG_RIGHT),
      });
      continue;
    }
    // A configuration Argo CD or Flux keeps is corrected in its source: an apply by hand is undone.
    const keeper = keeperOf(got.value);
    const hint = keeper?.gitOps
      ? inSource(keeper, "this version's webhook configurations (ais-guard render, or the chart)")
      : renderHint(expected);
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
    const entryOf = (w: ExpectedWebhook) => got.value.webhooks?.find((e) => e.name === w.name);
    const inPlace = want.webhooks.filter((w) => names.has(w.name));
    // A Fail entry without its conditions (an apiserver before 1.28, or with the
    // AdmissionWebhookMatchConditions gate off, drops them) is sent every object of its kinds, and
    // a guard that is down then blocks them all: every StatefulSet, claim or PV of the cluster.
    const unconditioned = inPlace.filter(
      (w) =>
        w.failurePolicy === 'Fail' && w.matchConditions.length > 0 && !entryOf(w)?.matchConditions?.length,
    );
    if (unconditioned.length > 0)
      findings.push({
        status: 'fail',
        message: `${label}: ${list(unconditioned.map((w) => w.name))} have no matchConditions (dropped by an apiserver before 1.28 or without AdmissionWebhookMatchConditions): as Fail entries they are sent every object of their kinds, which a guard that is down then refuses`,
        fix: `use Kubernetes 1.28 or later (1.30 for the chart), then ${hint}`,
      });
    // The apiserver sends the first version of admissionReviewVersions it knows (k8s.io/apiserver
    // pkg/admission/plugin/webhook/request/admissionreview.go, CreateAdmissionObjects); the guard
    // answers anything but admission.k8s.io/v1 with 400 (src/server/admission.ts, decodeReview).
    const KNOWN = ['v1', 'v1beta1'];
    const oldReviews = (got.value.webhooks ?? []).filter((e) => {
      const first = e.admissionReviewVersions?.find((v) => KNOWN.includes(v));
      return e.admissionReviewVersions !== undefined && first !== 'v1';
    });
    if (oldReviews.length > 0)
      findings.push({
        status: 'fail',
        message: `${label}: ${list(oldReviews.map((e) => e.name))} are sent AdmissionReviews other than v1 (admissionReviewVersions ${list(
          oldReviews.map((e) => `[${(e.admissionReviewVersions ?? []).join(', ')}]`),
          2,
        )}), which the guard refuses: every call fails`,
        fix: `set admissionReviewVersions: [v1] (${hint})`,
      });
    const stale = inPlace.filter(
      (w) => !unconditioned.includes(w) && !sameConditions(w.matchConditions, entryOf(w)),
    );
    if (stale.length > 0)
      findings.push({
        status: 'warn',
        message: `${label}: ${list(stale.map((w) => w.name))} select requests by other matchConditions than this version renders (an install of another version): the guard is not sent all it judges, or is sent more`,
        fix: hint,
      });
    const reshaped = inPlace.filter((w) => !sameSelection(w, entryOf(w)));
    if (reshaped.length > 0)
      findings.push({
        status: 'warn',
        message: `${label}: ${list(reshaped.map((w) => w.name))} select other kinds, operations or objects (rules, objectSelector) than this version renders: the guard is not sent all it judges, or is sent more`,
        fix: hint,
      });
    present.push(`${label} (${names.size} webhooks)`);
  }
  for (const other of expected.notRendered) {
    const got = snapshot.configs[other.kind];
    if (!got?.ok) continue;
    // What a Helm release, Argo CD or Flux renders comes back after a delete by hand: leave it out there.
    const keeper = keeperOf(got.value);
    const leaveOut =
      other.kind === 'MutatingWebhookConfiguration'
        ? " (the chart's mutatingWebhook.enabled=false, or deploy/overlays/validate-only)"
        : '';
    findings.push({
      status: 'warn',
      message: `${other.kind} ${other.name} exists, but the ${expected.overlay} install has none`,
      fix: `${
        keeper
          ? `leave it out of what ${keeper.said} renders${leaveOut}; ${byHand(keeper)}`
          : `kubectl delete ${other.kind.toLowerCase()} ${other.name}`
      }, or run doctor with the --overlay it was installed with`,
    });
  }
  return verdict('webhook-configurations', findings, present.join(', '));
}

/** The same rules (order aside) and objectSelector. */
function sameSelection(want: ExpectedWebhook, got: WebhookEntry | undefined): boolean {
  const sorted = (v: string[] | undefined) => [...(v ?? [])].sort();
  const rules = (list: WebhookRule[]) =>
    list
      .map((r) =>
        JSON.stringify([
          sorted(r.apiGroups),
          sorted(r.apiVersions),
          sorted(r.resources),
          sorted(r.operations),
          r.scope ?? '*',
        ]),
      )
      .sort()
      .join();
  const selector = (s: LabelSelector | undefined) =>
    s && (Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0)
      ? JSON.stringify(s)
      : '';
  return (
    rules(want.rules) === rules(got?.rules ?? []) &&
    selector(want.objectSelector) === selector(got?.objectSelector)
  );
}

/** The same conditions, in order, their expressions compared with whitespace runs as one space. */
function sameConditions(want: MatchCondition[], got: WebhookEntry | undefined): boolean {
  const text = (list: MatchCondition[]) =>
    JSON.stringify(list.map((c) => [c.name, c.expression.replace(/\s+/g, ' ').trim()]));
  return text(want) === text(got?.matchConditions ?? []);
}
