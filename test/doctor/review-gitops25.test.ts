// Review gitops25: `ais-guard doctor` on installs made by GitOps tools. failure-policy.ts keeperOf()
// recognises two keepers only: a Helm release (meta.helm.sh/release-name) and an Argo CD application
// with annotation tracking (argocd.argoproj.io/tracking-id). Every other GitOps install gets the
// `kubectl patch` fix, which the controller that keeps the object undoes at its next reconcile:
//  - Flux kustomize-controller labels every object it applies `kustomize.toolkit.fluxcd.io/name` and
//    `kustomize.toolkit.fluxcd.io/namespace` (Flux docs, "Kustomization": `kubectl get all
//    -l=kustomize.toolkit.fluxcd.io/name=<Kustomization name> ...` lists the objects it reconciled)
//    and corrects drift in the fields Git sets with a forced server-side apply (docs/gitops.md says so
//    itself: "Flux applies with server-side apply and corrects drift in the fields it applies").
//  - Flux helm-controller installs with the Helm SDK (so meta.helm.sh/release-name is there too) and
//    labels every object `helm.toolkit.fluxcd.io/name` / `helm.toolkit.fluxcd.io/namespace`
//    (helm-controller CHANGELOG 0.9.0, post-renderer origin labels). A manual `helm upgrade
//    --reuse-values --set ...` makes a release revision the controller did not make: it upgrades
//    back to the HelmRelease's spec.values (and with driftDetection enabled corrects the field).
//    The value belongs in the HelmRelease's spec.values.
//  - Argo CD before 3.0 tracks by LABEL by default (`app.kubernetes.io/instance: <app>`; Argo CD
//    "Resource Tracking" docs, release-2.9: "The default label used is the well-known label
//    app.kubernetes.io/instance"), and many 3.x installs keep `label` for compatibility. Neither
//    deploy/base nor the chart sets app.kubernetes.io/instance on the webhook configurations
//    (deploy/base/*-webhook.yaml labels, chart _helpers.tpl "ais-guard.labels"), so on them that label
//    is Argo CD's. failure-policy.ts's own comment says "Argo CD 2.2+": 2.2 through 2.14 default to
//    label tracking, which doctor does not see.
// User impact: the operator runs the printed `kubectl patch`, doctor is green for a few minutes, then
// the GitOps controller restores the failurePolicy (self-heal / Flux interval) and the webhook is
// again Ignore (AIStore objects admitted unchecked while the guard is down) or Fail (a down guard
// blocks what docs/deploy.md promises to let through). Expected: as for the tracking-id case, name
// the keeper and say the value goes in its source (the Kustomization's Git path, the HelmRelease's
// spec.values, the Argo CD application's source), not a kubectl patch.
import { describe, expect, it } from '@jest/globals';
import { checkFailurePolicy } from '../../src/doctor/checks/failure-policy.js';
import { checkNamespaceSelector } from '../../src/doctor/checks/namespace-selector.js';
import type { Snapshot } from '../../src/doctor/types.js';
import { entry, expectedFor, healthySnapshot, makeCerts } from './support.js';

