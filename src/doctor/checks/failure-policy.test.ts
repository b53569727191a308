import { annotate, checkTable, entry, type CheckRow } from '../../../test/doctor/support.js';
import type { Snapshot } from '../types.js';
import { checkFailurePolicy } from './failure-policy.js';

/** What Helm 3 writes on every object it installs (release "guard"). */
const helmInstalled = (s: Snapshot) =>
  annotate(s, { 'meta.helm.sh/release-name': 'guard', 'meta.helm.sh/release-namespace': 'ais-guard' });

/** What Argo CD (annotation tracking, its default since 3.0) writes on what application "ais-guard" syncs. */
const argoSynced = (s: Snapshot) =>
  annotate(s, {
    'argocd.argoproj.io/tracking-id':
      'ais-guard:admissionregistration.k8s.io/ValidatingWebhookConfiguration:/ais-guard',
  });

const rows: CheckRow[] = [
  {
    name: 'healthy base: 3 Fail, 5 Ignore',
    expect: { status: 'ok', message: /as documented for base: 3 Fail, 5 Ignore/ },
  },
  {
    name: 'healthy audit overlay: all Ignore',
    overlay: 'audit',
    expect: { status: 'ok', message: /audit: 0 Fail, 8 Ignore/ },
  },
  {
    name: 'aistores.validate turned Ignore',
    edit: (s) => (entry(s, 'aistores.validate.ais-guard.io').failurePolicy = 'Ignore'),
    expect: {
      status: 'fail',
      message:
        /aistores\.validate\.ais-guard\.io is Ignore, documented Fail \(base\): while the guard is down, AIStore objects are admitted unchecked/,
      fix: /kubectl patch validatingwebhookconfiguration ais-guard --type=json -p '\[\{"op":"replace","path":"\/webhooks\/0\/failurePolicy","value":"Fail"\}\]' \(or, for the audit overlay: doctor --overlay audit\)/,
    },
  },
  {
    name: 'pods.validate turned Fail',
    edit: (s) => (entry(s, 'pods.validate.ais-guard.io').failurePolicy = 'Fail'),
    expect: {
      status: 'fail',
      message: /pods\.validate\.ais-guard\.io is Fail, documented Ignore/,
      fix: /webhooks\/4\/failurePolicy","value":"Ignore"/,
    },
  },
  {
    name: 'unset means Fail',
    edit: (s) => delete entry(s, 'pods.mutate.ais-guard.io').failurePolicy,
    expect: {
      status: 'fail',
      message: /pods\.mutate\.ais-guard\.io is Fail, documented Ignore/,
      fix: /mutatingwebhookconfiguration/,
    },
  },
  {
    name: 'base policies checked against the audit overlay',
    overlay: 'audit',
    edit: (s) => (entry(s, 'storage.validate.ais-guard.io').failurePolicy = 'Fail'),
    expect: {
      status: 'fail',
      message: /storage\.validate\.ais-guard\.io is Fail, documented Ignore \(audit\)/,
    },
  },
  {
    // The chart's failurePolicy.aistores=Ignore: a choice its values document, not drift.
    name: 'a Helm release chose Ignore for aistores.validate',
    edit: (s) => {
      helmInstalled(s);
      entry(s, 'aistores.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'warn',
      message:
        /aistores\.validate\.ais-guard\.io is Ignore, documented Fail \(base\), as Helm release guard may set it \(failurePolicy\.aistores\): while the guard is down, AIStore objects are admitted unchecked/,
      fix: /helm upgrade guard -n ais-guard <chart> --reset-then-reuse-values --set failurePolicy\.aistores=Fail/,
    },
  },
  {
    // The chart has no value for the mutating entries' policy: a difference there is drift.
    name: 'a Helm release with a mutating entry turned Fail',
    edit: (s) => {
      helmInstalled(s);
      entry(s, 'pods.mutate.ais-guard.io').failurePolicy = 'Fail';
    },
    expect: { status: 'fail', message: /pods\.mutate\.ais-guard\.io is Fail, documented Ignore/ },
  },
  {
    // Argo CD renders the chart with `helm template`: no Helm release annotations, and a change by
    // hand is undone at the next sync. The source (its chart values) is where the choice lives.
    name: 'an Argo CD application chose Ignore for storage.validate',
    edit: (s) => {
      argoSynced(s);
      entry(s, 'storage.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'warn',
      message:
        /storage\.validate\.ais-guard\.io is Ignore, documented Fail \(base\), as Argo CD application ais-guard may set it \(failurePolicy\.storage\)/,
      fix: /^if that was not meant: Fail in application ais-guard's source \(the chart's failurePolicy\.storage, or the manifests' failurePolicy\); a change by hand is undone at its next sync$/,
    },
  },
  {
    name: 'an Argo CD application with a mutating entry turned Fail: fixed in its source, not patched',
    edit: (s) => {
      argoSynced(s);
      entry(s, 'pods.mutate.ais-guard.io').failurePolicy = 'Fail';
    },
    expect: {
      status: 'fail',
      message: /pods\.mutate\.ais-guard\.io is Fail, documented Ignore/,
      fix: /^pods\.mutate\.ais-guard\.io's failurePolicy: Ignore in Argo CD application ais-guard's source \(a change by hand is undone at its next sync\)$/,
    },
  },
  {
    name: 'an Argo CD application whose guard runs --mode=audit',
    edit: (s) => {
      argoSynced(s);
      if (s.guardArgs?.ok) s.guardArgs.value.push('--mode=audit');
      for (const name of ['aistores', 'storage', 'volumes'])
        entry(s, `${name}.validate.ais-guard.io`).failurePolicy = 'Ignore';
    },
    expect: { status: 'warn', fix: /doctor --overlay audit/ },
  },
  {
    // Flux's helm-controller installs with Helm (its annotations) and labels what it owns: the
    // HelmRelease's values decide; a helm upgrade by hand lasts until its next upgrade.
    name: 'a Flux HelmRelease chose Ignore for volumes.validate',
    edit: (s) => {
      annotate(
        s,
        { 'meta.helm.sh/release-name': 'ais-guard-ais-guard', 'meta.helm.sh/release-namespace': 'ais-guard' },
        { 'helm.toolkit.fluxcd.io/name': 'ais-guard', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' },
      );
      entry(s, 'volumes.validate.ais-guard.io').failurePolicy = 'Ignore';
    },
    expect: {
      status: 'warn',
      message: /as Flux HelmRelease flux-system\/ais-guard may set it \(failurePolicy\.volumes\)/,
      fix: /^if that was not meant: failurePolicy\.volumes: Fail in HelmRelease flux-system\/ais-guard's spec\.values \(helm-controller upgrades a release changed by hand back to them\)$/,
    },
  },
  {
    // A Flux Kustomization applies deploy/'s manifests: no chart value; its source is fixed, not the cluster.
    name: 'a Flux Kustomization with aistores.validate turned Ignore',
    edit: (s) => {
      annotate(
        s,
        {},
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
      fix: /^aistores\.validate\.ais-guard\.io's failurePolicy: Fail in Flux Kustomization flux-system\/guard's source \(a change by hand is undone at its next reconcile\) \(or, for the audit overlay: doctor --overlay audit\)$/,
    },
  },
  {
    // A chart that sets app.kubernetes.io/instance (not ours) on a Helm release: Helm's annotations
    // decide; the label means Argo CD's label tracking only on a configuration nobody else marked.
    name: 'a Helm release whose configuration also has app.kubernetes.io/instance',
    edit: (s) => {
      annotate(
        s,
        { 'meta.helm.sh/release-name': 'guard', 'meta.helm.sh/release-namespace': 'ais-guard' },
        { 'app.kubernetes.io/instance': 'guard' },
      );
      entry(s, 'pods.mutate.ais-guard.io').failurePolicy = 'Fail';
    },
    expect: { status: 'fail', fix: /^kubectl patch mutatingwebhookconfiguration ais-guard / },
  },
  { name: 'no configuration', edit: (s) => (s.configs = {}), expect: { status: 'skip' } },
];

checkTable(checkFailurePolicy, rows);
