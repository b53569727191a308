// Rule target-anti-affinity, on a real control plane: a required hostname anti-affinity term
// selecting the targets keeps them apart only where the scheduler applies it. A term for another
// namespace (k8s scheduler framework/types.go getNamespacesFromPodAffinityTerm), or one the
// apiserver narrows to the pod itself with matchLabelKeys (pkg/registry/core/pod/strategy.go
// applyMatchLabelKeysAndMismatchLabelKeys), lets two targets share a node; the guard must neither
// deny it nor strip it. A term for the targets' own namespace still leaves the second one Pending.
// The scheduler cases run in namespaces the guard is told not to judge, so what the scheduler does
// is seen unchanged by any webhook.
import { one, variant, type Placement } from './support/fixtures.js';
import { suffix } from './support/env.js';
import { Cleanup, create, eventually, rejected, type Obj } from './support/kube.js';
import { CONTROLLER_WAIT, deployTargets, readPod, scheduledNode } from './support/scheduling.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
const unjudged = ['other-ns', 'pod-name-key', 'own-ns'].map((what) => `scope-${what}-${suffix()}`);
const POD_NAME = 'statefulset.kubernetes.io/pod-name';

beforeAll(async () => {
  await installAistoreCrd();
  await guardFor(cleanup, {
    name: 'anti-affinity-scope',
    args: ['--exclude-namespaces', ['kube-system', 'kube-public', 'kube-node-lease', ...unjudged].join(',')],
  });
});
afterAll(() => cleanup.run());

type PodSpec = { affinity?: unknown };

/** A required hostname anti-affinity between the targets of CR "ais", with `extra` on its term. */
const targetTerm = (extra: Record<string, unknown>) => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
        },
        topologyKey: 'kubernetes.io/hostname',
        ...extra,
      },
    ],
  },
});

/** Fixture 07 (the operator's target StatefulSet) with this affinity on its pod template. */
const statefulSetWith = (place: Placement, affinity: unknown): Obj =>
  variant(one('07', place), (o) => {
    (o.spec as { template: { spec: PodSpec } }).template.spec.affinity = affinity;
  });

async function unjudgedPlace(name: string): Promise<Placement> {
  const namespace = await cleanup.namespace(name, name);
  return { namespace, node: `${namespace}-node` };
}

it('the scheduler puts both targets on one node when the term is for another namespace, or keyed on the pod name', async () => {
  const [otherNs, podNameKey] = await Promise.all(unjudged.slice(0, 2).map(unjudgedPlace));
  await Promise.all([
    deployTargets(
      cleanup,
      otherNs!,
      one('01', otherNs!),
      statefulSetWith(otherNs!, targetTerm({ namespaces: ['elsewhere'] })),
    ),
    deployTargets(
      cleanup,
      podNameKey!,
      one('01', podNameKey!),
      statefulSetWith(podNameKey!, targetTerm({ matchLabelKeys: [POD_NAME] })),
    ),
  ]);
  for (const place of [otherNs!, podNameKey!])
    for (const pod of ['ais-target-0', 'ais-target-1'])
      expect(await scheduledNode(place.namespace, pod)).toBe(place.node);

  // The apiserver narrowed each pod's selector to itself: that is why the term reaches no other target.
  const stored = await readPod(podNameKey!.namespace, 'ais-target-1');
  const [term] = stored.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  expect(term?.labelSelector?.matchExpressions).toContainEqual({
    key: POD_NAME,
    operator: 'In',
    values: ['ais-target-1'],
  });
});

it("a term for the targets' own namespace leaves the second target Pending", async () => {
  const place = await unjudgedPlace(unjudged[2]!);
  await deployTargets(
    cleanup,
    place,
    one('01', place),
    statefulSetWith(place, targetTerm({ namespaces: ['elsewhere', place.namespace] })),
  );
  const scheduled = await Promise.all(
    ['ais-target-0', 'ais-target-1'].map(async (name) => {
      const pod = await eventually(
        `${name} scheduled or unschedulable`,
        async () => {
          const pod = await readPod(place.namespace, name);
          const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
          if (!pod.spec?.nodeName && condition?.reason !== 'Unschedulable')
            throw new Error(`PodScheduled: ${JSON.stringify(condition)}`);
          return pod;
        },
        CONTROLLER_WAIT,
      );
      return pod;
    }),
  );
  // Parallel pod management: either ordinal may win the node.
  const [placed, pending] = scheduled[0]?.spec?.nodeName ? scheduled : [...scheduled].reverse();
  expect(placed?.spec?.nodeName).toBe(place.node);
  expect(pending?.spec?.nodeName).toBeUndefined();
  expect(pending?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toContain(
    "didn't match pod anti-affinity rules",
  );
});

it('the guard denies only the term that reaches the other targets, and strips only that one from a pod', async () => {
  const namespace = await cleanup.namespace('scope-judged');
  const place = { namespace, node: `${namespace}-node` };
  await create(one('01', place)); // CR ais: disablePodAntiAffinity true, two targets on one node

  for (const extra of [{ namespaces: ['elsewhere'] }, { matchLabelKeys: [POD_NAME] }])
    await create(statefulSetWith(place, targetTerm(extra)), { dryRun: true });
  const refused = await rejected(
    create(statefulSetWith(place, targetTerm({ namespaces: [namespace] })), { dryRun: true }),
  );
  expect(refused.message).toContain(
    `ais-guard denied StatefulSet ${namespace}/ais-target: [target-anti-affinity]`,
  );

  const podWith = (affinity: unknown) =>
    variant(one('09', place), (o) => {
      (o.spec as PodSpec).affinity = affinity;
    });
  const kept = await create(podWith(targetTerm({ namespaces: ['elsewhere'] })), { dryRun: true });
  expect((kept.spec as PodSpec).affinity).toEqual(targetTerm({ namespaces: ['elsewhere'] }));
  const stripped = await create(podWith(targetTerm({ namespaces: [namespace] })), { dryRun: true });
  expect((stripped.spec as PodSpec).affinity).toBeUndefined();
});
