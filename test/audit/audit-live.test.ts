// `audit` judges live objects: a StatefulSet, pod or claim beside the CR as stored, which the
// operator rendered it from (ais-k8s target/statefulset.go createTargetAffinity), not beside the CR
// as the guard would admit it if created now. A CR created before the guard (anti-affinity on, two
// target PVs on one node) made audit fail the operator's StatefulSet "because
// spec.targetSpec.disablePodAntiAffinity is true", which the live CR does not say, and exit 1 for a
// StatefulSet the webhook would never deny.
import { afterEach, describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { FakeCluster } from './support/fake-cluster.js';
import { audit, auditOf, beingDeletedNotes } from '../../src/cli/audit.js';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  claimName,
  HOST_ANTI_AFFINITY,
  node,
  oneNodeDisks,
  pvc,
  targetPod,
  pv,
  targetStatefulSet,
} from '../support/builders.js';

// What the operator renders for a CR without disablePodAntiAffinity: required target anti-affinity.
const live: KubeObject[] = [
  aistore({ size: 2 }),
  targetStatefulSet({ replicas: 2, affinity: HOST_ANTI_AFFINITY() }),
  targetPod({ ordinal: 0, affinity: HOST_ANTI_AFFINITY() }),
  targetPod({ ordinal: 1, affinity: HOST_ANTI_AFFINITY() }),
  pvc(claimName(0), { volumeName: 'pv-sda' }),
  pvc(claimName(1), { volumeName: 'pv-sdb' }),
  ...oneNodeDisks('node-1'),
  node('node-1'),
  node('node-2'),
];

describe('audit of a live cluster whose CR predates the guard', () => {
  it('says nothing about the StatefulSet that the live CR contradicts', () => {
    const sts = audit(live).find((a) => a.object.kind === 'StatefulSet');
    const claims = (sts?.results ?? []).filter((r) => /disablePodAntiAffinity is true/.test(r.message));
    expect(claims).toEqual([]);
  });

  it('fails only what the webhook would deny with the stored CR as context', () => {
    const ctx = new ClusterContext(live);
    const sts = live[1] as KubeObject;
    const webhook = evaluate({ operation: 'CREATE', object: sts }, ctx);
    const audited = audit(live).find((a) => a.object.kind === 'StatefulSet');
    expect(audited?.results.some((r) => r.result === 'fail')).toBe(!webhook.allowed);
  });
});

describe('audit of an AIStore being torn down', () => {
  const deleting = (o: KubeObject): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, deletionTimestamp: '2026-12-02T10:00:00Z' } as KubeObject['metadata'],
  });
  // A CR whose two mounts share a path (a FAIL) and its StatefulSet, both being deleted; an
  // unrelated claim being deleted too.
  const cr = aistore({
    disable: true,
    mounts: [
      { path: '/data', size: '1Ti' },
      { path: '/data', size: '1Ti' },
    ],
  });
  const objects = [cr, targetStatefulSet({ replicas: 2 }), pvc('scratch-0', { labels: null })];

  it('leaves the CR and the objects made from it out of the results, and names them in one note', () => {
    expect(audit([cr]).some((a) => a.results.some((r) => r.result === 'fail'))).toBe(true);
    const { audited, beingDeleted } = auditOf(objects.map(deleting));
    expect(audited).toEqual([]);
    expect(beingDeleted.map((a) => a.object.kind)).toEqual(['AIStore', 'StatefulSet']);
    expect(beingDeletedNotes(beingDeleted)).toEqual([
      expect.stringMatching(
        /^2 AIStore object\(s\) being deleted, not judged .*: AIStore \S+, StatefulSet \S+$/,
      ),
    ]);
  });
});

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('ais-guard audit (CLI, fake apiserver)', () => {
  it('exits 0 and prints no FAIL for the StatefulSet the operator rendered from the stored CR', async () => {
    cluster = await FakeCluster.start(
      live.map((o, i) => ({ ...o, metadata: { ...o.metadata, uid: `uid-${i}` } }) as KubeObject),
    );
    const file = cluster.kubeConfigFile();
    const r = await cli(['audit', '--kubeconfig', file]);
    expect(r.stdout).not.toMatch(/FAIL {2}target-anti-affinity: .*disablePodAntiAffinity is true/);
    expect(r.code).toBe(0);
  });
});

describe('audit of a PV pre-bound by the uid of the live claim it names (atk54)', () => {
  // audit judges claims as CREATEs, and pv-claim-uid reads a claimRef.uid as one a claim made anew
  // will not have: a PV holding the uid of the claim that exists now (between the claim's creation
  // and the binding, or a PV that cannot bind for another reason) was "of an earlier claim" on both.
  const withUid = (o: KubeObject, uid: string): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, uid } as KubeObject['metadata'],
  });
  const prebound = (uid: string): KubeObject => {
    const volume = pv('pv-sda', { claim: claimName(0) });
    const spec = volume.spec as { claimRef: Record<string, unknown> };
    spec.claimRef = { ...spec.claimRef, uid };
    return volume;
  };
  const cluster = (pvUid: string) => [
    aistore({ size: 1, disable: true }),
    withUid(pvc(claimName(0)), 'uid-live'),
    prebound(pvUid),
    node('node-1'),
  ];
  const uidFindings = (objects: KubeObject[]) =>
    audit(objects).flatMap((a) => a.results.filter((r) => r.rule === 'pv-claim-uid' && r.result !== 'pass'));

  it("the live claim's own uid: no pv-claim-uid finding on the claim or the PV", () => {
    expect(uidFindings(cluster('uid-live'))).toEqual([]);
  });

  it('the uid of an earlier claim of that name: warned, as before', () => {
    expect(uidFindings(cluster('uid-earlier')).length).toBeGreaterThan(0);
  });
});
