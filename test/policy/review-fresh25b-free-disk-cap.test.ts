// review fresh25b: hasFreeDiscoveredDisk(class, selector) (721a763) counts a mount as served by the
// local static provisioner once it has walked 64 free disks of the class WITHOUT finding one its
// selector matches (src/policy/context.ts FREE_DISK_WALK: `if (++walked >= FREE_DISK_WALK) return
// true`). Candidates are narrowed only by matchLabels, a one-value In and Exists; a multi-value In
// (or NotIn / DoesNotExist) leaves the whole key bucket (or the whole class) to walk.
//
// A realistic cluster: 8 nodes x 9 HDDs published by the local static provisioner (72 free disks of
// class ais-local-storage, labelled media=hdd by its labelsForPV config), and a mount that selects
// media In [nvme, ssd]. No free disk can ever serve the mount's claims: the operator copies the
// selector into every claim (api/aistore/v1beta1/aistore_types.go Mount.BuildPVC, `Selector:
// m.Selector`; target/volumes.go newTargetPVCs) and Kubernetes skips a PV the selector does not match
// (component-helpers storage/volume/pv_helpers.go FindMatchingVolume). With 3 such disks the guard
// warns "no PV is pre-bound to claim ..." (the rules25 fix); with 72 it is silent, and the claims and
// target pods stay Pending with no word from the guard. docs/rules.md and the rule summary promise
// the warning whenever no free disk "that its selector, if any, matches" exists, with no size limit.
//
// Expected: the same warning with 72 non-matching disks as with 3 (e.g. narrow a multi-value In by
// the union of its value buckets, which here is empty; or, past the cap, do not claim "served").
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, discoveredDisk, findingsOf, pvc, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const SELECTOR = {
  matchExpressions: [{ key: 'aistore.nvidia.com/media', operator: 'In', values: ['nvme', 'ssd'] }],
};

const cr: KubeObject = (() => {
  const o = aistore({ disable: true });
  const targetSpec = (o.spec as { targetSpec: Record<string, unknown> }).targetSpec;
  targetSpec.mounts = [
    { path: '/data/aistore', size: '1Ti', storageClass: 'ais-local-storage', selector: SELECTOR },
  ];
  return o;
})();

const claim: KubeObject = (() => {
  const o = pvc(claimName(1));
  (o.spec as Record<string, unknown>).selector = SELECTOR;
  return o;
})();

/** `count` free HDDs of the mount's class: none matches the mount's selector. */
function hdds(count: number): KubeObject[] {
  const disks: KubeObject[] = [];
  for (let i = 0; i < count; i++) {
    const d = discoveredDisk({
      host: `node-${i % 8}`,
      path: `/mnt/disks/hdd${i}`,
      name: `local-pv-hdd-${i}`,
    });
    (d.metadata as { labels: Record<string, string> }).labels['aistore.nvidia.com/media'] = 'hdd';
    disks.push(d);
  }
  return disks;
}

const warnings = (context: KubeObject[]) =>
  findingsOf(run({ name: 'x', object: claim, context: [cr, ...context] }), 'target-disk-binding')
    .filter((f) => f.severity === 'warn')
    .map((f) => f.message);

describe('review fresh25b: the 64-candidate cap counts non-matching free disks as serving the mount', () => {
  it('baseline: 3 free HDDs, none matching media In [nvme, ssd]: the claim is warned about', () => {
    expect(warnings(hdds(3))).toEqual([expect.stringMatching(/no PV is pre-bound to claim/)]);
  });

  it('72 free HDDs, none matching: the same warning', () => {
    expect(warnings(hdds(72))).toEqual([expect.stringMatching(/no PV is pre-bound to claim/)]);
  });
});
