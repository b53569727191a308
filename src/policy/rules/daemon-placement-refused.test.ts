// Each row is a nodeSelector or toleration Kubernetes' pod validation (pkg/apis/core/validation
// ValidateTolerations, ValidateLabels, v1.33) refuses or takes, on the pods of the StatefulSet the
// operator renders from the CR. The e2e suite (test/e2e/23-daemon-pods) asks the real
// apiserver about the pods of the operator's own rendering of such CRs.
import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

type Spec = Record<string, Record<string, unknown>>;

/** The CR with `fields` on the targets (or the daemon named). */
function cr(fields: Record<string, unknown>, daemon: 'targetSpec' | 'proxySpec' = 'targetSpec'): KubeObject {
  const o = structuredClone(aistore());
  Object.assign((o.spec as Spec)[daemon]!, fields);
  return o;
}
/** The CR with spec.adminClient as given. */
function admin(adminClient: Record<string, unknown>): KubeObject {
  const o = structuredClone(aistore());
  (o.spec as Record<string, unknown>).adminClient = adminClient;
  return o;
}
const tolerating = (...tolerations: Record<string, unknown>[]) => cr({ tolerations });

const REFUSED =
  /^spec.targetSpec: Kubernetes refuses every target pod made from the operator's StatefulSet \(from 1.36 the StatefulSet itself\): /;

const rows: Row[] = [
  {
    name: 'tolerations and a nodeSelector Kubernetes takes',
    object: cr({
      nodeSelector: { 'kubernetes.io/hostname': 'node-1', 'ais.nvidia.com/disks': '' },
      tolerations: [
        { key: 'ais', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'dedicated', operator: 'Equal', value: 'ais', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'x', value: 'y' },
        { operator: 'Exists' },
      ],
    }),
    expect: {},
  },
  {
    name: 'operator Exists with a value',
    object: tolerating({ key: 'ais', operator: 'Exists', value: 'true', effect: 'NoSchedule' }),
    expect: {
      warn: [
        new RegExp(
          REFUSED.source +
            /tolerations\[0\]: operator Exists takes no value\. The targets never start/.source,
        ),
      ],
    },
  },
  {
    name: 'no key without operator Exists',
    object: tolerating({ operator: 'Equal', value: 'x' }),
    expect: { warn: [/tolerations\[0\]: no key needs operator Exists/] },
  },
  {
    name: 'tolerationSeconds with NoSchedule',
    object: tolerating({ key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }),
    expect: { warn: [/tolerations\[0\]: tolerationSeconds needs effect NoExecute/] },
  },
  {
    name: 'an effect and an operator spelled wrong, in one warning',
    object: tolerating({ key: 'a', operator: 'exists', effect: 'Noschedule' }),
    expect: {
      warn: [
        /tolerations\[0\]: operator "exists" is neither Equal nor Exists; tolerations\[0\]: effect "Noschedule" is none of NoSchedule, PreferNoSchedule, NoExecute/,
      ],
    },
  },
  {
    name: 'a value that is no label value, and a key that is no label key',
    object: tolerating({ key: 'a b', value: 'x y' }),
    expect: { warn: [/key "a b" is no label key; tolerations\[0\]: value "x y" is no label value/] },
  },
  {
    name: 'a nodeSelector value with a space',
    object: cr({ nodeSelector: { pool: 'ais nodes' } }),
    expect: { warn: [/nodeSelector pool: "ais nodes" is no label value/] },
  },
  {
    name: 'a nodeSelector key that is no label key',
    object: cr({ nodeSelector: { 'ais/pool/a': 'x' } }),
    expect: { warn: [/nodeSelector key "ais\/pool\/a" is no label key/] },
  },
  {
    name: 'a nodeSelector value of 64 characters',
    object: cr({ nodeSelector: { pool: 'a'.repeat(64) } }),
    expect: { warn: [/is no label value/] },
  },
  {
    name: 'the proxies, named as such',
    object: cr({ tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] }, 'proxySpec'),
    expect: { warn: [/^spec.proxySpec: Kubernetes refuses every proxy pod .+ The proxies never start/] },
  },
  {
    // The operator's Deployment for it is validated, template and all, by every Kubernetes version;
    // its reconcile fails there, before proxies and targets (review placement38).
    name: 'the admin client, whose Deployment Kubernetes refuses',
    object: admin({
      nodeSelector: { pool: 'ais nodes' },
      tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }],
    }),
    expect: {
      warn: [
        /^spec.adminClient: Kubernetes refuses the admin client Deployment the operator makes from it: nodeSelector pool: "ais nodes" is no label value; tolerations\[0\]: operator Exists takes no value\. .*before it makes or updates the proxies and targets/,
      ],
    },
  },
  {
    name: 'an admin client that is not enabled is not made',
    object: admin({ enabled: false, tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] }),
    expect: {},
  },
  {
    name: 'on UPDATE too',
    object: tolerating({ key: 'ais', operator: 'Exists', value: 'true' }),
    operation: 'UPDATE',
    oldObject: cr({}),
    expect: { warn: [REFUSED] },
  },
];

describe('rule daemon-placement-refused', () => {
  it.each(rows)('$name', (row) => {
    checkRow('daemon-placement-refused', row);
  });
});
