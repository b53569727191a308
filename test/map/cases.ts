// The objects the MAP-vs-engine agreement is proven on: the VAP agreement's cases of the kinds the
// mutating policies match, for the operations they match (every shared fixture included), and the rule tests' builders turned
// to each branch of the three mutations.
import type { KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  hostAntiAffinityWith,
  TERM_SCOPES,
  targetPod,
} from '../support/builders.js';
import { builderCases, fixtureCases, type AgreementCase } from '../vap/cases.js';

const PINNED = { 'kubernetes.io/hostname': 'node-1' };
const MAP_KINDS = ['AIStore', 'Pod'];

const create = (name: string, object: KubeObject): AgreementCase => ({ name, operation: 'CREATE', object });

const TARGET_TERM = HOST_ANTI_AFFINITY().podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]!;
// A target term the guard cannot be sure reaches every target (the namespace selector asks for a
// label it cannot see): the only kind the pod policy strips. A term sure to keep targets apart comes
// from a CR that keeps anti-affinity on, and the webhook with that CR keeps it (layout.ts viewFromPodSpec).
const UNSURE_TERM_SCOPE = { namespaceSelector: { matchLabels: { team: 'storage' } } };
const UNSURE_TERM = { ...TARGET_TERM, ...UNSURE_TERM_SCOPE };
const UNSURE = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [UNSURE_TERM] } };
const OTHER_TERM = {
  labelSelector: { matchLabels: { app: 'cache' } },
  topologyKey: 'kubernetes.io/hostname',
};
const PREFERRED = [{ weight: 10, podAffinityTerm: OTHER_TERM }];
const NODE_AFFINITY = {
  requiredDuringSchedulingIgnoredDuringExecution: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] }],
  },
};

function mutationCases(): AgreementCase[] {
  const pinnedPod = (affinity: unknown, ordinal = 1) =>
    targetPod({ affinity, nodeSelector: PINNED, ordinal });
  const update = (name: string, oldObject: KubeObject, object: KubeObject): AgreementCase => ({
    name,
    operation: 'UPDATE',
    object,
    oldObject,
  });
  return [
    update('CR: stored true dropped on UPDATE', aistore({ disable: true }), aistore({ size: 3 })),
    update('CR: stored true, UPDATE says false', aistore({ disable: true }), aistore({ disable: false })),
    update('CR: stored false dropped on UPDATE', aistore({ disable: false }), aistore({ size: 3 })),
    update('CR: stored true kept on UPDATE', aistore({ disable: true }), aistore({ disable: true, size: 3 })),
    update(
      'CR: nothing stored, pinned on UPDATE (CREATE only)',
      aistore(),
      aistore({ nodeSelector: PINNED }),
    ),
    create('CR: pinned to one host, 2 targets', aistore({ nodeSelector: PINNED })),
    create('CR: pinned, 3 targets, hostPort', aistore({ nodeSelector: PINNED, size: 3, hostPort: 51081 })),
    create('CR: pinned, explicit false kept', aistore({ nodeSelector: PINNED, disable: false })),
    create('CR: pinned, already true', aistore({ nodeSelector: PINNED, disable: true })),
    create('CR: pinned, 1 target', aistore({ nodeSelector: PINNED, size: 1 })),
    create('CR: pinned, autoscaled', aistore({ nodeSelector: PINNED, size: -1 })),
    create('CR: not pinned', aistore({ nodeSelector: { disk: 'nvme' } })),
    create(
      'CR: pinned, own anti-affinity without a target term (off already)',
      aistore({
        nodeSelector: PINNED,
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: PREFERRED } },
      }),
    ),
    create(
      'CR: pinned, target anti-affinity in targetSpec.affinity',
      aistore({ nodeSelector: PINNED, affinity: HOST_ANTI_AFFINITY() }),
    ),
    create('CR: removed top-level field true', aistore({ legacyDisable: true })),
    create('CR: removed top-level field false', aistore({ legacyDisable: false })),
    create(
      'CR: removed top-level field true, targetSpec false',
      aistore({ legacyDisable: true, disable: false }),
    ),
    create(
      'CR: removed top-level field false, pinned',
      aistore({ legacyDisable: false, nodeSelector: PINNED }),
    ),

    create('Pod: target anti-affinity, pinned, ordinal 1', pinnedPod(HOST_ANTI_AFFINITY())),
    create('Pod: an unsure target term, pinned, ordinal 1', pinnedPod(UNSURE)),
    // A term the mutation must strip only when it reaches the other targets.
    ...TERM_SCOPES.flatMap(({ name, extra }) => [
      create(
        `Pod: pinned, target term and a term for ${name}`,
        pinnedPod({
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ ...TARGET_TERM, ...extra }, OTHER_TERM],
          },
        }),
      ),
      create(
        `CR: pinned, own podAntiAffinity with a target term for ${name}`,
        aistore({ nodeSelector: PINNED, affinity: hostAntiAffinityWith(extra) }),
      ),
    ]),
    create('Pod: an unsure target term, pinned, ordinal 0', pinnedPod(UNSURE, 0)),
    create('Pod: an unsure target term, not pinned', targetPod({ affinity: UNSURE, ordinal: 1 })),
    create(
      'Pod: unsure target and other required terms, pinned, ordinal 2',
      pinnedPod(
        { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [OTHER_TERM, UNSURE_TERM] } },
        2,
      ),
    ),
    create(
      'Pod: unsure target term and preferred terms, pinned',
      pinnedPod({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [UNSURE_TERM],
          preferredDuringSchedulingIgnoredDuringExecution: PREFERRED,
        },
      }),
    ),
    create(
      'Pod: unsure target term and node affinity, pinned',
      pinnedPod({ ...UNSURE, nodeAffinity: NODE_AFFINITY }),
    ),
    create('Pod: target term for another CR, pinned', pinnedPod(HOST_ANTI_AFFINITY('other'))),
    create(
      'Pod: CR name with a dot, pinned, ordinal 3',
      targetPod({
        cr: 'a.b',
        affinity: hostAntiAffinityWith(UNSURE_TERM_SCOPE, 'a.b'),
        nodeSelector: PINNED,
        ordinal: 3,
      }),
    ),
    create('Pod: no evidence (selector labels only), pinned', {
      ...pinnedPod(UNSURE),
      metadata: {
        name: 'ais-target-1',
        namespace: 'ais',
        labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
      },
    }),
  ];
}

export function mapCases(): AgreementCase[] {
  const shared = [...fixtureCases(), ...builderCases()].filter(
    (c) =>
      MAP_KINDS.includes(c.object.kind ?? '') && (c.operation === 'CREATE' || c.object.kind === 'AIStore'),
  );
  return [...shared, ...mutationCases()];
}
