// review watch26: hasFreeDiscoveredDisk (context.ts) walks at most FREE_DISK_WALK (64) candidates of
// its narrowest bucket and answers "none" past them. The buckets iterate in the order their PVs
// were indexed: a context built from a list (a replica that just started, a relist after 410 Gone,
// `check` on `kubectl get pv -o yaml`) indexes by name, the live one in the order events came, and
// a PV whose labels change is re-indexed last. With more than 64 candidates and the one match past
// the 64th in one order but not the other, the two contexts answer differently, and the target
// claim's "no PV is pre-bound" warning (target-disk-binding bindClaim, via leftToFreeDisks) comes
// and goes with the order of events. README/docs promise the live context answers as one built
// from scratch from the same objects (test/server/cache-property.test.ts holds it for messages).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { aistore, claimName, discoveredDisk, pvc } from '../support/builders.js';

const SELECTOR = { matchLabels: { media: 'hdd', rack: 'r1' } };

const cr: KubeObject = (() => {
  const o = aistore({ disable: true });
  (o.spec as { targetSpec: Record<string, unknown> }).targetSpec.mounts = [
    { path: '/data/aistore', size: '1Ti', storageClass: 'ais-local-storage', selector: SELECTOR },
  ];
  return o;
})();

const claim: KubeObject = (() => {
  const o = pvc(claimName(1));
  (o.spec as Record<string, unknown>).selector = SELECTOR;
  return o;
})();

let rv = 1;
function disk(name: string, labels: Record<string, string>): Cached {
  const d = discoveredDisk({ host: 'node-1', path: `/mnt/disks/${name}`, name }) as Cached;
  const metadata = d.metadata as Record<string, unknown>;
  Object.assign(metadata.labels as Record<string, string>, labels);
  metadata.resourceVersion = String(rv++);
  return reduced(d, 'v1', 'PersistentVolume');
}

const warnings = (ctx: ClusterContext) =>
  evaluate({ operation: 'CREATE', object: claim }, ctx)
    .findings.filter((f) => f.ruleId === 'target-disk-binding')
    .map((f) => `${f.severity} ${f.message}`);

describe('review watch26: the free-disk walk cap answers by event order', () => {
  it('a live context answers as one listed from the same PVs', () => {
    // 70 HDDs in rack r2 and 70 SSDs in rack r1: both of the selector's buckets hold 71 with the
    // one disk in both, local-pv-000 (an HDD moved to rack r1, relabelled by the provisioner's
    // labelsForPV config or by hand).
    const others: Cached[] = [];
    for (let i = 1; i <= 70; i++) {
      others.push(disk(`local-pv-hdd-${String(i).padStart(3, '0')}`, { media: 'hdd', rack: 'r2' }));
      others.push(disk(`local-pv-ssd-${String(i).padStart(3, '0')}`, { media: 'ssd', rack: 'r1' }));
    }
    const live = new ClusterContext([
      reduced(structuredClone(cr) as Cached, 'ais.nvidia.com/v1beta1', 'AIStore'),
    ]);
    live.upsert(disk('local-pv-000', { media: 'hdd', rack: 'r2' }));
    for (const d of others) live.upsert(d);
    const moved = disk('local-pv-000', { media: 'hdd', rack: 'r1' }); // MODIFIED: re-indexed last
    live.upsert(moved);

    // The same objects as a list gives them (by name).
    const listed = new ClusterContext([
      reduced(structuredClone(cr) as Cached, 'ais.nvidia.com/v1beta1', 'AIStore'),
      moved,
      ...others,
    ]);
    expect(warnings(listed)).toEqual([]); // a free disk its selector matches serves the claim
    expect(warnings(live)).toEqual(warnings(listed));
  });
});
