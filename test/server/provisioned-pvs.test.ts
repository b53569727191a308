// PVs a provisioner made for their claims, as the webhook's cache holds them and across their
// binding changes: the findings of an outside review ("today14c"), each failing when
// k8s.ts isMadeForItsClaim read the claimRef.uid (dropped from Bound PVs in the cache, and changed by
// a Release the context's memos outlive) or required the name pvc-<uid> (CSI drivers run with other
// --volume-name-prefix / --volume-name-uuid-length values name them otherwise).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { aistore, claimName, madeForClaim, node, oneNodeDisks, pv, released } from '../support/builders.js';

const pinned = { 'kubernetes.io/hostname': 'node-1' };
const bound = (v: KubeObject): KubeObject => ({ ...v, status: { phase: 'Bound' } });
/** What the webhook's cache holds for a PV (src/server/cluster.ts feeds reduced objects). */
const cached = (v: KubeObject): KubeObject => reduced(v as Cached, 'v1', 'PersistentVolume') as KubeObject;
/** rancher local-path's PV for target i's claim, bound to it now (as the live cluster shows it). */
const localPath = (i: number) =>
  bound(
    madeForClaim(
      pv('x', { claim: claimName(i), host: 'node-1', path: `/opt/local-path/pvc-uid-${i}` }),
      `uid-${i}`,
    ),
  );

const coverage = (object: KubeObject, context: KubeObject[], oldObject?: KubeObject) =>
  evaluate(
    oldObject ? { operation: 'UPDATE', object, oldObject } : { operation: 'CREATE', object },
    new ClusterContext(context),
  )
    .findings.filter((f) => f.ruleId === 'pv-target-binding')
    .map((f) => f.message);

describe('the webhook cache keeps no claimRef.uid of a Bound PV: read alike there', () => {
  const before = aistore({ size: 2, disable: true, nodeSelector: pinned });
  const after = aistore({ size: 3, disable: true, nodeSelector: pinned });
  const pvs = [0, 1].map(localPath);

  it('check (whole PVs): a scale-out of a local-path mount warns of no missing PV', () => {
    expect(coverage(after, [before, node('node-1'), ...pvs], before)).toEqual([]);
  });

  it('webhook (reduced PVs): the same scale-out must read the same', () => {
    expect(coverage(after, [before, node('node-1'), ...pvs.map(cached)], before)).toEqual([]);
  });
});

describe('a PV Released after a review: the memo the context keeps reads it alike', () => {
  // The CR's earlier life: two local-path PVs on node-1, bound to target-0/1 (the webhook caches them
  // without uid). Its claims are deleted; the PV controller Releases the PVs: a binding-state-only
  // change (context.ts onlyBindingStateDiffers), no new context version, the memo stays.
  const pvs = [0, 1].map((i) =>
    released(madeForClaim(oneNodeDisks()[i] as KubeObject, `uid-${i}`), `uid-${i}`),
  );
  const cr = aistore({ hostPort: 51081 });
  const denies = (ctx: ClusterContext) =>
    evaluate({ operation: 'CREATE', object: cr }, ctx).findings.filter((f) => f.action === 'deny');

  it('check, from the Released PVs: allowed (target-host-port.test.ts row)', () => {
    expect(denies(new ClusterContext([node('node-1'), node('node-2'), ...pvs.map(cached)]))).toEqual([]);
  });

  it('webhook: a review while the PVs were still Bound, then they are Released: allowed as check says', () => {
    const ctx = new ClusterContext([
      node('node-1'),
      node('node-2'),
      ...pvs.map((v) => cached(bound({ ...v, status: undefined } as KubeObject))),
    ]);
    const v0 = ctx.version;
    denies(ctx); // any review of this CR name fills the memo (here: a first CREATE, denied while Bound)
    for (const v of pvs) ctx.upsert(cached(v));
    expect(ctx.version).toBe(v0); // no new version: the memo is kept
    expect(denies(ctx).map((f) => f.message)).toEqual([]);
  });
});

describe('F3: CSI external-provisioner with --volume-name-uuid-length (Linode, Vultr charts: pvc-<16 hex>)', () => {
  // external-provisioner controller.go makeVolumeName: prefix + "-" + the uid without dashes, cut to
  // the length. provisioned-by is set as for any CSI PV; the name is not pvc-<uid>.
  const uids = ['3f1c8a2e-0b7d-4c5e-9a51-2d4e6f8a9b10', '7d2e9b41-5c3a-4f6e-8b20-1a9c3e5d7f02'];
  const short = (uid: string) => `pvc-${uid.replace(/-/g, '').slice(0, 16)}`;
  const pvs = [0, 1].map((i) => {
    const uid = uids[i] as string;
    const v = released(madeForClaim(oneNodeDisks()[i] as KubeObject, uid, 'linodebs.csi.linode.com'), uid);
    return { ...v, metadata: { ...v.metadata, name: short(uid) } };
  });

  it("CR re-created with a hostPort over its earlier life's Released CSI PVs: allowed, as for pvc-<uid> ones", () => {
    const ev = evaluate(
      { operation: 'CREATE', object: aistore({ hostPort: 51081 }) },
      new ClusterContext([node('node-1'), node('node-2'), ...pvs]),
    );
    expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toEqual([]);
  });
});

describe('F4: a re-created CR with one hand-made mount and one local-path mount', () => {
  // Hand-made PVs for /data (targets 0, 1, pre-bound, no uid); local-path PVs of the earlier life for
  // /data2, all Released (their claims deleted by the cleanup). They say local-path serves /data2: its
  // new claims get new PVs, none is missing (a coverage that read bound PVs alone warned of both).
  it('no "has no PV for mount /data2" warning', () => {
    const cr = aistore({
      size: 2,
      disable: true,
      nodeSelector: pinned,
      mounts: [
        { path: '/data', size: '5Ti' },
        { path: '/data2', size: '1Ti', storageClass: 'local-path' },
      ],
    });
    const byHand = [0, 1].map((i) =>
      pv(`pv-${i}`, { claim: `ais-data-ais-target-${i}`, host: 'node-1', path: `/ais/sd${i}` }),
    );
    const old = [0, 1].map((i) =>
      released(
        madeForClaim(
          pv('x', { claim: `ais-data2-ais-target-${i}`, host: 'node-1', storageClass: 'local-path' }),
          `uid-${i}`,
        ),
        `uid-${i}`,
      ),
    );
    expect(coverage(cr, [node('node-1'), ...byHand, ...old])).toEqual([]);
  });
});
