// Each webhook's failurePolicy as deploy/ renders it for this overlay and docs/deploy.md explains:
// base: the three operator-evidence validating entries Fail, everything else Ignore; audit: all Ignore.
// A Helm release or an Argo CD application may choose another for each validating entry (the
// chart's failurePolicy.* values): there a difference is the user's choice, a warn that says what it
// costs, not drift to undo; and an Argo CD application's configuration is fixed in its source.
import type { CheckResult, Expected, Snapshot, WebhookConfiguration } from '../types.js';
import { liveEntries, nothingToCheck, verdict, type Finding } from './common.js';

/** The chart value that sets each validating entry's policy (deploy/helm/ais-guard/values.yaml). */
const CHART_VALUES: Record<string, string> = {
  'aistores.validate.ais-guard.io': 'failurePolicy.aistores',
  'storage.validate.ais-guard.io': 'failurePolicy.storage',
  'volumes.validate.ais-guard.io': 'failurePolicy.volumes',
  'storage-by-name.validate.ais-guard.io': 'failurePolicy.storageByName',
  'pods.validate.ais-guard.io': 'failurePolicy.pods',
};

/**
 * Who keeps the configuration as it is, so the fix goes there:
 * - a Flux HelmRelease (helm-controller labels what it installs `helm.toolkit.fluxcd.io/name` and
 *   `/namespace`; it upgrades from the HelmRelease's values, so a `helm upgrade` by hand lasts until
 *   its next upgrade, or its next reconcile with drift detection on);
 * - a Helm release (Helm 3 annotates every object it creates with its release; `-n`: a release lives
 *   in its own namespace, which may not be the guard's);
 * - an Argo CD application (its tracking annotation, the default since Argo CD 3.0:
 *   `<app>:<group>/<kind>:<namespace>/<name>`; it renders the chart with `helm template`, so no
 *   Helm annotations) or a Flux Kustomization (kustomize-controller's labels), whose Git source
 *   decides and undoes a kubectl patch at the next sync.
 * `setValue`, where the chart's failurePolicy.* values may render the configuration (a
 * Kustomization applies manifests; an Argo CD application's source may be either): how to set one.
 */
interface Keeper {
  said: string;
  setValue?: (value: string, policy: string) => string;
  patchUndone: boolean;
}
function keeperOf(config: WebhookConfiguration | undefined): Keeper | undefined {
  const { annotations = {}, labels = {} } = config?.metadata ?? {};
  const fluxObject = (controller: 'helm' | 'kustomize') => {
    const [name, namespace] = ['name', 'namespace'].map(
      (k) => labels[`${controller}.toolkit.fluxcd.io/${k}`],
    );
    return name && (namespace ? `${namespace}/${name}` : name);
  };
  const helmRelease = fluxObject('helm');
  if (helmRelease)
    return {
      said: `Flux HelmRelease ${helmRelease}`,
      setValue: (value, policy) =>
        `${value}: ${policy} in HelmRelease ${helmRelease}'s spec.values (a helm upgrade by hand is undone at its next upgrade)`,
      patchUndone: true,
    };
  const release = annotations['meta.helm.sh/release-name'];
  if (release) {
    const namespace = annotations['meta.helm.sh/release-namespace'];
    const args = namespace ? `${release} -n ${namespace}` : release;
    return {
      said: `Helm release ${release}`,
      setValue: (value, policy) => `helm upgrade ${args} <chart> --reuse-values --set ${value}=${policy}`,
      patchUndone: false,
    };
  }
  const app = annotations['argocd.argoproj.io/tracking-id']?.split(':')[0];
  if (app)
    return {
      said: `Argo CD application ${app}`,
      setValue: (value, policy) =>
        `${policy} in application ${app}'s source (the chart's ${value}, or the manifests' failurePolicy); a kubectl patch is undone at its next sync`,
      patchUndone: true,
    };
  const kustomization = fluxObject('kustomize');
  if (kustomization) return { said: `Flux Kustomization ${kustomization}`, patchUndone: true };
  return undefined;
}

/** The live guard runs --mode=audit: the chart then renders every validating entry Ignore. */
const runsInAuditMode = (snapshot: Snapshot) =>
  snapshot.guardArgs?.ok === true && snapshot.guardArgs.value.includes('--mode=audit');

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
      const value = CHART_VALUES[want.name];
      if (keeper?.setValue && value) {
        // The chart's mode=audit, not a failurePolicy value, turned the Fail entries Ignore.
        if (expected.overlay !== 'audit' && want.failurePolicy === 'Fail' && runsInAuditMode(snapshot)) {
          findings.push({
            status: 'warn',
            message: `${want.name} is Ignore, as ${keeper.said} renders it for the guard's --mode=audit: ${cost}`,
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
        fix: keeper?.patchUndone
          ? `${want.name}'s failurePolicy: ${want.failurePolicy} in ${keeper.said}'s source (a kubectl patch is undone at its next sync)${audit}`
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
