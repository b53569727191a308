import { checkTable, entry, type CheckRow } from '../../../test/doctor/support.js';
import { checkFailurePolicy } from './failure-policy.js';

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
  { name: 'no configuration', edit: (s) => (s.configs = {}), expect: { status: 'skip' } },
];

checkTable(checkFailurePolicy, rows);
