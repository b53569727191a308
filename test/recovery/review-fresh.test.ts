// Outside review "fresh" of 1cc9200 and 4a0b747 (the day's fixes of reviews "lag" and "update").
// Each test states what the guard should say; all but the one named "held up" failed on 4a0b747.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: objects patched field by field */
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { readYamlValue } from '../../src/k8s/yaml.js';
import { aistore, node, pvc, targetStatefulSet } from '../support/builders.js';
import { changed as mod, judgeUpdate, messages, SIDES, twoPerNodeDisks } from '../support/sides.js';

const SSC = 'system:serviceaccount:kube-system:statefulset-controller';
const disks = twoPerNodeDisks;
const update = judgeUpdate;
const resize = (cr: KubeObject, size: number) => mod(cr, (c) => (c.spec.targetSpec.size = size));
const withPolicy = (cr: KubeObject, whenScaled: string) =>
  mod(cr, (c) => (c.spec.targetSpec.pvcRetentionPolicy = { whenScaled, whenDeleted: 'Retain' }));
/** A multi-target CR (anti-affinity off, 2 targets on 1 node) with a useHostPath mount and no host port. */
const hostPathCR = () => aistore({ size: 2, disable: true, mounts: [{ path: '/hp', useHostPath: true }] });

describe.each(SIDES)('review fresh (%s)', (_side, side) => {
  // The operator syncs the StatefulSet's retention policy before it scales (target_controllers.go
  // handleTargetState: syncTargetPVCRetentionPolicy returns with a requeue, handleTargetScaling runs
  // on a later pass, after isStatusCurrent), so Retain set in the same update as the scale-down is in
  // force when the StatefulSet controller condemns the pods. Unlike checkShutdown's shutdown path.
  it('LOW: a scale-down that sets whenScaled: Retain in the same update is not warned of deleted claims', () => {
    const cr = withPolicy(aistore({ size: 4, disable: true }), 'Delete');
    const next = withPolicy(resize(cr, 3), 'Retain');
    const ev = update(side, cr, next, [node('node-1'), node('node-2'), ...disks(4)]);
    expect(ev.findings.filter((f) => /whenScaled: Delete/.test(f.message))).toEqual([]);
  });

  // IsTargetAutoScaling is true for spec.size -1 whatever targetSpec.size says (aistore_types.go).
  // The -1 is at /spec/size; the warning points at /spec/targetSpec/size, which still says 4.
  it('LOW: the autoscaling warning points at the -1 (spec.size), not at targetSpec.size', () => {
    const pool = [node('node-1', { pool: 'a' }), node('node-2', { pool: 'a' })];
    const cr = aistore({ size: 4, disable: true, nodeSelector: { pool: 'a' } });
    const next = mod(cr, (c) => (c.spec.size = -1));
    const ev = update(side, cr, next, [...pool, ...disks(4)]);
    const auto = ev.findings.filter((f) => /autoscaling/.test(f.message));
    expect(auto).not.toEqual([]);
    for (const f of auto) expect(f.path).toBe('/spec/size');
  });

  // A shut-down CR (StatefulSet at 0 replicas) restarted at a smaller size: no pod is removed, so
  // whenScaled deletes no claim (the StatefulSet controller owns a claim to a pod it condemns,
  // stateful_set_utils.go / UpdatePodClaimForRetentionPolicy; with no pod there is nothing to condemn).
  // The guard says "scaling the targets from 4 to 3", while the set goes from 0 to 3.
  it('LOW: restarting a shut-down CR at a smaller size is not called a scale-down from the stored size', () => {
    const down = mod(withPolicy(aistore({ size: 4, disable: true }), 'Delete'), (c) => {
      c.spec.shutdownCluster = true;
    });
    const up = mod(resize(down, 3), (c) => (c.spec.shutdownCluster = false));
    const ev = update(side, down, up, [node('node-1'), node('node-2'), ...disks(4)]);
    expect(messages(ev).join('\n')).not.toMatch(/scaling the targets from 4 to 3/);
  });

  // Ratchet: the stored CR already has the refusal (useHostPath in a multi-target layout), the update
  // only adds a target label. "already so before this update" is right; its fix "leave
  // spec.targetSpec.labels as stored" is not (keeping the labels keeps the problem).
  it('LOW: an "already so" warning at a fixed field is not told to undo the update\'s unrelated change', () => {
    const cr = hostPathCR();
    const next = mod(cr, (c) => (c.spec.targetSpec.labels = { team: 'a' }));
    const ev = update(side, cr, next, [node('node-1')]);
    const already = ev.findings.filter((f) => /^already so/.test(f.message));
    expect(already).not.toEqual([]);
    for (const f of already) expect(f.fix).not.toMatch(/leave spec\.targetSpec\.labels as stored/);
  });

  // Audit / `check --live` judge a stored CR as UPDATE onto itself (evaluate-set.ts asLive,
  // asStored): fixedFieldFix finds nothing changed and says "leave the CR as stored", the one thing
  // that keeps the problem. The way out is a new CR.
  it('LOW: audit of a stored CR refused at a fixed field is not told to leave the CR as stored', () => {
    const cr = hostPathCR();
    const ev = evaluate(
      { operation: 'UPDATE', object: cr, oldObject: cr },
      new ClusterContext([node('node-1'), cr].map(side)),
      { asStored: true },
    );
    const denied = ev.findings.filter((f) => f.action === 'deny');
    expect(denied).not.toEqual([]);
    for (const f of denied) expect(f.fix).not.toMatch(/leave the CR as stored/);
  });

  // Two CRs whose claims have one name: ais (mount /data/ais/x/ais/data) and ais-data-ais (mount /x)
  // both make ais-data-ais-x-ais-data-ais-target-0. The claim is refused as "the claim of two CRs"
  // before 1cc9200; now, from the StatefulSet controller with either cached set, it is admitted as
  // cache lag. Admitted, the other StatefulSet's pod uses it as it is (stateful_pod_control.go
  // createPersistentVolumeClaims skips a claim that exists): two clusters' targets on one disk.
  it('MEDIUM: the claim of two CRs stays refused when a cached StatefulSet names it', () => {
    const a = aistore({
      name: 'ais',
      mounts: [{ path: '/data/ais/x/ais/data', size: '5Ti', storageClass: 'ais-local-storage' }],
    });
    const b = aistore({
      name: 'ais-data-ais',
      mounts: [{ path: '/x', size: '5Ti', storageClass: 'ais-local-storage' }],
    });
    const name = 'ais-data-ais-x-ais-data-ais-target-0';
    const sets = [
      targetStatefulSet({ cr: 'ais', templates: ['ais-data-ais-x-ais-data'] }),
      targetStatefulSet({ cr: 'ais-data-ais', templates: ['ais-data-ais-x'] }),
    ];
    const claim = pvc(name, { labels: null });
    const ev = evaluate(
      { operation: 'CREATE', object: claim, requester: SSC } as any,
      new ClusterContext([a, b, ...sets].map(side)),
    );
    expect(ev.findings.filter((f) => f.ruleId === 'pvc-name').map((f) => f.action)).toContain('deny');
  });
});

