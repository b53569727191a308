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
