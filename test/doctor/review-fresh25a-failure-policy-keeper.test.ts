// Review fresh25a: doctor failure-policy's keeperOf (src/doctor/checks/failure-policy.ts) names who
// keeps the webhook configuration so the fix goes there. Each row is a defect and fails on the commit
// it was written against (main 0910546).
import { annotate, checkTable, entry, type CheckRow } from './support.js';
import { checkFailurePolicy } from '../../src/doctor/checks/failure-policy.js';

const rows: CheckRow[] = [
  {
    // DEFECT: keeperOf tries the Helm release annotations before Argo CD's tracking-id, so an
    // install first done with `helm install` and later adopted by an Argo CD application (the usual
    // Helm-to-GitOps migration: Argo CD applies its manifests with kubectl apply and never removes
    // the meta.helm.sh/* annotations Helm left, while it writes its own tracking-id at every sync)
    // is judged as the Helm release's. The fix printed is `helm upgrade guard -n ais-guard ...
    // --set failurePolicy.storage=Fail`: that helm upgrade changes the live object, Argo CD sees the
    // application OutOfSync and its next (self-heal) sync puts Ignore back from the application's
    // source. The user follows doctor's fix and the guard stays fail-open.
    // Expected: the tracking-id, which Argo CD rewrites at each sync and so says who syncs the object
    // now, decides over the Helm annotations a former owner left: the fix names the application's
    // source, as for an object with the tracking-id alone. (Flux's helm-controller is different: it
    // installs with Helm, so its labels beside Helm's annotations are one owner; that row already
    // passes.) Citation: Argo CD docs user-guide/resource_tracking ("the annotation ... Argo CD is
    // never confused about the owner of a resource"); argo-cd controller/sync applies with kubectl
    // apply (annotations not in the desired manifest are kept).
    name: 'Argo CD adopted a former Helm install: the application, not helm upgrade',
    edit: (s) => {
      annotate(s, {
        'meta.helm.sh/release-name': 'guard',
        'meta.helm.sh/release-namespace': 'ais-guard',
        'argocd.argoproj.io/tracking-id':
          'ais-guard:admissionregistration.k8s.io/ValidatingWebhookConfiguration:/ais-guard',
      });
      entry(s, 'storage.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'warn',
      message: /as Argo CD application ais-guard may set it/,
      fix: /application ais-guard's source/,
    },
  },
  {
    // DEFECT (same order): a mutating entry of that adopted install turned Fail gets the
    // `kubectl patch` fix (patchUndone false for a Helm release), which Argo CD's next sync undoes.
    // Expected: the fix names the application's source, as for the tracking-id alone.
    name: 'Argo CD adopted a former Helm install: a mutating entry is fixed in the source, not patched',
    edit: (s) => {
      annotate(s, {
        'meta.helm.sh/release-name': 'guard',
        'meta.helm.sh/release-namespace': 'ais-guard',
        'argocd.argoproj.io/tracking-id':
          'ais-guard:admissionregistration.k8s.io/ValidatingWebhookConfiguration:/ais-guard',
      });
      entry(s, 'pods.mutate.ais-guard.io').failurePolicy = 'Fail';
    },
    expect: {
      status: 'fail',
      message: /pods\.mutate\.ais-guard\.io is Fail, documented Ignore/,
      fix: /^pods\.mutate\.ais-guard\.io's failurePolicy: Ignore in Argo CD application ais-guard's source/,
    },
  },
  {
    // DEFECT: the application's name is taken as the tracking-id up to its first ":". For an
    // application outside Argo CD's control-plane namespace ("Applications in any namespace", Argo
    // CD >= 2.5), Argo CD writes the instance name as `<namespace>_<name>` (argo-cd
    // pkg/apis/application/v1alpha1/types.go Application.InstanceName: Namespace + "_" + Name when
    // the app is not in the control-plane namespace; argo-cd PR #9755 "Applications in any namespace":
    // "the value of the tracking label will be a combination of the namespace and the application
    // name, concatenated with the underscore character", addressed as `argocd app get ns1/guestbook`), so doctor names "Argo CD application
    // team-a_ais-guard", an application that does not exist: `argocd app get team-a_ais-guard` and
    // `kubectl -n argocd get application team-a_ais-guard` find nothing (the CLI takes
    // `team-a/ais-guard`). The user cannot find the source doctor sends them to.
    // Expected: the application named as it is addressed, ais-guard in namespace team-a
    // (e.g. "team-a/ais-guard"), never the internal "team-a_ais-guard".
    name: "an Argo CD application in another namespace is named as it exists, not 'ns_app'",
    edit: (s) => {
      annotate(s, {
        'argocd.argoproj.io/tracking-id':
          'team-a_ais-guard:admissionregistration.k8s.io/ValidatingWebhookConfiguration:/ais-guard',
      });
      entry(s, 'storage.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'warn',
      message: /Argo CD application team-a\/ais-guard may set it/,
      fix: /application team-a\/ais-guard's source/,
    },
  },
  {
    // DEFECT (same order, Flux): an install first done with `helm install` and later taken over by
    // a Flux Kustomization applying deploy/'s manifests keeps Helm's meta.helm.sh/* annotations
    // (kustomize-controller applies server-side; fields another manager set are left alone) beside
    // kustomize-controller's labels. keeperOf returns the Helm release, so the fix for a validating
    // entry turned Ignore is `helm upgrade ... --set failurePolicy.aistores=Fail`: the release no
    // longer renders this object, and the Kustomization's next reconcile applies its source again.
    // Expected: the Kustomization's labels, written at each reconcile, decide: the fix names its
    // source, as for a Kustomization with no Helm annotations (failure-policy.test.ts row).
    name: 'a Flux Kustomization took over a former Helm install: its source, not helm upgrade',
    edit: (s) => {
      annotate(
        s,
        { 'meta.helm.sh/release-name': 'guard', 'meta.helm.sh/release-namespace': 'ais-guard' },
        {
          'kustomize.toolkit.fluxcd.io/name': 'guard',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
      );
      entry(s, 'aistores.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'fail',
      message: /aistores\.validate\.ais-guard\.io is Ignore, documented Fail \(base\)/,
      fix: /in Flux Kustomization flux-system\/guard's source/,
    },
  },
  {
    // DEFECT (regression of 10042c0 for the documented Argo CD install): docs/gitops.md "Argo CD"
    // syncs `path: deploy/overlays/argocd`, kustomize manifests with failurePolicy: Fail written in
    // them, no chart and so no failurePolicy.* value; the user says so with `doctor --overlay
    // argocd`. keeperOf still returns setValue for any tracking-id ("an Argo CD application's source
    // may be either"), so aistores.validate live Ignore (fail-open: AIStore objects admitted
    // unchecked while the guard is down) is a warn "as Argo CD application ais-guard may set it
    // (failurePolicy.aistores)", and doctor exits 0 (warnings do not count without --strict,
    // docs/doctor.md). Before 10042c0 it was a fail (exit 1), and the same manifests under a Flux
    // Kustomization are still a fail (failure-policy.test.ts). Expected: with the argocd overlay
    // (no chart values), a validating entry off its documented policy is a fail whose fix is the
    // application's source, as for a Flux Kustomization.
    name: 'doctor --overlay argocd (kustomize, no chart values): aistores.validate Ignore is a fail',
    overlay: 'argocd',
    edit: (s) => {
      annotate(s, {
        'argocd.argoproj.io/sync-wave': '-2',
        'argocd.argoproj.io/tracking-id':
          'ais-guard:admissionregistration.k8s.io/ValidatingWebhookConfiguration:/ais-guard',
      });
      entry(s, 'aistores.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'fail',
      message: /aistores\.validate\.ais-guard\.io is Ignore, documented Fail \(argocd\)/,
      fix: /Argo CD application ais-guard's source/,
    },
  },
];

checkTable(checkFailurePolicy, rows);
