import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  hostAntiAffinityWith,
  node,
  targetPod,
  targetStatefulSet,
  TERM_SCOPES,
} from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../index.js';

/** One of the shared term scopes, by name (the VAP and MAP agreement cases run them all). */
const scope = (name: string) => TERM_SCOPES.find((s) => s.name === name)!.extra;

const preferred = {
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 100,
        podAffinityTerm: {
          labelSelector: { matchLabels: { 'app.kubernetes.io/component': 'target' } },
          topologyKey: 'kubernetes.io/hostname',
        },
      },
    ],
  },
};
const zoneAnti = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'ais' } },
        topologyKey: 'topology.kubernetes.io/zone',
      },
    ],
  },
};
const otherApp = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'postgres' } }, topologyKey: 'kubernetes.io/hostname' },
    ],
  },
};
const byExpression = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: {
          matchExpressions: [{ key: 'component', operator: 'In', values: ['target', 'proxy'] }],
        },
        topologyKey: 'kubernetes.io/hostname',
      },
    ],
  },
};

const NAME_LABEL = 'kubernetes.io/metadata.name';
/** A row by its name: rows are added in the middle. */
const row = (name: string): Row => rows.find((r) => r.name === name)!;
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
/** The object as a manifest may give it, its namespace left to `kubectl apply -n`. */
const withoutNamespace = (o: KubeObject): KubeObject => {
  const { namespace: _namespace, ...metadata } = o.metadata ?? {};
  return { ...o, metadata };
};

