// Who keeps the guard's webhook configurations as they are, read from the marks each tool leaves on
// what it applies, so that a fix goes where it lasts: a GitOps controller puts its source back over
// a kubectl patch, apply or delete at its next sync, so the fix names that source instead.
import type { ConfigKind, Snapshot, WebhookConfiguration } from '../types.js';

export interface Keeper {
  /** "Argo CD application ais-guard", "Helm release ais-guard", ... */
  said: string;
  /** When a change made by hand to the live object is undone: "at its next sync". */
  undoes: string;
  /**
   * Undone on its own (a sync, a reconcile), not only at the next upgrade someone runs: the fix
   * then belongs in the keeper's source, and a command on the live object is no fix at all.
   */
  gitOps: boolean;
  /**
   * Where the chart's values may render the configuration (a Kustomization applies manifests; an
   * Argo CD application's source may be either): how to set one, for the failure-policy check.
   */
  setValue?: (value: string, policy: string) => string;
}

/**
 * Read from the marks, a GitOps controller's own before Helm's: one that took over an install made with
 * `helm install` applies over it and never removes the `meta.helm.sh/*` annotations Helm left
 * (kubectl apply's three-way merge keeps what it did not apply), while it rewrites its own mark at
 * every sync.
 * - a Flux HelmRelease: helm-controller labels what it installs `helm.toolkit.fluxcd.io/name` and
 *   `/namespace`, and upgrades from the HelmRelease's values (so also Helm's annotations, below);
 *   a `helm upgrade` by hand lasts until its next reconcile, sooner with drift detection on;
 * - an Argo CD application by its tracking annotation, the default since Argo CD 3.0
 *   (`<app>:<group>/<kind>:<namespace>/<name>`, `<app>` written `<namespace>_<name>` for an
 *   application outside Argo CD's own namespace, argo-cd "Applications in any namespace"; it
 *   renders a chart with `helm template`, so no Helm annotations);
 * - a Flux Kustomization: kustomize-controller labels every object it applies
 *   `kustomize.toolkit.fluxcd.io/name` and `/namespace`;
 * - a Helm release: Helm 3 annotates every object it creates with its release (`-n`: a release
 *   lives in its own namespace, which may not be the guard's);
 * - last, an Argo CD application by label tracking, the default before 3.0 (Argo CD "Resource
 *   Tracking": `app.kubernetes.io/instance: <app>`). Neither deploy/ nor the chart sets that label
 *   on the webhook configurations (deploy/base/*-webhook.yaml; the chart's "ais-guard.labels" in
 *   _helpers.tpl), so alone it is Argo CD's; beside Helm's annotations it is as likely a chart's own
 *   `{{ .Release.Name }}` (Argo CD names the release after the application), and Helm's decide.
 */
export function keeperOf(config: WebhookConfiguration | undefined): Keeper | undefined {
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
      undoes: 'at its next reconcile',
      gitOps: true,
      setValue: (value, policy) =>
        `${value}: ${policy} in HelmRelease ${helmRelease}'s spec.values (helm-controller upgrades a release changed by hand back to them)`,
    };
  const argoApp = (app: string): Keeper => ({
    said: `Argo CD application ${app}`,
    undoes: 'at its next sync',
    gitOps: true,
    setValue: (value, policy) =>
      `${policy} in application ${app}'s source (the chart's ${value}, or the manifests' failurePolicy); ${byHand(argoApp(app))}`,
  });
  // Names have no "_" (DNS labels), so the first one is the namespace's end.
  const tracked = annotations['argocd.argoproj.io/tracking-id']?.split(':')[0]?.replace('_', '/');
  if (tracked) return argoApp(tracked);
  const kustomization = fluxObject('kustomize');
  if (kustomization)
    return { said: `Flux Kustomization ${kustomization}`, undoes: 'at its next reconcile', gitOps: true };
  const release = annotations['meta.helm.sh/release-name'];
  if (release) {
    const namespace = annotations['meta.helm.sh/release-namespace'];
    const args = namespace ? `${release} -n ${namespace}` : release;
    return {
      said: `Helm release ${release}`,
      undoes: 'at its next upgrade',
      gitOps: false,
      // --reset-then-reuse-values (Helm 3.14+): the release's values over the given chart's defaults.
      // --reuse-values keeps the defaults of the chart first installed, which a newer chart's
      // templates fail on or render differently (docs/helm.md).
      setValue: (value, policy) =>
        `helm upgrade ${args} <chart> --reset-then-reuse-values --set ${value}=${policy}`,
    };
  }
  const labelled = labels['app.kubernetes.io/instance'];
  if (labelled) return argoApp(labelled);
  return undefined;
}

/** "a change by hand is undone at its next sync". */
export const byHand = (keeper: Keeper): string => `a change by hand is undone ${keeper.undoes}`;

/** What to do, done in the keeper's source: "<what> in Argo CD application x's source (...)". */
export const inSource = (keeper: Keeper, what: string): string =>
  `${what} in ${keeper.said}'s source (${byHand(keeper)})`;

/** The GitOps keeper of the first of these configurations that was read and has one. */
export function gitOpsKeeper(snapshot: Snapshot, kinds: ConfigKind[]): Keeper | undefined {
  for (const kind of kinds) {
    const fetched = snapshot.configs[kind];
    const keeper = keeperOf(fetched?.ok ? fetched.value : undefined);
    if (keeper?.gitOps) return keeper;
  }
  return undefined;
}
