// affinity-label-keys reads one object (the CR's targetSpec.affinity, the target StatefulSet's
// template), yet the VAP export left it to the webhook: with the policies alone (no webhook, or the
// webhook down) a CR whose term Kubernetes refuses on every target pod was admitted, and no target
// ever started. The policies must deny exactly what the engine denies.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, hostAntiAffinityWith, run, targetStatefulSet } from '../support/builders.js';
import { admit } from '../vap/support/vap-eval.js';
import { VAPS } from '../vap/support/agreement.js';

const NAME = 'app.kubernetes.io/name';
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
const withLabels = (cr: KubeObject, labels: Record<string, string>): KubeObject => {
  const spec = cr.spec as { targetSpec: Record<string, unknown> };
  return { ...cr, spec: { ...spec, targetSpec: { ...spec.targetSpec, labels } } };
};

const CASES: { name: string; object: KubeObject; denied: boolean }[] = [
  {
    name: 'CR: matchLabelKeys on a key its matchLabels has',
    object: aistore({ affinity: hostAntiAffinityWith({ matchLabelKeys: [NAME] }) }),
    denied: true,
  },
  {
    name: 'CR: matchLabelKeys on the pod name',
    object: aistore({
      affinity: hostAntiAffinityWith({ matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] }),
    }),
    denied: false,
  },
  {
    name: 'CR: matchLabelKeys on a selector key no target carries',
    object: aistore({
      affinity: preferredWith({ labelSelector: { matchLabels: { tier: 'x' } }, matchLabelKeys: ['tier'] }),
    }),
    denied: false,
  },
  {
    name: 'CR: the same key in the selector and targetSpec.labels',
    object: withLabels(
      aistore({
        affinity: preferredWith({ labelSelector: { matchLabels: { tier: 'x' } }, matchLabelKeys: ['tier'] }),
      }),
      { tier: 'x' },
    ),
    denied: true,
  },
  {
    name: 'CR: a matchExpression on the revision hash',
    object: aistore({
      affinity: preferredWith({
        labelSelector: { matchExpressions: [{ key: 'controller-revision-hash', operator: 'Exists' }] },
        matchLabelKeys: ['controller-revision-hash'],
      }),
    }),
    denied: true,
  },
  {
    name: 'CR: two matchExpressions on a key no target carries',
    object: aistore({
      affinity: preferredWith({
        labelSelector: {
          matchExpressions: [
            { key: 'tier', operator: 'Exists' },
            { key: 'tier', operator: 'In', values: ['a'] },
          ],
        },
        matchLabelKeys: ['tier'],
      }),
    }),
    denied: true,
  },
  {
    name: 'CR: mismatchLabelKeys on a selector key',
    object: aistore({ affinity: hostAntiAffinityWith({ mismatchLabelKeys: [NAME] }) }),
    denied: false,
  },
  {
    name: 'CR: a key in both matchLabelKeys and mismatchLabelKeys',
    object: aistore({ affinity: preferredWith({ matchLabelKeys: ['tier'], mismatchLabelKeys: ['tier'] }) }),
    denied: true,
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
    denied: true,
  },
  {
    name: 'CR: empty label keys without a labelSelector',
    object: aistore({
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', matchLabelKeys: [] }],
        },
      },
    }),
    denied: false,
  },
  {
    name: 'StatefulSet: the template term rendered from such a CR',
    object: targetStatefulSet({ affinity: hostAntiAffinityWith({ matchLabelKeys: [NAME] }) }),
    denied: true,
  },
  {
    name: 'StatefulSet: matchLabelKeys on the pod name',
    object: targetStatefulSet({
      affinity: hostAntiAffinityWith({ matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] }),
    }),
    denied: false,
  },
];

describe('the policies deny affinity-label-keys as the engine does', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (name, c) => {
    for (const operation of ['CREATE', 'UPDATE'] as const) {
      // UPDATE: from the same object without its affinity, so the ratchet leaves the verdict alone.
      const oldObject = operation === 'UPDATE' ? structuredClone(c.object) : undefined;
      if (oldObject) {
        const spec = oldObject.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        delete (oldObject.kind === 'AIStore' ? spec.targetSpec : spec.template.spec).affinity;
      }
      const engine = run({ name, object: c.object, operation, oldObject }).findings.some(
        (f) => f.ruleId === 'affinity-label-keys' && f.action === 'deny',
      );
      expect(engine).toBe(c.denied);
      const verdicts = VAPS.map((p) => admit(p, { operation, object: c.object, oldObject }));
      expect(verdicts.flatMap((v) => v.errors)).toEqual([]);
      const vap = verdicts.some((v) => v.failures.some((f) => f.rule === 'affinity-label-keys'));
      expect([operation, vap]).toEqual([operation, c.denied]);
    }
  });
});
