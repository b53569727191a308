// The webhook's cluster context cache against a fake apiserver: initial sync, watch events,
// reconnects, 410 Gone, a missing CRD, clean shutdown; and how the kubeconfig is found.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectKubeConfig, kubeCluster, noCluster, type ClusterSource } from '../../src/server/cluster.js';
import { KubeConfigError } from '../../src/k8s/kubeconfig.js';
import { aistore, claimName, node, pv } from '../support/builders.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { until } from '../support/until.js';

// Short retries keep the file fast and let every retry timer fire (or be cleared) within a test.
// The sync timeout only bounds a broken test: start() resolves as soon as every kind is listed.
const FAST = { syncTimeoutMs: 30_000, retryBaseMs: 20, retryMaxMs: 200 };

// The labels operator v3.4.0 sets on its target StatefulSet (NewTargetSS): the informer watches
// target StatefulSets and keeps those with operator evidence.
const OPERATOR_TARGET = {
  'app.kubernetes.io/name': 'ais',
  'app.kubernetes.io/component': 'target',
  'app.kubernetes.io/managed-by': 'ais-operator',
};
const statefulSet = (
  name: string,
  namespace = 'ais',
  labels: Record<string, string> = OPERATOR_TARGET,
  owner?: string,
): StoredObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name,
    namespace,
    labels,
    ...(owner && {
      ownerReferences: [{ apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: owner, uid: 'u' }],
    }),
  },
  spec: { replicas: 2 },
});

const managed = (obj: StoredObject): StoredObject => ({
  ...obj,
  metadata: { ...obj.metadata, managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: {} }] },
});

let fake: FakeApiServer;
let source: ClusterSource | undefined;
const warnings: string[] = [];
const logger = { info() {}, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };

function cluster(): ClusterSource {
  source = kubeCluster(fake.kubeConfig(), { ...FAST, logger });
  return source;
}

/** start() resolves once everything is listed; the watches connect a moment later. */
async function watching(c: ClusterSource, watches = 4): Promise<void> {
  await c.start();
  await until('watches open', () => fake.openWatches() === watches);
}

beforeEach(async () => {
  warnings.length = 0;
  fake = await FakeApiServer.start();
  fake.put('aistores', aistore());
  fake.put('persistentvolumes', managed(pv('pv-0', { claim: claimName(0) })));
  fake.put('nodes', node('node-1'));
  fake.put('statefulsets', statefulSet('ais-target'));
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await fake.close();
});

