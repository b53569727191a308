// Each row is a nodeSelector, toleration, node or pod affinity Kubernetes' pod validation
// (pkg/apis/core/validation ValidateTolerations, ValidateLabels, validateNodeAffinity,
// validatePodAffinity, validatePodAntiAffinity, v1.33) refuses or takes, on the pods of the StatefulSet the
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

/** The CR with targetSpec.affinity.nodeAffinity as given. */
const nodeAffinity = (na: Record<string, unknown>, daemon: 'targetSpec' | 'proxySpec' = 'targetSpec') =>
  cr({ affinity: { nodeAffinity: na } }, daemon);
const requiring = (...nodeSelectorTerms: unknown[]) =>
  nodeAffinity({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } });
const REQUIRED_AT = 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';

const rows: Row[] = [
  // validateNodeAffinity (review sched46: matchFields metadata.name In [n1, n2] passed, and Kubernetes
  // refused every target pod: "must be only one value when `operator` is 'In' or 'NotIn' for node
  // field selector").
  {
    name: 'node affinity Kubernetes takes: terms ORed, one node name per field, Gt with one value',
    object: requiring(
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }] },
      {
        matchExpressions: [
          { key: 'example.com/disk-gen', operator: 'Gt', values: ['5'] },
          { key: 'example.com/ssd', operator: 'Exists' },
          { key: 'zone', operator: 'In', values: ['a', 'b'] },
        ],
      },
      {},
    ),
    expect: {},
  },
  {
    name: 'matchFields metadata.name In two node names',
    object: requiring({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] }),
    expect: {
      warn: [
        new RegExp(
          REFUSED.source +
            String.raw`${REQUIRED_AT}\[0\].matchFields\[0\]: operator In on a field takes exactly one value\. The targets never start`,
        ),
      ],
    },
  },
  {
    name: 'matchFields on another field, or with Exists',
    object: requiring({
      matchFields: [
        { key: 'metadata.labels', operator: 'In', values: ['x'] },
        { key: 'metadata.name', operator: 'Exists' },
      ],
    }),
    expect: {
      warn: [
        /matchFields\[0\]: key "metadata.labels" is no node field.*matchFields\[1\]: operator "Exists" is neither In nor NotIn/,
      ],
    },
  },
  {
    name: 'a required node selector with no terms',
    object: requiring(),
    expect: { warn: [/nodeSelectorTerms: at least one term is required/] },
  },
  {
    name: 'operators with the values they do not take',
    object: requiring({
      matchExpressions: [
        { key: 'a', operator: 'In', values: [] },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1', '2'] },
        { key: 'd', operator: 'Equals', values: ['x'] },
      ],
    }),
    expect: {
      warn: [
        /operator In needs values; .*operator Exists takes no values; .*operator Gt takes exactly one value; .*operator "Equals" is not a node selector operator/,
      ],
    },
  },
  {
    name: 'a value that is no label value: refused in a required term, taken in a preferred one',
    object: nodeAffinity({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['+5'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 10, preference: { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['+5'] }] } },
      ],
    }),
    expect: {
      warn: [/nodeSelectorTerms\[0\].matchExpressions\[0\]: value "\+5" is no label value\. The targets/],
    },
  },
  {
    name: 'a preference weight outside 1-100, on the proxies',
    object: nodeAffinity(
      {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
        ],
      },
      'proxySpec',
    ),
    expect: {
      warn: [
        /^spec.proxySpec: .*preferredDuringSchedulingIgnoredDuringExecution\[0\].weight: 0 is not within 1-100/,
      ],
    },
  },
  {
    name: 'a preference without a weight: Kubernetes reads 0',
    object: nodeAffinity({
      preferredDuringSchedulingIgnoredDuringExecution: [
        { preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
      ],
    }),
    expect: {
      warn: [/preferredDuringSchedulingIgnoredDuringExecution\[0\].weight: 0 \(unset\) is not within 1-100/],
    },
  },
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
  // validatePodAffinity / validatePodAntiAffinity (review atk55-B): the operator copies the terms as written.
  {
    name: 'pod anti-affinity and affinity Kubernetes takes',
    object: cr({
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: {
                matchExpressions: [
                  { key: 'app.kubernetes.io/component', operator: 'In', values: ['target'] },
                ],
              },
              topologyKey: 'kubernetes.io/hostname',
              namespaces: ['ais'],
            },
          ],
        },
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: { app: 'ais' } },
                namespaceSelector: {},
                topologyKey: 'topology.kubernetes.io/zone',
              },
            },
          ],
        },
      },
    }),
    expect: {},
  },
  {
    name: 'a pod anti-affinity term with an empty topologyKey',
    object: cr({
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { 'app.kubernetes.io/component': 'target' } }, topologyKey: '' },
          ],
        },
      },
    }),
    expect: {
      warn: [
        /: affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution\[0\].topologyKey: none given \(a term needs a node label key, such as kubernetes.io\/hostname\)\. The targets never start/,
      ],
    },
  },
  {
    name: 'a pod affinity preference with weight 0, a selector operator without values, a value and a namespace Kubernetes refuses',
    object: cr({
      affinity: {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 0,
              podAffinityTerm: {
                labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] },
                namespaceSelector: { matchLabels: { team: 'a/b' } },
                namespaces: ['Ais'],
                topologyKey: 'kubernetes.io/hostname',
              },
            },
          ],
        },
      },
    }),
    expect: {
      warn: [
        /preferredDuringSchedulingIgnoredDuringExecution\[0\].weight: 0 is not within 1-100; .*podAffinityTerm.labelSelector.matchExpressions\[0\]: operator In needs values; .*namespaceSelector: matchLabels team: "a\/b" is no label value; .*namespaces: "Ais" is no namespace name/,
      ],
    },
  },
  {
    name: 'a selector operator Gt, which only a node selector has, and Exists with values',
    object: cr({
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: {
                matchExpressions: [
                  { key: 'rank', operator: 'Gt', values: ['1'] },
                  { key: 'app', operator: 'Exists', values: ['ais'] },
                ],
              },
              topologyKey: 'not a key',
            },
          ],
        },
      },
    }),
    expect: {
      warn: [
        /matchExpressions\[0\]: operator "Gt" is not a label selector operator; .*matchExpressions\[1\]: operator Exists takes no values; .*topologyKey: "not a key" is no label key/,
      ],
    },
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