describe.each(SIDES)('review fresh, wording (%s)', (_side, side) => {
  // proxySpec.size and targetSpec.size are both set: spec.size sizes nothing (GetTargetSize,
  // GetProxySize), yet the fix asks to leave it as stored beside the targetSpec.size that matters.
  it('LOW: the fixed-field fix does not name spec.size when targetSpec.size is set', () => {
    const cr = aistore({ size: 1, disable: true, mounts: [{ path: '/hp', useHostPath: true }] });
    const next = mod(cr, (c) => {
      c.spec.size = 3;
      c.spec.targetSpec.size = 2;
    });
    const ev = update(side, cr, next, [node('node-1'), node('node-2'), node('node-3')]);
    const denied = ev.findings.filter((f) => f.action === 'deny');
    expect(denied).not.toEqual([]);
    for (const f of denied) expect(f.fix).not.toMatch(/leave spec\.size/);
  });

  // The autoscaling warning says "autoscaling never runs several targets per node". It counts one
  // target per node; it does not place them: with anti-affinity off (fixed) the targets follow their
  // PVs, so here ais-target-0 and -1 both stay on node-1 (pv-0, pv-1) and node-2 runs none.
  it('LOW: the autoscaling warning does not say autoscaling never runs several targets per node', () => {
    const pool = [node('node-1', { pool: 'a' }), node('node-2', { pool: 'a' })];
    const cr = aistore({ size: 4, disable: true, nodeSelector: { pool: 'a' } });
    const ev = update(side, cr, resize(cr, -1), [...pool, ...disks(4)]);
    expect(messages(ev).join('\n')).toMatch(/autoscaling/);
    expect(messages(ev).join('\n')).not.toMatch(/never runs several targets per node/);
  });

  // scaleDownMode: retain (mutable) puts the removed targets into maintenance, it does not
  // decommission them (target_controllers.go prepareTargetsForScaleDown: RetainOnScaleDown ->
  // StartMaintenance); their data stays on their disks.
  it('LOW: with scaleDownMode: retain the autoscaling warning does not say the targets are decommissioned', () => {
    const pool = [node('node-1', { pool: 'a' }), node('node-2', { pool: 'a' })];
    const cr = mod(aistore({ size: 4, disable: true, nodeSelector: { pool: 'a' } }), (c) => {
      c.spec.targetSpec.scaleDownMode = 'retain';
    });
    const ev = update(side, cr, resize(cr, -1), [...pool, ...disks(4)]);
    expect(messages(ev).join('\n')).toMatch(/autoscaling/);
    expect(messages(ev).join('\n')).not.toMatch(/decommissions/);
  });
});

describe('readYamlValue', () => {
  // Its doc comment: "A syntax or alias error is thrown as one line with its place, <where>:<line>".
  it('LOW: an alias to no anchor is reported with its line', () => {
    expect(() => readYamlValue('a: 1\nb:\n  c: *nope\n', 'disks.yaml')).toThrow(/^disks\.yaml:3: /);
  });
  it('LOW: an alias bomb is reported with a line', () => {
    // Five levels of ten: 100,000 copies of [1], past the 10,000 alias uses a document may make
    // (three levels, 1,000, pass since the limit follows go-yaml v2's tolerance: review-gitops).
    const ten = (alias: string) => `[${Array(10).fill(`*${alias}`).join(',')}]`;
    const bomb = `a: &a [1]\nb: &b ${ten('a')}\nc: &c ${ten('b')}\nd: &d ${ten('c')}\ne: &e ${ten('d')}\nf: ${ten('e')}\n`;
    expect(() => readYamlValue(bomb, 'disks.yaml')).toThrow(/^disks\.yaml:\d+: /);
  });
  it('held up: YAML 1.2, JSON, empty, multi-document, duplicate keys', () => {
    expect(readYamlValue('x: yes\ny: 017\n', 'f')).toEqual({ x: 'yes', y: 17 });
    expect(readYamlValue('{"a": [1]}', 'f')).toEqual({ a: [1] });
    expect(readYamlValue('', 'f')).toBeNull();
    expect(() => readYamlValue('a: 1\n---\nb: 2\n', 'f')).toThrow(/^f:2: a second YAML document/);
    expect(() => readYamlValue('a: 1\na: 2\n', 'f')).toThrow(/^f:2: Map keys must be unique$/);
  });
});
