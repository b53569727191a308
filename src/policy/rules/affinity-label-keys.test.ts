import { describe, it } from '@jest/globals';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  hostAntiAffinityWith,
  targetStatefulSet,
} from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const NAME = 'app.kubernetes.io/name';
const REFUSED =
  /Kubernetes refuses every target pod made from this pod affinity term \("app.kubernetes.io\/name" exists in both matchLabelKeys and labelSelector\)/;
/** A preferred pod affinity term (co-locate with the cache) keyed on `keys`. */
const preferredWith = (extra: Record<string, unknown>) => ({
  podAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 10,
        podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone', ...extra },
      },
    ],
  },
});

const rows: Row[] = [
  {
    name: 'CR: the operator-style term, no label keys',
    object: aistore({ affinity: HOST_ANTI_AFFINITY() }),
    expect: {},
  },
  {
    name: 'CR: matchLabelKeys on a key its matchLabels has, which every target carries',
    object: aistore({ affinity: hostAntiAffinityWith({ matchLabelKeys: [NAME] }) }),
    expect: { deny: [REFUSED] },
  },
  {
    name: 'CR: matchLabelKeys on the pod name, not in the selector: fine',
    object: aistore({
      affinity: hostAntiAffinityWith({ matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] }),
    }),
    expect: {},
  },
  {
    name: 'CR: matchLabelKeys on a key the selector has but no target carries: nothing is merged, fine',
    object: aistore({
      affinity: preferredWith({ labelSelector: { matchLabels: { tier: 'x' } }, matchLabelKeys: ['tier'] }),
    }),
    expect: {},
  },
  {
    name: 'CR: the same key in a matchExpression and the merged one (revision hash)',
    object: aistore({
      affinity: preferredWith({
        labelSelector: { matchExpressions: [{ key: 'controller-revision-hash', operator: 'Exists' }] },
        matchLabelKeys: ['controller-revision-hash'],
      }),
    }),
    expect: { deny: [/"controller-revision-hash" exists in both matchLabelKeys and labelSelector/] },
  },
  {
    name: 'CR: mismatchLabelKeys on a selector key is allowed (NotIn filters further)',
    object: aistore({ affinity: hostAntiAffinityWith({ mismatchLabelKeys: [NAME] }) }),
    expect: {},
  },
  {
    name: 'CR: one key in both matchLabelKeys and mismatchLabelKeys',
    object: aistore({ affinity: preferredWith({ matchLabelKeys: ['tier'], mismatchLabelKeys: ['tier'] }) }),
    expect: { deny: [/"tier" exists in both matchLabelKeys and mismatchLabelKeys/] },
  },
  {
    name: 'CR: label keys without a labelSelector',
    object: aistore({
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', matchLabelKeys: ['tier'] }],
        },
      },
    }),
    expect: { deny: [/must not be specified when labelSelector is not set/] },
  },
  {
    name: 'StatefulSet: the template term the operator rendered from such a CR',
    object: targetStatefulSet({ affinity: hostAntiAffinityWith({ matchLabelKeys: [NAME] }) }),
    expect: { deny: [REFUSED] },
  },
];

describe('rule affinity-label-keys', () => {
  it.each(rows)('$name', (row) => {
    checkRow('affinity-label-keys', row);
  });
});