/** Sets these labels and annotations on both live webhook configurations. */
function mark(s: Snapshot, labels: Record<string, string>, annotations: Record<string, string> = {}): void {
  for (const fetched of Object.values(s.configs))
    if (fetched?.ok) {
      // Snapshot's WebhookConfiguration type models no labels: doctor reads none. The object the
      // apiserver returns has them, and so does what doctor fetches (it keeps the whole object).
      const meta = (fetched.value.metadata ?? {}) as {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
      fetched.value.metadata = {
        ...meta,
        labels: { ...meta.labels, ...labels },
        annotations: { ...meta.annotations, ...annotations },
      } as typeof fetched.value.metadata;
    }
}

type Check = (
  snapshot: Snapshot,
  expected: Awaited<ReturnType<typeof expectedFor>>,
) => {
  status: string;
  fix?: string;
};

async function judge(edit: (s: Snapshot) => void, check: Check = checkFailurePolicy) {
  const expected = await expectedFor('base');
  const snapshot = await healthySnapshot(expected, makeCerts());
  edit(snapshot);
  return check(snapshot, expected);
}

const KUBECTL_PATCH = /kubectl patch/;

describe('doctor failure-policy on a guard kept by a GitOps controller other than Argo CD annotation tracking', () => {
  it('Flux Kustomization (kustomize.toolkit.fluxcd.io labels): the fix is not a kubectl patch Flux reverts', async () => {
    const result = await judge((s) => {
      mark(s, {
        'kustomize.toolkit.fluxcd.io/name': 'ais-guard',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      });
      entry(s, 'aistores.validate.ais-guard.io').failurePolicy = 'Ignore';
    });
    expect(result.status).toBe('fail');
    // Today: kubectl patch validatingwebhookconfiguration ais-guard ... (undone at the next reconcile).
    expect(result.fix).not.toMatch(KUBECTL_PATCH);
    expect(result.fix).toMatch(/Flux Kustomization flux-system\/ais-guard|Kustomization ais-guard/);
  });

  it('Flux HelmRelease (helm.toolkit.fluxcd.io labels + Helm annotations): the fix is the HelmRelease values, not helm upgrade', async () => {
    const result = await judge((s) => {
      mark(
        s,
        { 'helm.toolkit.fluxcd.io/name': 'ais-guard', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' },
        { 'meta.helm.sh/release-name': 'ais-guard', 'meta.helm.sh/release-namespace': 'ais-guard' },
      );
      entry(s, 'storage.validate.ais-guard.io').failurePolicy = 'Ignore';
    });
    expect(result.status).toBe('warn');
    // Today: "if that was not meant: helm upgrade ais-guard -n ais-guard <chart> --reuse-values --set
    // failurePolicy.storage=Fail": a release revision helm-controller did not make, upgraded back to
    // the HelmRelease's values.
    expect(result.fix).not.toMatch(/helm upgrade/);
    expect(result.fix).toMatch(/HelmRelease/);
    expect(result.fix).toMatch(/failurePolicy\.storage/);
  });

  it('Argo CD with label tracking (app.kubernetes.io/instance, the default before 3.0): no kubectl patch self-heal undoes', async () => {
    const result = await judge((s) => {
      mark(s, { 'app.kubernetes.io/instance': 'ais-guard' });
      entry(s, 'pods.mutate.ais-guard.io').failurePolicy = 'Fail';
    });
    expect(result.status).toBe('fail');
    // Today: kubectl patch mutatingwebhookconfiguration ais-guard ... ; the annotation-tracked twin
    // of this row (failure-policy.test.ts) gets "... in Argo CD application ais-guard's source".
    expect(result.fix).not.toMatch(KUBECTL_PATCH);
    expect(result.fix).toMatch(/Argo CD application ais-guard/);
  });
});

describe('doctor checks other than failure-policy on an Argo CD application', () => {
  it('namespace-selector: an Argo CD-tracked configuration is fixed in the application source, not by kubectl apply', async () => {
    // namespace-selector.ts prints renderHint(): "re-apply the manifests: ais-guard render --cert-dir
    // CERTS | kubectl apply -f -". On an object Argo CD tracks (tracking-id, which doctor already
    // reads in failure-policy), that apply makes the application OutOfSync and self-heal puts Git's
    // selector back: the fix has to go to the application's source, as failure-policy says.
    const result = await judge((s) => {
      mark(
        s,
        {},
        {
          'argocd.argoproj.io/tracking-id':
            'ais-guard:admissionregistration.k8s.io/ValidatingWebhookConfiguration:/ais-guard',
        },
      );
      const e = entry(s, 'storage.validate.ais-guard.io').namespaceSelector!.matchExpressions![0]!;
      e.values = e.values!.filter((v) => v !== 'kube-system');
    }, checkNamespaceSelector);
    expect(result.status).toBe('fail');
    expect(result.fix).not.toMatch(/kubectl apply/);
    expect(result.fix).toMatch(/Argo CD application ais-guard/);
  });
});

describe('doctor --overlay validate-only on an Argo CD application that still renders the mutating configuration', () => {
  it('webhook-configurations: the fix is the application source, not kubectl delete (self-heal recreates it)', async () => {
    // webhook-configurations.ts prints "kubectl delete mutatingwebhookconfiguration ais-guard" for a
    // configuration the overlay does not render. When Argo CD tracks it, the application's source
    // renders it (deploy/base, or the chart without mutatingWebhook.enabled=false): the delete makes
    // the application OutOfSync/Missing and automated sync creates it again at once (Argo CD
    // "Automated Sync Policy": self-heal/auto-sync re-applies missing resources). Expected: point at
    // the source (deploy/overlays/validate-only, or mutatingWebhook.enabled=false), as failure-policy
    // does for tracking-id objects.
    const { checkWebhookConfigurations } = await import('../../src/doctor/checks/webhook-configurations.js');
    const base = await expectedFor('base');
    const snapshot = await healthySnapshot(base, makeCerts());
    mark(
      snapshot,
      {},
      {
        'argocd.argoproj.io/tracking-id':
          'ais-guard:admissionregistration.k8s.io/MutatingWebhookConfiguration:/ais-guard',
      },
    );
    const result = checkWebhookConfigurations(snapshot, await expectedFor('validate-only'));
    expect(result.status).toBe('warn');
    expect(result.message).toMatch(/MutatingWebhookConfiguration ais-guard exists/);
    // Today: "kubectl delete mutatingwebhookconfiguration ais-guard, or run doctor with the --overlay
    // it was installed with".
    expect(result.fix).not.toMatch(/kubectl delete/);
    expect(result.fix).toMatch(/Argo CD application ais-guard/);
  });
});
