// Issue 6, scenario 4: kube-controller-manager's StatefulSet controller makes the target claims and
// pods from a multi-target target StatefulSet, through admission. With CR ais and two PVs pre-bound
// by claimRef in place, the guard's mutating webhook binds each claim to its disk PV and each pod
// to its disks' node; read back from the apiserver (and as first stored, from a watch).
import { at, ofKind, one, variant, yamlStream } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import { Cleanup, core, create, eventually, type Obj } from './support/kube.js';
import { kubectl, ok } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';
import { recordAdded, type Recorder } from './support/watch.js';

const cleanup = new Cleanup();
let guard: Guard;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'sts-controller' });
});
afterAll(() => cleanup.run());

const HOSTNAME = 'kubernetes.io/hostname';
/** Controllers retry on their own schedule (the PV binder resyncs every 15 s after a conflict). */
const CONTROLLER_WAIT = { timeoutMs: 90_000 };

it('the controller creates claims bound to their disks and pods pinned to the disks’ node', async () => {
  const namespace = await cleanup.namespace('sts-controller');
  // No Node of this name exists: the pods stay Pending here (scenario 5 schedules them).
  const node = `${namespace}-node`;
  const place = { namespace, node };
  await create(one('01', place));
  const pvs = ofKind('04', 'PersistentVolume', place);
  for (const pv of pvs) await cleanup.createOwned(pv);
  const disk = [`${node}-pv-ais-sda`, `${node}-pv-ais-sdb`];
  expect(pvs.map((pv) => pv.metadata.name)).toEqual(disk);

  // Until the guard's informers have the CR and both PVs, a dry-run claim comes back unbound.
  for (const ordinal of [0, 1]) {
    const claim = variant(one('05', place), (o) => {
      o.metadata.name = `ais-data-aistore-ais-target-${ordinal}`;
    });
    await eventually(`the guard binds claim ${ordinal} in a dry run`, async () => {
      const dry = await create(claim, { dryRun: true });
      if (at(dry, 'spec.volumeName') !== disk[ordinal])
        throw new Error(`volumeName ${at(dry, 'spec.volumeName')}`);
    });
  }

  const recorders: Recorder[] = [];
  try {
    const claims = await recordAdded(`/api/v1/namespaces/${namespace}/persistentvolumeclaims`);
    const pods = await recordAdded(`/api/v1/namespaces/${namespace}/pods`);
    recorders.push(claims, pods);

    // Fixture 07: as the operator renders it (Parallel, 2 replicas, template ais-data-aistore).
    const statefulSet = one('07', place);
    ok(await kubectl(['apply', '-f', '-'], yamlStream([statefulSet])), 'kubectl apply the StatefulSet');
    await eventually(
      '2 claims and 2 pods',
      () => {
        expect([...claims.added.keys()].sort()).toEqual([
          'ais-data-aistore-ais-target-0',
          'ais-data-aistore-ais-target-1',
        ]);
        expect([...pods.added.keys()].sort()).toEqual(['ais-target-0', 'ais-target-1']);
      },
      CONTROLLER_WAIT,
    );

    for (const ordinal of [0, 1]) {
      const claimName = `ais-data-aistore-ais-target-${ordinal}`;
      // As first stored: the claim already names its disk, so the guard bound it at CREATE; the
      // PV binder had not run yet (it adds bind-completed, and bound-by-controller when it chooses).
      const first = claims.added.get(claimName);
      expect(at(first, 'spec.volumeName')).toBe(disk[ordinal]);
      expect(at(first, 'metadata.annotations')).toBeUndefined();
      // Read back once the binder has completed the binding the guard asked for.
      const bound = await eventually(
        `claim ${claimName} Bound`,
        async () => {
          const c = await core.readNamespacedPersistentVolumeClaim({ name: claimName, namespace });
          if (c.status?.phase !== 'Bound') throw new Error(`phase ${c.status?.phase}`);
          return c;
        },
        CONTROLLER_WAIT,
      );
      expect(bound.spec?.volumeName).toBe(disk[ordinal]);
      expect(bound.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBeUndefined();

      const podName = `ais-target-${ordinal}`;
      const pod = await core.readNamespacedPod({ name: podName, namespace });
      expect(pod.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'StatefulSet', name: 'ais-target', controller: true }),
      ]);
      expect(pod.spec?.volumes).toContainEqual(
        expect.objectContaining({ name: 'ais-data-aistore', persistentVolumeClaim: { claimName } }),
      );
      expect(pod.spec?.affinity?.podAntiAffinity).toBeUndefined();
      expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
        nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME, operator: 'In', values: [node] }] }],
      });
      const path = ordinal === 0 ? '/ais/sda' : '/ais/sdb';
      expect(pod.metadata?.annotations?.['ais-guard/disks']).toBe(`${disk[ordinal]}=${node}:${path}`);
      // The same on the pod as first stored: the guard's change, not a later update.
      const firstPod = pods.added.get(podName) as Obj;
      expect(at(firstPod, 'metadata.annotations')).toEqual(pod.metadata?.annotations);

      for (const [kind, name] of [
        ['PersistentVolumeClaim', claimName],
        ['Pod', podName],
      ] as const)
        expect(guard.reviews(kind, namespace, name)).toContainEqual(
          expect.objectContaining({
            endpoint: 'mutate',
            verdict: 'patched',
            rules: ['target-disk-binding=warn'],
          }),
        );
    }
  } finally {
    for (const r of recorders) r.stop();
  }
});
