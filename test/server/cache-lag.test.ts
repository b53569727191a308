// The webhook's watch cache behind the apiserver, as every informer is for a moment (and for up to
// the watchdog's 3 minutes on a silent watch, or the reconnect backoff's 30 s): changes the apiserver
// has already made are made here with `quietly` (no watch event yet), so the guard's informers still
// hold the old state while the review arrives. Each test states what the cluster itself does with
// the request; a stale cache must neither refuse what the cluster accepts nor pin a claim or pod to
// an object that is gone or replaced. (Review "lag", branch review-lag.)
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { decodeReview } from '../../src/server/admission.js';
import { kubeCluster, type ClusterSource } from '../../src/server/cluster.js';
import { review, type Endpoint } from '../../src/server/review.js';
import { aistore, claimName, node, pv, pvc, targetPod, targetStatefulSet } from '../support/builders.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { decodePatch, reviewOf } from '../support/review.js';
import { until } from '../support/until.js';

const FAST = { syncTimeoutMs: 30_000, retryBaseMs: 20, retryMaxMs: 200 };
const STATEFULSET_CONTROLLER = 'system:serviceaccount:kube-system:statefulset-controller';
const CONFIG = {
  modes: { default: 'enforce' as const },
  failureMode: 'allow' as const,
  includeNamespaces: [],
  excludeNamespaces: [],
};

let fake: FakeApiServer;
let source: ClusterSource | undefined;

async function synced(): Promise<ClusterSource> {
  source = kubeCluster(fake.kubeConfig(), FAST);
  await source.start();
  await until('watches open', () => fake.openWatches() === 4);
  return source;
}

/** The guard's answer to one review, as the webhook gives it. */
function judge(endpoint: Endpoint, object: KubeObject, requester = 'kubernetes-admin') {
  const body = reviewOf(object);
  body.request.userInfo.username = requester;
  const outcome = review(endpoint, decodeReview(body), { config: CONFIG, cluster: source as ClusterSource });
  const response = outcome.body.response as {
    allowed: boolean;
    patch?: string;
    status?: { message?: string };
  };
  return { allowed: response.allowed, patch: decodePatch(response), message: response.status?.message };
}

const MULTI = aistore({ size: 2, disable: true });
const stored = (o: KubeObject) => o as StoredObject;

beforeEach(async () => {
  fake = await FakeApiServer.start();
  fake.put('nodes', node('node-1'));
  fake.put('nodes', node('node-2'));
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await fake.close();
});

describe('a cache whose kinds disagree', () => {
  it("the StatefulSet controller's claim of a CR re-created with another mount is not refused while the AIStore watch lags", async () => {
    fake.put('aistores', stored(MULTI));
    await synced();
    // AIStore ais deleted and re-created with mount /data/nvme: its events are still in flight on
    // the AIStore watch, while the operator's new target StatefulSet (template ais-data-nvme) has
    // already reached the guard on the StatefulSet watch. Watches of different resources are not
    // ordered with each other.
    fake.remove('aistores', 'ais', 'ais', { quietly: true });
    const recreated = aistore({
      size: 2,
      disable: true,
      mounts: [{ path: '/data/nvme', size: '5Ti', storageClass: 'ais-local-storage' }],
    });
    fake.put('aistores', stored(recreated), { quietly: true });
    fake.put('statefulsets', stored(targetStatefulSet({ templates: ['ais-data-nvme'] })));
    await until(
      'the new StatefulSet cached',
      () => source?.context().statefulSet('ais', 'ais-target') !== undefined,
    );

    // stateful_pod_control.go createPersistentVolumeClaims names it <template>-<pod> from the
    // StatefulSet it just read; refused, the pod is not created and the set waits out the
    // controller's rate-limited requeue.
    const answer = judge('validate', pvc('ais-data-nvme-ais-target-0'), STATEFULSET_CONTROLLER);

    expect(answer.message).toBeUndefined();
    expect(answer.allowed).toBe(true);
  });
});

describe('before the first sync', () => {
  it('a review answered before the Nodes are listed does not pin a pod to a node the cluster no longer has', async () => {
    // The PVs are listed, the Nodes not yet (a slow or failing Node list: 404 here). /readyz says
    // 503, but the review path answers anyway, and the warning says "judged from this request
    // alone" while the PVs already in the live context are used to pin the pod. After the sync the
    // same review is warned and left unpinned (ctx.hostMissing), as node-gone is not a Node.
    fake.put('aistores', stored(MULTI));
    fake.put('persistentvolumes', stored(pv('pv-0', { claim: claimName(0), host: 'node-gone' })));
    fake.serve('nodes', false);
    source = kubeCluster(fake.kubeConfig(), FAST);
    void source.start().catch(() => undefined);
    await until('PVs listed', () => source?.status().kinds.persistentvolumes?.synced === true);
    expect(source.synced()).toBe(false);

    const answer = judge('mutate', targetPod({ ordinal: 0 }), STATEFULSET_CONTROLLER);

    expect(JSON.stringify(answer.patch)).not.toContain('node-gone');
  });
});

// What held up (these pass): a cache that lacks something new is safe, as the guard then leaves the
// binding to the PV controller and the scheduler.
describe('a cache missing what is new (holds)', () => {
  it('a claim whose PV the guard has not seen yet is allowed and not pinned', async () => {
    fake.put('aistores', stored(MULTI));
    await synced();
    fake.put('persistentvolumes', stored(pv('pv-0', { claim: claimName(0), host: 'node-1' })), {
      quietly: true,
    });
    const mutate = judge('mutate', pvc(claimName(0)), STATEFULSET_CONTROLLER);
    const validate = judge('validate', pvc(claimName(0)), STATEFULSET_CONTROLLER);
    expect(mutate.patch).toEqual([]);
    expect(validate.allowed).toBe(true);
  });

  it('a pod whose PV is on a Node the guard has not seen yet is not pinned', async () => {
    fake.put('aistores', stored(MULTI));
    fake.put('persistentvolumes', stored(pv('pv-0', { claim: claimName(0), host: 'node-3' })));
    await synced();
    fake.put('nodes', node('node-3'), { quietly: true });
    expect(judge('mutate', targetPod({ ordinal: 0 }), STATEFULSET_CONTROLLER).patch).toEqual([]);
  });

  it("the StatefulSet controller's claim for a scale-out the guard has not seen is only warned of", async () => {
    fake.put('aistores', stored(MULTI));
    await synced();
    fake.put('aistores', stored(aistore({ size: 4, disable: true })), { quietly: true });
    expect(judge('validate', pvc(claimName(3)), STATEFULSET_CONTROLLER).allowed).toBe(true);
  });

  it('a 410 relist replaces a PV re-created under the same name in one step (no review sees neither)', async () => {
    fake.put('aistores', stored(MULTI));
    fake.put('persistentvolumes', stored(pv('pv-0', { claim: claimName(0), host: 'node-1' })));
    const cluster = await synced();
    fake.remove('persistentvolumes', 'pv-0', undefined, { quietly: true });
    fake.put('persistentvolumes', stored(pv('pv-0', { claim: claimName(0), host: 'node-2' })), {
      quietly: true,
    });
    fake.expireWatches();
    await until('relisted', () => JSON.stringify(cluster.context().pv('pv-0')).includes('node-2'));
    expect(
      JSON.stringify(judge('mutate', targetPod({ ordinal: 0 }), STATEFULSET_CONTROLLER).patch),
    ).toContain('node-2');
  });
});
