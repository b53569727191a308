// Targets placed by kube-scheduler on Node objects the tests make: their disks as `local` PVs, the
// CR and the StatefulSet, and waiting for a pod's node. Shared by the scheduling scenarios.
import type * as k8s from '@kubernetes/client-node';
import { ofKind, variant, yamlStream, type Placement } from './fixtures.js';
import { type Cleanup, core, create, createReadyNode, eventually, type Obj } from './kube.js';
import { kubectl, ok } from './run.js';

/** Binding and scheduling retry on the controllers' own schedule (the PV binder resyncs every 15 s). */
export const CONTROLLER_WAIT = { timeoutMs: 90_000 };

/** Fixture 04's two disks as `local` PVs (node-local disks; hostPath in the fixture). */
export function localDisks(place: Placement): Obj[] {
  return ofKind('04', 'PersistentVolume', place).map((pv) =>
    variant(pv, (o) => {
      const spec = o.spec as { hostPath?: { path: string }; local?: { path: string } };
      spec.local = { path: `/mnt${spec.hostPath?.path}` };
      delete spec.hostPath;
    }),
  );
}

/** A Ready node, its two disks, a CR and a target StatefulSet in `place`; the disks created. */
export async function deployTargets(
  cleanup: Cleanup,
  place: Placement,
  cr: Obj,
  statefulSet: Obj,
): Promise<Obj[]> {
  await createReadyNode(cleanup, place.node);
  const disks = localDisks(place);
  for (const pv of disks) await cleanup.createOwned(pv);
  await create(cr);
  ok(await kubectl(['apply', '-f', '-'], yamlStream([statefulSet])), 'kubectl apply the StatefulSet');
  return disks;
}

export const readPod = (namespace: string, name: string): Promise<k8s.V1Pod> =>
  core.readNamespacedPod({ name, namespace });

/** The node the scheduler bound the pod to, once it has. */
export function scheduledNode(namespace: string, name: string): Promise<string> {
  return eventually(
    `${name} scheduled`,
    async () => {
      const node = (await readPod(namespace, name)).spec?.nodeName;
      if (!node) throw new Error('no spec.nodeName');
      return node;
    },
    CONTROLLER_WAIT,
  );
}