describe('kubeCluster', () => {
  it('lists every kind once, then judges from the cache', async () => {
    const c = cluster();
    expect(c.synced()).toBe(false);
    expect(c.status().mode).toBe('cluster');
    await c.start();
    expect(c.synced()).toBe(true);
    expect(c.status().kinds.persistentvolumes).toMatchObject({ synced: true, objects: 1, restarts: 0 });
    const ctx = c.context();
    expect(ctx.aistore('ais', 'ais')?.spec?.targetSpec?.size).toBe(2);
    expect(ctx.pvsForClaim('ais', claimName(0)).map((p) => p.metadata?.name)).toEqual(['pv-0']);
    expect(ctx.nodes.map((n) => n.metadata?.name)).toEqual(['node-1']);
    expect(ctx.statefulSet('ais', 'ais-target')).toBeDefined();
    expect(fake.listCalls).toEqual({ nodes: 1, persistentvolumes: 1, statefulsets: 1, aistores: 1 });
    await until('connected', () => Object.values(c.status().kinds).every((kind) => kind.connected));
    const { kinds } = c.status();
    expect(Object.keys(kinds).sort()).toEqual(['aistores', 'nodes', 'persistentvolumes', 'statefulsets']);
    expect(kinds.persistentvolumes).toEqual({ synced: true, connected: true, objects: 1, restarts: 0 });
  });

  it('keeps list items in the shape of watch events: kind and apiVersion set, managedFields dropped', async () => {
    const c = cluster();
    await watching(c);
    const [listed] = c.context().pvs;
    expect(listed).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolume' });
    expect(listed?.metadata).not.toHaveProperty('managedFields');
    fake.put('persistentvolumes', managed(pv('pv-1', { claim: claimName(1) })));
    await until('pv-1 arrives', () => c.context().pvs.length === 2);
    expect(c.context().pvs.find((p) => p.metadata?.name === 'pv-1')?.metadata).not.toHaveProperty(
      'managedFields',
    );
  });

  it('applies ADDED, MODIFIED and DELETED to the one live context, in place', async () => {
    const c = cluster();
    await watching(c);
    const live = c.context();

    fake.put('nodes', node('node-2'));
    await until('node-2 added', () => c.context().nodes.length === 2);
    expect(c.context()).toBe(live);

    fake.put('aistores', aistore({ size: 5 }));
    await until('AIStore resized', () => c.context().aistore('ais', 'ais')?.spec?.targetSpec?.size === 5);

    fake.remove('persistentvolumes', 'pv-0');
    await until('pv-0 deleted', () => c.context().pvsForClaim('ais', claimName(0)).length === 0);
    expect(c.status().kinds.persistentvolumes?.objects).toBe(0);
    expect(fake.listCalls.persistentvolumes).toBe(1);
  });

  it('reconnects after the watches drop, keeps the cache meanwhile, and gets the events it missed', async () => {
    const c = cluster();
    await watching(c);
    fake.dropWatches();
    fake.put('nodes', node('node-2')); // while no watch is open: replayed from the resumed version
    await until('watch reconnected', () => fake.openWatches('nodes') === 1);
    await until('missed event replayed', () => c.context().nodes.length === 2);
    expect(c.synced()).toBe(true);
    expect(c.status().kinds.nodes).toMatchObject({ synced: true, connected: true, restarts: 1 });
    expect(c.status().kinds.nodes?.lastError).toBeDefined();
    // A resumed watch, not a relist.
    expect(fake.listCalls.nodes).toBe(1);

    fake.put('nodes', node('node-3'));
    await until('later events arrive', () => c.context().nodes.length === 3);
  });

  it('calls afterListed once every kind is listed, before start() resolves, and again after a relist', async () => {
    const calls: { started: boolean; synced: boolean; listed: number }[] = [];
    let started = false;
    source = kubeCluster(fake.kubeConfig(), {
      ...FAST,
      logger,
      afterListed: (listed) => void calls.push({ started, synced: source!.synced(), listed }),
    });
    await source.start();
    started = true;
    // Once, with every kind's objects (1 CR, 1 PV, 1 Node, 1 StatefulSet), before start() resolved:
    // a collection then delays readiness, not a review.
    expect(calls).toEqual([{ started: false, synced: true, listed: 4 }]);
    await until('watches open', () => fake.openWatches() === 4);
    fake.goneAs = 'http';
    fake.dropWatches();
    fake.put('persistentvolumes', pv('pv-9', { claim: claimName(9) }), { quietly: true });
    await until('relisted', () => fake.listCalls.persistentvolumes === 2);
    await until('afterListed after the relist', () => calls.length >= 2);
    expect(calls.slice(1).every((c) => c.started && c.synced)).toBe(true);
    // Every object relisted is counted once: the relists together listed what the cluster holds.
    await until('every kind relisted', () => calls.reduce((n, c) => n + c.listed, 0) >= 4 + 5);
  });

  it('relists after an HTTP 410 Gone, dropping what was deleted while it was away', async () => {
    const c = cluster();
    await watching(c);
    fake.goneAs = 'http';
    fake.dropWatches();
    fake.remove('persistentvolumes', 'pv-0', undefined, { quietly: true });
    fake.put('persistentvolumes', pv('pv-9', { claim: claimName(9) }), { quietly: true });
    await until('relisted', () => fake.listCalls.persistentvolumes === 2);
    await until(
      'state after relist',
      () =>
        c
          .context()
          .pvs.map((p) => p.metadata?.name)
          .join() === 'pv-9',
    );
    await until('watching again', () => fake.openWatches('persistentvolumes') === 1);
    expect(c.status().kinds.persistentvolumes?.restarts).toBeGreaterThanOrEqual(2);
    fake.put('persistentvolumes', pv('pv-10', { claim: claimName(10) }));
    await until('events after relist', () => c.context().pvs.length === 2);
  });

  it('resumes from a bookmark instead of relisting when only other kinds changed', async () => {
    const c = cluster();
    await watching(c);
    fake.put('nodes', node('node-2'), { quietly: true }); // history compacted past every watch's version
    // Cut once the bookmark has left the fake: TCP hands it to the client before the cut. (Cut at
    // once, the bookmark is lost; after a fixed sleep, whether it arrived was up to the clock.)
    await fake.bookmark('persistentvolumes');
    fake.dropWatches();
    await until('nodes relisted', () => fake.listCalls.nodes === 2 && c.context().nodes.length === 2);
    await until('watching again', () => fake.openWatches() === 4);
    expect(fake.listCalls.persistentvolumes).toBe(1);
    expect(fake.listCalls.statefulsets).toBe(2);
  });

  it('relists after an ERROR 410 event on an open watch', async () => {
    const c = cluster();
    await watching(c);
    fake.remove('statefulsets', 'ais-target', 'ais', { quietly: true });
    fake.expireWatches();
    await until('relisted', () => fake.listCalls.statefulsets === 2);
    await until('state after relist', () => c.context().statefulSets.size === 0);
    expect(c.context().nodes).toHaveLength(1); // the other kinds relisted too, and kept their objects
    fake.put('statefulsets', statefulSet('ais-proxy'));
    await until('events after relist', () => c.context().statefulSet('ais', 'ais-proxy') !== undefined);
  });

  it('counts a missing AIStore CRD as synced and empty, warns once, and picks the CRD up later', async () => {
    fake.serve('aistores', false);
    const c = cluster();
    await c.start();
    expect(c.synced()).toBe(true);
    expect(c.context().aistores.size).toBe(0);
    expect(c.context().nodes).toHaveLength(1);
    expect(c.status().kinds.aistores).toMatchObject({ synced: true, objects: 0 });
    expect(c.status().kinds.aistores?.lastError).toMatch(/404.*CRD/);
    await until('listed again', () => fake.listCalls.aistores >= 3);
    expect(warnings.filter((w) => w.includes('not served'))).toHaveLength(1);

    fake.serve('aistores', true);
    await until('CRD picked up', () => c.context().aistore('ais', 'ais') !== undefined);
    fake.put('aistores', aistore({ name: 'second' }));
    await until('watched once served', () => c.context().aistore('ais', 'second') !== undefined);
  });

  it('forgets the AIStores when the CRD goes away', async () => {
    const c = cluster();
    await watching(c);
    expect(c.context().aistores.size).toBe(1);
    fake.serve('aistores', false);
    fake.dropWatches();
    await until('AIStores forgotten', () => c.context().aistores.size === 0);
    expect(c.synced()).toBe(true);
    expect(c.context().nodes).toHaveLength(1);
  });

  it('rejects start() after syncTimeoutMs when a kind cannot be listed, and syncs in the background later', async () => {
    fake.serve('nodes', false); // nodes are not optional: a 404 is an error, retried with backoff
    const c = kubeCluster(fake.kubeConfig(), { ...FAST, syncTimeoutMs: 300, logger });
    source = c;
    const startedAt = Date.now();
    // It names what is missing, with the last error once there was one: a busy machine may not have
    // had the first answer within the 300 ms.
    await expect(c.start()).rejects.toThrow(
      /not synced within 300 ms: (.*, )?nodes \((GET \/api\/v1\/nodes\?limit=500: 404|no answer yet)/,
    );
    expect(c.synced()).toBe(false);
    await until('the other kinds synced', () => c.status().kinds.persistentvolumes?.synced === true);
    await until('nodes retried', () => fake.listCalls.nodes >= 3);
    expect(c.status().kinds.nodes).toMatchObject({ synced: false, connected: false });
    expect(c.status().kinds.nodes?.lastError).toMatch(/GET \/api\/v1\/nodes\?limit=500: 404/);
    // Backoff: each retry waits at least half of retryBaseMs, doubling, so a slow machine only lists
    // less often; without the backoff this would be thousands.
    const retried = fake.listCalls.nodes;
    expect(retried).toBeLessThanOrEqual(1 + (Date.now() - startedAt) / (FAST.retryBaseMs / 2));

    fake.serve('nodes', true);
    await until('synced in the background', () => c.synced());
    expect(c.context().nodes).toHaveLength(1);
  });

  it('stop() closes every watch and leaves no timer or socket behind', async () => {
    // Only what the cluster source creates is counted (all that descends from the code run inside
    // created.run): not the fake apiserver's sockets, nor jest's own timers, nor what earlier test
    // files left in this worker process.
    const created = trackResources();
    try {
      await created.run(async () => {
        // A long retryMaxMs: the retry of the kind that is not served is surely pending when stop() runs.
        const c = kubeCluster(fake.kubeConfig(), { ...FAST, retryMaxMs: 60_000, logger });
        source = c;
        await watching(c);
        fake.serve('aistores', false);
        fake.dropWatches();
        await until('a retry pending', () =>
          /CRD installed/.test(c.status().kinds.aistores?.lastError ?? ''),
        );
        await c.stop();
      });
      // Nothing it started keeps the process alive: the retry and sync timers are cleared. Timers still
      // pending are unref'd ones (a watch's idle watchdog until its abort lands, client-node's
      // AbortSignal.timeout) and end by themselves.
      expect(created.pendingTimers().filter((t) => t.hasRef())).toEqual([]);
      await until('watches closed', () => fake.openWatches() === 0);
      const callsAfterStop = { lists: { ...fake.listCalls }, watches: { ...fake.watchCalls } };
      await fake.close();
      await until('sockets released', () => created.sockets().length === 0);
      expect(created.pendingTimers().filter((t) => t.hasRef())).toEqual([]);
      expect({ lists: fake.listCalls, watches: fake.watchCalls }).toEqual(callsAfterStop);
    } finally {
      created.stop();
    }
  });

  it('stop() also ends a watch whose request was still unanswered', async () => {
    const c = cluster();
    await watching(c);
    const release = fake.holdWatches();
    fake.dropWatches();
    await until('watches asked again', () => Object.values(fake.watchCalls).every((n) => n === 2));
    await c.stop();
    release(); // the held watches are answered now: each must be closed by the client that gave up
    await until('answered watches closed', () => fake.openWatches() === 0);
  });

  it('stop() before the first sync rejects the pending start()', async () => {
    fake.serve('nodes', false);
    const c = cluster();
    const started = c.start();
    await c.stop();
    await expect(started).rejects.toThrow(/stopped before/);
  });

  it("keeps only what rules read: Nodes without status, PVs without status unless Released, only the operator's StatefulSets", async () => {
    const withStatus = {
      ...node('node-9'),
      spec: { taints: [{ key: 'k', effect: 'NoSchedule' }], podCIDR: '10.0.0.0/24' },
      status: { images: [{ names: ['a'], sizeBytes: 1 }], conditions: [{ type: 'Ready', status: 'True' }] },
    };
    fake.put('nodes', withStatus);
    const withUid = (name: string, claim: string, phase: string) => {
      const o = pv(name, { claim });
      (o.spec as { claimRef: Record<string, unknown> }).claimRef.uid = `uid-${claim}`;
      return { ...o, status: { phase } };
    };
    fake.put('persistentvolumes', withUid('pv-9', claimName(9), 'Bound'));
    fake.put('persistentvolumes', withUid('pv-8', claimName(8), 'Released'));
    fake.put('statefulsets', { ...statefulSet('web'), metadata: { name: 'web', namespace: 'shop' } });
    // Target labels with no operator evidence: another chart's StatefulSet.
    const { 'app.kubernetes.io/managed-by': _managedBy, ...unmanaged } = OPERATOR_TARGET;
    fake.put('statefulsets', statefulSet('other-target', 'shop', unmanaged));
    // Made by operator v3.2.0 (no managed-by label before v3.3.0, never added later), owned by its CR.
    fake.put(
      'statefulsets',
      statefulSet('old-target', 'ais', { ...unmanaged, 'app.kubernetes.io/name': 'old' }, 'old'),
    );
    const c = cluster();
    await watching(c);
    const cached = c.context().nodes.find((n) => n.metadata?.name === 'node-9');
    expect(cached).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-9', labels: expect.any(Object), resourceVersion: expect.any(String) },
      spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] },
    });
    // A Bound PV keeps neither its claim's uid nor its phase; one whose claim is gone keeps both
    // (rules/pv-claim-uid.ts: the next claim of that name will not bind it).
    const [bound] = c.context().pvsForClaim('ais', claimName(9));
    expect(bound).not.toHaveProperty('status');
    expect(bound?.spec?.claimRef).toEqual({ namespace: 'ais', name: claimName(9) });
    const [released] = c.context().pvsForClaim('ais', claimName(8));
    expect(released?.status).toEqual({ phase: 'Released' });
    expect(released?.spec?.claimRef).toEqual({
      namespace: 'ais',
      name: claimName(8),
      uid: `uid-${claimName(8)}`,
    });
    expect(c.context().statefulSet('shop', 'web')).toBeUndefined();
    expect(c.context().statefulSet('shop', 'other-target')).toBeUndefined();
    expect(c.context().statefulSet('ais', 'ais-target')).toBeDefined();
    expect(c.context().statefulSet('ais', 'old-target')?.metadata?.ownerReferences).toHaveLength(1);
    // The watch asked for target StatefulSets only: 'web' never reached the guard.
    expect(c.status().kinds.statefulsets?.objects).toBe(3);
  });

  it("lists in pages, and a status-only Node update keeps the nodes' version", async () => {
    for (let i = 0; i < 1200; i++) fake.put('persistentvolumes', pv(`pv-x${i}`, { claim: `c${i}` }));
    const c = cluster();
    await watching(c);
    expect(c.context().pvs).toHaveLength(1201);
    expect(fake.listCalls.persistentvolumes).toBe(3); // 500 + 500 + 201
    const version = c.context().nodeVersion;
    fake.put('nodes', { ...node('node-1'), status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    fake.put('nodes', node('node-2'));
    await until('node-2 added', () => c.context().nodes.length === 2);
    expect(c.context().nodeVersion).toBe(version + 1);
  });
});