const rows: Row[] = [
  {
    name: 'CR: user anti-affinity with disablePodAntiAffinity',
    object: aistore({ disable: true, affinity: HOST_ANTI_AFFINITY() }),
    expect: {
      deny: [/copies it verbatim even with disablePodAntiAffinity.*didn't match pod anti-affinity rules/],
    },
  },
  {
    name: 'CR: selected by matchExpressions',
    object: aistore({ disable: true, affinity: byExpression }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: preferred anti-affinity is fine',
    object: aistore({ disable: true, affinity: preferred }),
    expect: {},
  },
  // A zone (or rack) term keeps targets one per node wherever the node carries the key (review
  // oper46: the scheduler's InterPodAffinity filter); a node without it is skipped (review fix23).
  {
    name: 'CR: zone anti-affinity between targets, no node known: warned of',
    object: aistore({ disable: true, affinity: zoneAnti }),
    expect: {
      warn: [/required anti-affinity between targets on "topology.kubernetes.io\/zone".*stays Pending/],
    },
  },
  {
    name: 'CR: a zone term only, anti-affinity not disabled, pinned to a host known with a zone: denied',
    object: aistore({ affinity: zoneAnti, nodeSelector: { [HOST]: 'node-1' } }),
    context: [node('node-1', { [HOST]: 'node-1', [ZONE]: 'a' })],
    expect: { deny: [/on "topology.kubernetes.io\/zone", which node node-1 carries/] },
  },
  {
    name: 'CR: zone term, the pinned node known without a zone label: keeps nothing apart',
    object: aistore({ affinity: zoneAnti, nodeSelector: { [HOST]: 'node-1' } }),
    context: [node('node-1', { [HOST]: 'node-1' })],
    expect: {},
  },
  {
    name: 'StatefulSet: zone term, pinned to a host known with a zone: denied',
    object: targetStatefulSet({ affinity: zoneAnti, nodeSelector: { [HOST]: 'node-1' } }),
    context: [
      aistore({ disable: true, nodeSelector: { [HOST]: 'node-1' } }),
      node('node-1', { [HOST]: 'node-1', [ZONE]: 'a' }),
    ],
    expect: {
      deny: [/the target pod template has a required anti-affinity between targets on .*which node/],
    },
  },
  {
    name: 'Pod CREATE: zone term, pinned to a host known with a zone: warned of, left as written',
    object: targetPod({ affinity: zoneAnti, nodeSelector: { [HOST]: 'node-1' } }),
    context: [aistore({ disable: true }), node('node-1', { [HOST]: 'node-1', [ZONE]: 'a' })],
    expect: { warn: [/the target pod has a required anti-affinity between targets on "topology/] },
  },
  {
    name: 'CR: zone term against another app is fine',
    object: aistore({
      disable: true,
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'postgres' } }, topologyKey: ZONE },
          ],
        },
      },
    }),
    expect: {},
  },
  {
    name: 'StatefulSet: zone term in the template, CR says multi-target: warned of',
    object: targetStatefulSet({ affinity: zoneAnti }),
    context: [aistore({ disable: true })],
    expect: { warn: [/the target pod template has a required anti-affinity between targets on/] },
  },
  {
    name: 'Pod CREATE: zone term warned of, not removed',
    object: targetPod({ affinity: zoneAnti }),
    context: [aistore({ disable: true })],
    expect: { warn: [/the target pod has a required anti-affinity between targets on/] },
  },
  {
    name: 'CR: anti-affinity against another app is fine',
    object: aistore({ disable: true, affinity: otherApp }),
    expect: {},
  },
  {
    name: 'CR: one target per node keeps it',
    object: aistore({ affinity: HOST_ANTI_AFFINITY() }),
    expect: {},
  },
  {
    name: 'StatefulSet: anti-affinity in template, CR says multi-target',
    object: targetStatefulSet({ affinity: HOST_ANTI_AFFINITY() }),
    context: [aistore({ disable: true })],
    expect: { deny: [/target pod template's required hostname anti-affinity/] },
  },
  {
    name: 'Pod CREATE: stripped',
    object: targetPod({ affinity: HOST_ANTI_AFFINITY() }),
    context: [aistore({ disable: true })],
    expect: { warn: [/removed the target pod's required hostname anti-affinity/], patched: true },
  },
  {
    name: 'Pod CREATE: other affinity kept',
    object: targetPod({
      affinity: {
        ...HOST_ANTI_AFFINITY(),
        ...(preferred.podAntiAffinity && {
          nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] },
        }),
      },
    }),
    context: [aistore({ disable: true })],
    expect: { warn: [/removed/], patched: true },
  },
  {
    name: 'Pod UPDATE: affinity is immutable, nothing to do',
    object: targetPod({ affinity: HOST_ANTI_AFFINITY() }),
    operation: 'UPDATE',
    oldObject: targetPod({ affinity: HOST_ANTI_AFFINITY() }),
    context: [aistore({ disable: true })],
    expect: { patched: false },
  },
  {
    name: 'Pod in a one-target-per-node cluster keeps it',
    object: targetPod({ affinity: HOST_ANTI_AFFINITY() }),
    context: [aistore()],
    expect: {},
  },
  // The scheduler applies a term only in its namespaces (k8s scheduler framework/types.go
  // getNamespacesFromPodAffinityTerm); the builders' objects are in namespace "ais".
  {
    name: 'CR: a term for another namespace does not keep targets apart',
    object: aistore({ disable: true, affinity: hostAntiAffinityWith({ namespaces: ['monitoring'] }) }),
    expect: {},
  },
  {
    name: "CR: a namespaces list naming the CR's namespace does",
    object: aistore({ disable: true, affinity: hostAntiAffinityWith({ namespaces: ['monitoring', 'ais'] }) }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: an empty namespaceSelector (every namespace) does',
    object: aistore({ disable: true, affinity: hostAntiAffinityWith({ namespaceSelector: {} }) }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: a namespaceSelector on the name of another namespace does not',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'monitoring' } } }),
    }),
    expect: {},
  },
  {
    name: "CR: a namespaceSelector by expression on the CR's namespace name does",
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({
        namespaceSelector: { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: ['ais'] }] },
      }),
    }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: a namespaceSelector on labels the guard cannot see is taken to pick the namespace',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({ namespaceSelector: { matchLabels: { team: 'storage' } } }),
    }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  // Where the namespace is left open, both sides ask the user to be explicit: the term is denied
  // (it may keep targets apart), and target anti-affinity does not count as on (it may not).
  {
    name: 'CR without metadata.namespace (check): a term naming a namespace may be its own',
    object: withoutNamespace(
      aistore({ disable: true, affinity: hostAntiAffinityWith({ namespaces: ['default'] }) }),
    ),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: hostPort and only a term whose namespaceSelector the guard cannot judge: denied on both counts',
    object: aistore({
      hostPort: 51081,
      affinity: hostAntiAffinityWith({ namespaceSelector: { matchLabels: { team: 'storage' } } }),
    }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  // matchLabelKeys / mismatchLabelKeys: the apiserver narrows the selector to the pod's own values
  // (k8s pkg/registry/core/pod/strategy.go applyMatchLabelKeysAndMismatchLabelKeys, GA in 1.33).
  {
    name: 'CR: matchLabelKeys on the pod name leaves each target only itself',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({ matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] }),
    }),
    expect: {},
  },
  {
    name: 'CR: matchLabelKeys on the revision hash still selects the other targets',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({ matchLabelKeys: ['controller-revision-hash'] }),
    }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: mismatchLabelKeys on a label all targets share selects none of them',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({ mismatchLabelKeys: ['app.kubernetes.io/name'] }),
    }),
    expect: {},
  },
  {
    name: 'CR: mismatchLabelKeys on the pod index still selects the other targets',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith({ mismatchLabelKeys: ['apps.kubernetes.io/pod-index'] }),
    }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: mismatchLabelKeys on a key no target carries is skipped, as the apiserver does',
    object: aistore({ disable: true, affinity: hostAntiAffinityWith({ mismatchLabelKeys: ['tier'] }) }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  // Selectors on the labels only the StatefulSet controller sets: no template carries them, every
  // target pod does (k8s pkg/controller/statefulset/stateful_set_utils.go updateIdentity, and
  // stateful_set_control.go the revision hash).
  {
    name: 'CR: a selector asking only for the pod-index label picks every target',
    object: aistore({ disable: true, affinity: hostAntiAffinityWith(scope('selector pod index Exists')) }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'CR: a selector refusing the revision hash picks no target',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith(scope('selector revision DoesNotExist')),
    }),
    expect: {},
  },
  {
    name: 'CR: a selector on some pod indexes may keep those targets apart',
    object: aistore({
      disable: true,
      affinity: hostAntiAffinityWith(scope('selector pod index In 0 and 1')),
    }),
    expect: { deny: [/required hostname anti-affinity/] },
  },
  {
    name: 'Pod CREATE: the merged pod-name NotIn its own name picks every other target, and is removed',
    object: targetPod({
      ordinal: 1,
      affinity: hostAntiAffinityWith(scope('selector pod name NotIn target 1')),
    }),
    context: [aistore({ disable: true })],
    expect: { warn: [/removed/], patched: true },
  },
  {
    name: 'Pod CREATE: pod-name In its own name picks no other target, and is kept',
    object: targetPod({
      ordinal: 1,
      affinity: hostAntiAffinityWith({
        labelSelector: {
          matchExpressions: [
            { key: 'statefulset.kubernetes.io/pod-name', operator: 'In', values: ['ais-target-1'] },
          ],
        },
      }),
    }),
    context: [aistore({ disable: true })],
    expect: { patched: false },
  },
  {
    name: 'StatefulSet: a template term for another namespace is left alone',
    object: targetStatefulSet({ affinity: hostAntiAffinityWith({ namespaces: ['monitoring'] }) }),
    context: [aistore({ disable: true })],
    expect: {},
  },
  {
    name: 'Pod CREATE: a term for another namespace is not removed',
    object: targetPod({ affinity: hostAntiAffinityWith({ namespaces: ['monitoring'] }) }),
    context: [aistore({ disable: true })],
    expect: { patched: false },
  },
  {
    name: 'Pod CREATE: a term listing its own namespace is removed',
    object: targetPod({ affinity: hostAntiAffinityWith({ namespaces: ['ais'] }) }),
    context: [aistore({ disable: true })],
    expect: { warn: [/removed/], patched: true },
  },
];

