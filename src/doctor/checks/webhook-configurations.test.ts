import { absent, unreadable } from '../types.js';
import { checkTable, type CheckRow } from '../../../test/doctor/support.js';
import { checkWebhookConfigurations } from './webhook-configurations.js';

const rows: CheckRow[] = [
  {
    name: 'healthy base install',
    expect: {
      status: 'ok',
      message:
        /ValidatingWebhookConfiguration ais-guard \(5 webhooks\), MutatingWebhookConfiguration ais-guard \(3 webhooks\)/,
    },
  },
  {
    name: 'validating configuration deleted',
    edit: (s) => (s.configs.ValidatingWebhookConfiguration = absent()),
    expect: {
      status: 'fail',
      message: /ValidatingWebhookConfiguration ais-guard is missing/,
      fix: /ais-guard render --cert-dir CERTS \| kubectl apply -f -/,
    },
  },
  {
    name: 'mutating configuration deleted: points at validate-only',
    edit: (s) => (s.configs.MutatingWebhookConfiguration = absent()),
    expect: {
      status: 'fail',
      message: /MutatingWebhookConfiguration ais-guard is missing/,
      fix: /--overlay validate-only/,
    },
  },
  {
    name: 'validate-only install: no mutating configuration is right',
    overlay: 'validate-only',
    edit: (s) => delete s.configs.MutatingWebhookConfiguration,
    expect: { status: 'ok', message: /^ValidatingWebhookConfiguration ais-guard \(5 webhooks\)$/ },
  },
  {
    name: 'validate-only install with a mutating configuration left over',
    overlay: 'validate-only',
    // The snapshot of validate-only has none: one as fetched.
    edit: (s) => (s.configs.MutatingWebhookConfiguration = { ok: true, value: { webhooks: [] } }),
    expect: {
      status: 'warn',
      message: /MutatingWebhookConfiguration ais-guard exists, but the validate-only install has none/,
    },
  },
  {
    name: 'an entry removed',
    edit: (s) => {
      const v = s.configs.ValidatingWebhookConfiguration!;
      if (v.ok) v.value.webhooks = v.value.webhooks!.filter((w) => w.name !== 'pods.validate.ais-guard.io');
    },
    expect: { status: 'fail', message: /lacks pods\.validate\.ais-guard\.io/ },
  },
  {
    // kustomize-controller's labels: a kubectl apply of render's output is undone at its next reconcile.
    name: 'an entry removed from a configuration a Flux Kustomization applies: fixed in its source',
    edit: (s) => {
      const v = s.configs.ValidatingWebhookConfiguration!;
      if (!v.ok) return;
      v.value.metadata = {
        ...v.value.metadata,
        labels: {
          'kustomize.toolkit.fluxcd.io/name': 'guard',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
      };
      v.value.webhooks = v.value.webhooks!.filter((w) => w.name !== 'pods.validate.ais-guard.io');
    },
    expect: {
      status: 'fail',
      message: /lacks pods\.validate\.ais-guard\.io/,
      fix: /^this version's webhook configurations \(ais-guard render, or the chart\) in Flux Kustomization flux-system\/guard's source \(a change by hand is undone at its next reconcile\)$/,
    },
  },
  {
    // Helm would create it again at the next upgrade: the chart value, not a delete.
    name: 'validate-only, with the mutating configuration of a Helm release left',
    overlay: 'validate-only',
    edit: (s) =>
      (s.configs.MutatingWebhookConfiguration = {
        ok: true,
        value: {
          metadata: { name: 'ais-guard', annotations: { 'meta.helm.sh/release-name': 'guard' } },
          webhooks: [],
        },
      }),
    expect: {
      status: 'warn',
      fix: /^leave it out of what Helm release guard renders \(the chart's mutatingWebhook\.enabled=false, or deploy\/overlays\/validate-only\); a change by hand is undone at its next upgrade, or run doctor/,
    },
  },
  {
    name: 'an entry added by hand',
    edit: (s) => {
      const v = s.configs.ValidatingWebhookConfiguration!;
      if (v.ok) v.value.webhooks!.push({ name: 'extra.example.com' });
    },
    expect: { status: 'warn', message: /entries deploy\/ does not render: extra\.example\.com/ },
  },
  {
    name: 'not readable (RBAC of the doctor user)',
    edit: (s) => (s.configs.ValidatingWebhookConfiguration = unreadable('403 forbidden')),
    expect: {
      status: 'warn',
      message: /could not be read \(403 forbidden\)/,
      fix: /may get webhook configurations/,
    },
  },
];

checkTable(checkWebhookConfigurations, rows);
