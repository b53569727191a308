// review ops22: a cluster cache that stopped following the cluster looks healthy in /metrics.
//
// DEFECT: once every kind has been listed, ais_guard_cluster_cache_synced stays 1 for the life of
// the process (src/server/cluster.ts Feed: status.synced is only ever set to true), and it is the
// only cache metric (src/server/metrics.ts). A watch that keeps failing afterwards (the
// ServiceAccount's ClusterRole edited or its binding deleted: every list and watch answers 403; an
// apiserver or proxy that drops the guard's watches) leaves the guard judging with a frozen
// snapshot of PVs, Nodes, StatefulSets and AIStore CRs; status().kinds says connected: false with
// the lastError, but only in the /readyz JSON body, which nothing scrapes. /metrics is identical to
// a healthy guard's.
// IMPACT: verdicts built on a stale context (a PV deleted an hour ago still "holds" a target's
// disk, a new Node unknown) with every dashboard panel green and AisGuardCacheNotSynced unable to
// fire, although its own runbook names exactly this cause (RBAC, `kubectl auth can-i --list`).
// EXPECTED: /metrics tells a cache whose watches are all failing apart from one whose watches are
// connected (e.g. a per-kind connected gauge, restarts or last-success timestamp).
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { ClusterSource, KindStatus } from '../../src/server/cluster-source.js';
import { testApp } from '../support/app.js';
import { fixedCluster } from '../support/review.js';

const KINDS = ['aistores', 'persistentvolumes', 'nodes', 'statefulsets'];

function clusterWith(kind: KindStatus): ClusterSource {
  const base = fixedCluster([], true);
  return {
    ...base,
    status: () => ({
      mode: 'cluster',
      synced: true,
      kinds: Object.fromEntries(KINDS.map((k) => [k, { ...kind }])),
    }),
  };
}

/** The guard's own cluster-cache samples in /metrics. */
async function cacheSamples(cluster: ClusterSource): Promise<string[]> {
  const { app } = testApp({ cluster });
  const text = (await request(app).get('/metrics').expect(200)).text;
  return text.split('\n').filter((l) => /^ais_guard_cluster_/.test(l));
}

describe('review ops22: a cache that lost its watches', () => {
  it('shows in /metrics', async () => {
    const healthy = await cacheSamples(
      clusterWith({ synced: true, connected: true, objects: 10, restarts: 0 }),
    );
    const broken = clusterWith({
      synced: true,
      connected: false,
      objects: 10,
      restarts: 240,
      lastError: 'HTTP-Code: 403 Message: persistentvolumes is forbidden',
    });
    // /readyz does know (in its body; the status code stays 200, by design, since the cache is kept).
    const { app } = testApp({ cluster: broken });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.cluster.kinds.persistentvolumes.connected).toBe(false);

    expect(await cacheSamples(broken)).not.toEqual(healthy);
  });
});
