// Outside review "last" of 3f6dfd5/4a0b747: fixedFieldFixes and changedTargetFields.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, targetStatefulSet } from '../support/builders.js';
import { boundPV, changed as mod, judgeCreate, messages, SIDES } from '../support/sides.js';

const update = (side: (o: KubeObject) => KubeObject, oldObject: KubeObject, object: KubeObject) =>
  evaluate({ operation: 'UPDATE', object, oldObject }, new ClusterContext([oldObject].map(side)));

describe.each(SIDES)('review last (%s)', (_side, side) => {
  // The stored CR mounts a disk at /root/.aws and has no spec.awsSecretName: no clash. The update
  // only sets spec.awsSecretName, which the operator allows on a live CR (aistore_webhook.go
  // ValidateUpdate checks proxySpec, targetSpec, enableExternalLB and stateStorage only) and which
  // makes it mount the AWS credentials at /root/.aws: mount-path-unique rightly denies at
  // /spec/targetSpec/mounts/0/path. fixedFieldFixes sees mounts unchanged and no targetSpec or size
  // change (changedTargetFields looks nowhere else) and says "only a new AIStore CR mends this":
  // leaving spec.awsSecretName as stored mends it, with this very CR.
  it('MEDIUM: a fixed-field deny brought by a change outside targetSpec is not told only a new CR mends it', () => {
    const cr = aistore({ size: 2, disable: true, mounts: [{ path: '/root/.aws' }] });
    const next = mod(cr, (c) => (c.spec.awsSecretName = 'aws-creds'));
    const ev = update(side, cr, next);
    const deny = ev.findings.filter((f) => f.ruleId === 'mount-path-unique' && f.action === 'deny');
    expect(deny).not.toEqual([]); // the refusal itself is right
    for (const f of deny) {
      expect(f.fix).not.toMatch(/only a new AIStore CR mends this/);
      expect(f.fix).toMatch(/awsSecretName/);
    }
  });
});

describe.each(SIDES)('review last: cachedSetClaims (%s)', (_side, side) => {
  // LOW. The CR was deleted and is re-created without its /data2 mount while the old target
  // StatefulSet is still being garbage-collected (deletionTimestamp set; the operator's CR owns it).
  // Its /data2 templates will never make a claim again, yet pv-target-binding's stray check now
  // skips every PV whose claim a cached StatefulSet's template names (cachedSetClaims reads
  // volumeClaimTemplates with no look at deletionTimestamp or owner), so the warning "pre-bound to
  // claims no claim template of AIStore ais makes" given before 4a0b747 is gone.
  it('LOW: a StatefulSet being deleted does not hide the stray PVs of a re-created CR', () => {
    const DATA = { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage' };
    const cr = aistore({ size: 2, disable: true, mounts: [DATA] });
    const pvs = [0, 1].flatMap((i) => [
      boundPV(
        pv(`pv-${i}`, { claim: claimName(i), host: 'node-1', path: `/ais/sd${'ab'[i]}`, local: true }),
        `u${i}`,
      ),
      pv(`pv2-${i}`, {
        claim: claimName(i, 'ais', '/data2'),
        host: 'node-1',
        path: `/ais/d2-${i}`,
        local: true,
      }),
    ]);
    const sts = mod(targetStatefulSet({ replicas: 2, templates: ['ais-data-aistore', 'ais-data2'] }), (s) => {
      s.metadata.deletionTimestamp = '2026-12-02T14:00:00Z';
    });
    const withSet = judgeCreate(side, cr, [node('node-1'), ...pvs, sts]);
    const without = judgeCreate(side, cr, [node('node-1'), ...pvs]);
    expect(messages(without).join('\n')).toMatch(/no target ever claims them/); // the warning as it was
    expect(messages(withSet).join('\n')).toMatch(/no target ever claims them/);
  });
});
