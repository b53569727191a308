import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

/** The CR with fields of spec.<daemon> added. */
const withSpec = (daemon: 'targetSpec' | 'proxySpec', fields: Record<string, unknown>): KubeObject => {
  const o = aistore();
  const spec = o.spec as Record<string, Record<string, unknown>>;
  spec[daemon] = { ...spec[daemon], ...fields };
  return o;
};
const fieldRef = (ref: Record<string, string>) => ({
  env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP', ...ref } } }],
});

const rows: Row[] = [
  {
    name: 'whenScaled alone: whenDeleted is named',
    object: withSpec('targetSpec', { pvcRetentionPolicy: { whenScaled: 'Delete' } }),
    expect: { warn: [/pvcRetentionPolicy has no whenDeleted.*never gets to scale/] },
  },
  {
    name: 'an empty policy on the proxies: both fields are named',
    object: withSpec('proxySpec', { pvcRetentionPolicy: {} }),
    expect: { warn: [/spec.proxySpec.pvcRetentionPolicy has no whenScaled and whenDeleted/] },
  },
  {
    name: 'both fields written',
    object: withSpec('targetSpec', { pvcRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }),
    expect: {},
  },
  {
    name: 'an env fieldRef without apiVersion',
    object: withSpec('targetSpec', fieldRef({})),
    expect: { warn: [/env POD_IP of spec.targetSpec has a fieldRef without apiVersion/] },
  },
  {
    name: 'an env fieldRef with apiVersion v1',
    object: withSpec('targetSpec', fieldRef({ apiVersion: 'v1' })),
    expect: {},
  },
  // core/v1 SetDefaults_ResourceList rounds a container's limits and requests up to 1m on the
  // StatefulSet; equality.Semantic compares the CR's finer value with the rounded one.
  {
    name: 'a target cpu request finer than 1m (100u is stored as 1m)',
    object: withSpec('targetSpec', { resources: { requests: { cpu: '100u', memory: '1Gi' } } }),
    expect: { warn: [/spec.targetSpec.resources.requests.cpu "100u".*1m.*every reconcile/] },
  },
  {
    name: 'a proxy memory limit with a fraction of a milli-byte',
    object: withSpec('proxySpec', { resources: { limits: { memory: '1.0005' } } }),
    expect: { warn: [/spec.proxySpec.resources.limits.memory "1.0005".*1001m/] },
  },
  {
    name: 'a decimal exponent finer than 1m, 1.5m included',
    object: withSpec('targetSpec', { resources: { limits: { cpu: '1.5m', memory: '1e-4' } } }),
    expect: {
      warn: [/resources.limits.cpu "1.5m".*2m/, /resources.limits.memory "1e-4".*1m/],
    },
  },
  {
    name: "the log sidecar's resources, compared too",
    object: (() => {
      const o = aistore();
      (o.spec as Record<string, unknown>).logSidecar = {
        image: 'aistorage/ais-logs:v1',
        resources: { requests: { cpu: '0.0005' } },
      };
      return o;
    })(),
    expect: { warn: [/spec.logSidecar.resources.requests.cpu "0.0005".*1m/] },
  },
  {
    name: 'whole milli-units and binary sizes are stored as written',
    object: withSpec('targetSpec', {
      resources: {
        requests: { cpu: '100m', memory: '1.5Gi', 'ephemeral-storage': '0.5Ki' },
        limits: { cpu: 0.001, memory: '500m' },
      },
    }),
    expect: {},
  },
];

describe('rule operator-never-in-sync', () => {
  it.each(rows)('$name', (row) => {
    checkRow('operator-never-in-sync', row);
  });
});