describe('rule target-anti-affinity', () => {
  it.each(rows)('$name', (row) => {
    checkRow('target-anti-affinity', row);
  });

  it('the open-namespace CR with hostPort is also denied for its port: anti-affinity does not count as on', () => {
    const ev = checkRow(
      'target-anti-affinity',
      rows.find((r) => r.name.startsWith('CR: hostPort and only'))!,
    );
    expect(ev.findings.filter((f) => f.severity === 'deny').map((f) => f.ruleId)).toEqual([
      'target-host-port',
      'target-anti-affinity',
    ]);
  });

  it('removes the whole podAntiAffinity when it was the only term', () => {
    const ev = checkRow('target-anti-affinity', row('Pod CREATE: stripped'));
    expect(ev.patch).toEqual([{ op: 'remove', path: '/spec/affinity' }]);
  });

  it('takes the target term out of a list by index: one remove, the other terms untouched', () => {
    const zone = { labelSelector: { matchLabels: { app: 'other' } }, topologyKey: 'zone' };
    const host = { labelSelector: { matchLabels: { app: 'third' } }, topologyKey: 'kubernetes.io/hostname' };
    const target = HOST_ANTI_AFFINITY().podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    const ev = checkRow('target-anti-affinity', {
      name: 'three terms, the target one first',
      object: targetPod({
        affinity: {
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [target, zone, host] },
        },
      }),
      context: [aistore({ disable: true })],
      expect: { warn: [/removed/], patched: true },
    });
    expect(ev.patch).toEqual([
      {
        op: 'remove',
        path: '/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0',
      },
    ]);
  });

  it('keeps the rest of the affinity', () => {
    const ev = checkRow('target-anti-affinity', row('Pod CREATE: other affinity kept'));
    expect(ev.patch).toEqual([{ op: 'remove', path: '/spec/affinity/podAntiAffinity' }]);
  });
});
