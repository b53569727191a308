import { allEntries, checkTable, entry, type CheckRow } from '../../../test/doctor/support.js';
import { checkNamespaceSelector } from './namespace-selector.js';

const rows: CheckRow[] = [
  {
    name: 'healthy',
    expect: {
      status: 'ok',
      message: /kube-system, kube-public, kube-node-lease, ais-guard excluded from all 7 namespaced webhooks/,
    },
  },
  {
    name: 'kube-system dropped from one selector',
    edit: (s) => {
      const e = entry(s, 'storage.validate.ais-guard.io').namespaceSelector!.matchExpressions![0]!;
      e.values = e.values!.filter((v) => v !== 'kube-system');
    },
    expect: {
      status: 'fail',
      message: /^kube-system is not excluded from storage\.validate\.ais-guard\.io$/,
      fix: /NotIn values/,
    },
  },
  {
    name: 'selector removed everywhere',
    edit: (s) => allEntries(s).forEach((w) => delete w.namespaceSelector),
    expect: { status: 'fail', message: /kube-system is not excluded from .*; ais-guard is not excluded/ },
  },
  {
    name: 'the PV-only entry is exempt (the apiserver ignores its selector)',
    edit: (s) => delete entry(s, 'volumes.validate.ais-guard.io').namespaceSelector,
    expect: { status: 'ok' },
  },
  {
    name: 'installed in another namespace, selector still names ais-guard',
    edit: (s, _c, e) => {
      e.namespace = 'guard-ops';
      e.excludedNamespaces = ['kube-system', 'kube-public', 'kube-node-lease', 'guard-ops'];
    },
    expect: { status: 'fail', message: /^guard-ops is not excluded from .* and \d+ more$/ },
  },
  {
    name: 'selector by a label the namespace carries (In on a team label) excludes kube-system',
    edit: (s) =>
      allEntries(s).forEach(
        (w) => (w.namespaceSelector = { matchExpressions: [{ key: 'team', operator: 'Exists' }] }),
      ),
    expect: { status: 'ok' },
  },
  {
    name: '... unless kube-system carries that label',
    edit: (s) => {
      allEntries(s).forEach((w) => (w.namespaceSelector = { matchLabels: { team: 'x' } }));
      s.namespaceLabels['kube-system'] = { team: 'x' };
    },
    expect: { status: 'fail', message: /^kube-system is not excluded/ },
  },
];

checkTable(checkNamespaceSelector, rows);
