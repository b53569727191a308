// Each webhook's failurePolicy as deploy/ renders it for this overlay and docs/deploy.md explains:
// base: the three operator-evidence validating entries Fail, everything else Ignore; audit: all Ignore.
// A Helm release, a Flux HelmRelease or an Argo CD application may choose another for each validating
// entry (the chart's failurePolicy.* values): there a difference is the user's choice, a warn that
// says what it costs, not drift to undo; and what a GitOps controller keeps is fixed in its source
// (keeper.ts).
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { liveEntries, nothingToCheck, verdict, type Finding } from './common.js';
import { inSource, keeperOf } from './keeper.js';

/** The chart value that sets each validating entry's policy (deploy/helm/ais-guard/values.yaml). */
const CHART_VALUES: Record<string, string> = {
  'aistores.validate.ais-guard.io': 'failurePolicy.aistores',
  'storage.validate.ais-guard.io': 'failurePolicy.storage',
  'volumes.validate.ais-guard.io': 'failurePolicy.volumes',
  'storage-by-name.validate.ais-guard.io': 'failurePolicy.storageByName',
  'pods.validate.ais-guard.io': 'failurePolicy.pods',
};

/**
 * The mode the live guard runs in when it refuses nothing (--mode=warn or audit, no rule set to
 * enforce, no --failure-mode=deny): the chart then renders every validating entry Ignore
 * (_helpers.tpl ais-guard.mayDeny).
 */
function refusesNothing(snapshot: Snapshot): string | undefined {
  if (snapshot.guardArgs?.ok !== true) return undefined;
  const args = snapshot.guardArgs.value;
  const mode = ['audit', 'warn'].find((m) => args.includes(`--mode=${m}`));
  const enforces = args.some(
    (a) =>
      a === '--failure-mode=deny' || (a.startsWith('--rule-mode=') && a.split(/[=,]/).includes('enforce')),
  );
  return mode && !enforces ? `--mode=${mode}` : undefined;
}

export function checkFailurePolicy(snapshot: Snapshot, expected: Expected): CheckResult {
  const live = new Map(liveEntries(snapshot, expected).map((e) => [e.entry.name, e]));
  const findings: Finding[] = [];
  let compared = 0;
  let failing = 0;
  for (const config of expected.configs)
    for (const want of config.webhooks) {
      const found = live.get(want.name);
      if (!found) continue;
      const { entry, index } = found;
      compared++;
      if (want.failurePolicy === 'Fail') failing++;
      // Unset means Fail (the admissionregistration/v1 default).
      const got = entry.failurePolicy ?? 'Fail';
      if (got === want.failurePolicy) continue;
      const cost =
        want.failurePolicy === 'Fail'
          ? 'while the guard is down, AIStore objects are admitted unchecked'
          : 'a guard that is down blocks what docs/deploy.md promises to let through';
      const fetched = snapshot.configs[config.kind];
      const keeper = keeperOf(fetched?.ok ? fetched.value : undefined);
      // `--overlay argocd` judges deploy/overlays/argocd, kustomize manifests with no chart values
      // (a chart install is judged as base, docs/doctor.md).
      const value = expected.overlay === 'argocd' ? undefined : CHART_VALUES[want.name];
      if (keeper?.setValue && value) {
        // The chart's mode (audit, or warn with no rule enforced), not a failurePolicy value,
        // turned the Fail entries Ignore.
        const mode = refusesNothing(snapshot);
        if (expected.overlay !== 'audit' && want.failurePolicy === 'Fail' && mode) {
          findings.push({
            status: 'warn',
            message: `${want.name} is Ignore, as ${keeper.said} renders it for the guard's ${mode}: ${cost}`,
            fix: 'judge this install as what it is: doctor --overlay audit',
          });
          continue;
        }
        findings.push({
          status: 'warn',
          message: `${want.name} is ${got}, documented ${want.failurePolicy} (${expected.overlay}), as ${keeper.said} may set it (${value}): ${cost}`,
          fix: `if that was not meant: ${keeper.setValue(value, want.failurePolicy)}`,
        });
        continue;
      }
      const audit =
        expected.overlay === 'base' && want.failurePolicy === 'Fail'
          ? ' (or, for the audit overlay: doctor --overlay audit)'
          : '';
      findings.push({
        status: 'fail',
        message: `${want.name} is ${got}, documented ${want.failurePolicy} (${expected.overlay}): ${cost}`,
        fix: keeper?.gitOps
          ? `${inSource(keeper, `${want.name}'s failurePolicy: ${want.failurePolicy}`)}${audit}`
          : `kubectl patch ${config.kind.toLowerCase()} ${config.name} --type=json -p '[{"op":"replace","path":"/webhooks/${index}/failurePolicy","value":"${want.failurePolicy}"}]'${audit}`,
      });
    }
  if (compared === 0) return nothingToCheck('failure-policy', snapshot, expected, 'no webhook to compare');
  return verdict(
    'failure-policy',
    findings,
    `as documented for ${expected.overlay}: ${failing} Fail, ${compared - failing} Ignore (docs/deploy.md "failurePolicy")`,
  );
}