/**
 * Timers and TCP sockets created by code run inside `run` (and by everything it set off, the
 * async context follows callbacks) and not yet destroyed (cleared, fired or closed), seen through
 * async_hooks: the handles of the code under test, not a process-wide count.
 */
function trackResources() {
  const scope = new AsyncLocalStorage<true>();
  type Handle = { hasRef(): boolean; _destroyed?: boolean };
  const live = new Map<number, { type: string; resource: Handle }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if ((type === 'Timeout' || type === 'TCPWRAP') && scope.getStore())
        live.set(asyncId, { type, resource: resource as Handle });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  const pending = (type: string) => [...live.values()].filter((r) => r.type === type).map((r) => r.resource);
  return {
    run: <T>(fn: () => Promise<T>) => scope.run(true, fn),
    // async_hooks reports a destroy a moment after the fact; a Timeout says at once that it is done.
    pendingTimers: () => pending('Timeout').filter((t) => t._destroyed !== true),
    sockets: () => pending('TCPWRAP'),
    stop: () => void hook.disable(),
  };
}

describe('noCluster', () => {
  it('judges from the request alone: an empty context, always synced', async () => {
    const c = noCluster();
    await c.start();
    expect(c.synced()).toBe(true);
    expect(c.status()).toEqual({ mode: 'none', synced: true, kinds: {} });
    expect(c.context().aistores.size).toBe(0);
    expect(c.context()).toBe(c.context());
    await c.stop();
  });
});

