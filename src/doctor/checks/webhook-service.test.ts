import { expect, it } from '@jest/globals';
import { absent, found, unreadable, type Snapshot } from '../types.js';
import { allEntries, checkTable, type CheckRow } from '../../../test/doctor/support.js';
import { checkWebhookService, readyEndpoints } from './webhook-service.js';

const svc = (s: Snapshot) => s.services['ais-guard/ais-guard']!;
const byUrl = (s: Snapshot, url: string) => {
  for (const w of allEntries(s))
    w.clientConfig = { url: `${url}/${w.name}`, caBundle: w.clientConfig?.caBundle };
};

const rows: CheckRow[] = [
  {
    name: 'healthy: two ready endpoints',
    expect: { status: 'ok', message: /Service ais-guard\/ais-guard:443 \(2 ready endpoints\)/ },
  },
  {
    name: 'Service deleted',
    edit: (s) => (svc(s).service = absent()),
    expect: {
      status: 'fail',
      message: /Service ais-guard\/ais-guard does not exist/,
      fix: /ais-guard render/,
    },
  },
  {
    name: 'no EndpointSlice (guard stopped, no pod)',
    edit: (s) => (svc(s).slices = found([])),
    expect: { status: 'fail', message: /no ready endpoints/, fix: /rollout status deployment\/ais-guard/ },
  },
  {
    name: 'endpoints not ready',
    edit: (s) => {
      const slices = svc(s).slices;
      if (slices.ok) for (const e of slices.value[0]!.endpoints!) e.conditions = { ready: false };
    },
    expect: { status: 'fail', message: /no ready endpoints/ },
  },
  {
    name: 'Service without the port the webhooks call',
    edit: (s) => {
      const service = svc(s).service;
      if (service.ok) service.value.spec!.ports = [{ name: 'https', port: 8443 }];
    },
    expect: { status: 'fail', message: /has no port 443/ },
  },
  {
    name: 'EndpointSlices not readable: a warning, not a verdict',
    edit: (s) => (svc(s).slices = unreadable('403 forbidden')),
    expect: { status: 'warn', message: /could not be read \(403 forbidden\)/ },
  },
  {
    name: 'a webhook repointed at another Service',
    edit: (s) => {
      for (const w of allEntries(s)) if (w.name.startsWith('pods.')) w.clientConfig!.service!.name = 'other';
      s.services['ais-guard/other'] = svc(s);
    },
    expect: {
      status: 'warn',
      message:
        /pods\.validate\.ais-guard\.io calls ais-guard\/other\/validate, deploy\/ renders ais-guard\/ais-guard\/validate/,
    },
  },
  {
    name: 'called by URL, guard answers',
    edit: (s) => {
      byUrl(s, 'https://127.0.0.1:8443');
      s.probes['https://127.0.0.1:8443'] = { ok: true, status: 200, certPem: '' };
    },
    expect: { status: 'ok', message: /https:\/\/127\.0\.0\.1:8443 \(by URL, \/readyz 200\)/ },
  },
  {
    name: 'called by URL, guard stopped',
    edit: (s) => {
      byUrl(s, 'https://127.0.0.1:8443');
      s.probes['https://127.0.0.1:8443'] = { ok: false, reason: 'connect ECONNREFUSED 127.0.0.1:8443' };
    },
    expect: {
      status: 'fail',
      message: /does not answer: connect ECONNREFUSED/,
      fix: /start the guard at https:\/\/127\.0\.0\.1:8443/,
    },
  },
  {
    name: 'called by URL, guard not ready',
    edit: (s) => {
      byUrl(s, 'https://127.0.0.1:8443');
      s.probes['https://127.0.0.1:8443'] = { ok: true, status: 503, certPem: '' };
    },
    expect: { status: 'fail', message: /\/readyz 503/ },
  },
  {
    name: 'no configuration: nothing to follow',
    edit: (s) => (s.configs = {}),
    expect: { status: 'skip', message: /no webhook configuration/ },
  },
];

checkTable(checkWebhookService, rows);

it.each([
  {
    name: 'ready unset counts as ready',
    slices: [{ endpoints: [{ addresses: ['a'], conditions: {} }] }],
    want: 1,
  },
  {
    name: 'other port name skipped',
    slices: [{ ports: [{ name: 'metrics' }], endpoints: [{ addresses: ['a'] }] }],
    want: 0,
  },
  {
    name: 'same address in two slices once',
    slices: [{ endpoints: [{ addresses: ['a'] }] }, { endpoints: [{ addresses: ['a'] }] }],
    want: 1,
  },
  { name: 'null endpoints', slices: [{ endpoints: null }], want: 0 },
])('readyEndpoints: $name', ({ slices, want }) => {
  expect(readyEndpoints({ spec: { ports: [{ name: 'https', port: 443 }] } }, 443, slices)).toBe(want);
});
