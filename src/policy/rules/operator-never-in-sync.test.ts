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
];

describe('rule operator-never-in-sync', () => {
  it.each(rows)('$name', (row) => {
    checkRow('operator-never-in-sync', row);
  });
});