describe('detectKubeConfig', () => {
  const saved = { ...process.env };
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ais-guard-kubeconfig-'));
    process.env.HOME = dir;
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
  });

  afterEach(async () => {
    process.env = { ...saved };
    await rm(dir, { recursive: true, force: true });
  });

  const kubeconfigFile = async (name: string, server: string) => {
    const file = join(dir, name);
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: c, cluster: {server: '${server}'}}]`,
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
    return file;
  };

  it('loads the explicit file', async () => {
    const file = await kubeconfigFile('explicit', 'https://explicit.example:6443');
    process.env.KUBECONFIG = await kubeconfigFile('env', 'https://env.example:6443');
    expect((await detectKubeConfig(file))?.getCurrentCluster()?.server).toBe('https://explicit.example:6443');
  });

  it('rejects an explicit file that does not exist', async () => {
    await expect(detectKubeConfig(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('loads $KUBECONFIG', async () => {
    process.env.KUBECONFIG = await kubeconfigFile('env', 'https://env.example:6443');
    expect((await detectKubeConfig())?.getCurrentCluster()?.server).toBe('https://env.example:6443');
  });

  it('loads ~/.kube/config', async () => {
    await mkdir(join(dir, '.kube'));
    await kubeconfigFile('.kube/config', 'https://home.example:6443');
    expect((await detectKubeConfig())?.getCurrentCluster()?.server).toBe('https://home.example:6443');
  });

  it('is undefined when nothing is configured, instead of client-node’s localhost:8080', async () => {
    expect(await detectKubeConfig()).toBeUndefined();
  });

  // The way out is --context NAME or kubectl config use-context (KubeConfigError, a usage error).
  it.each([
    [
      'no current-context',
      '',
      /^\S+: no current context is set: choose one with --context NAME or kubectl config use-context NAME \(contexts: x, y\)/,
    ],
    [
      'a missing one',
      'current-context: gone',
      /the current context "gone" does not exist: choose one with --context NAME or kubectl config use-context NAME/,
    ],
    [
      'one naming no cluster',
      'current-context: y',
      /the current context "y" names cluster "none", which is not defined/,
    ],
  ])('a kubeconfig with %s: KubeConfigError saying what to do', async (_name, current, message) => {
    const file = join(dir, 'contexts');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        "clusters: [{name: c, cluster: {server: 'https://c.example:6443'}}]",
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}, {name: y, context: {cluster: none, user: u}}]',
        current,
      ].join('\n'),
    );
    const err = await detectKubeConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeConfigError);
    expect((err as Error).message).toMatch(message);
  });
});
