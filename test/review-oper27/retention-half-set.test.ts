// Review "oper27": a targetSpec.pvcRetentionPolicy that names one of its two fields.
// The CRD gives neither field a default (config/base/crd/ais.nvidia.com_aistores.yaml), and the operator
// copies the CR's policy as it is onto the target StatefulSet (target/statefulset.go NewTargetSS), where
// the apiserver defaults the missing field to Retain (k8s pkg/apis/apps/v1/defaults.go
// SetDefaults_StatefulSet). On every reconcile the operator then compares the CR's policy
// {whenScaled: Delete, whenDeleted: ""} with the StatefulSet's {whenScaled: Delete, whenDeleted: Retain}
// (internal/controller/aistore/common.go shouldUpdatePVCRetentionPolicy: equality.Semantic.DeepEqual),
// finds them different, patches (the apiserver defaults whenDeleted back to Retain) and returns
// before any rollout or scaling (target_controllers.go handleTargetState: `policyUpdated` ->
// RequeueAfter): the targets are never scaled nor rolled out, and the cluster never reaches Ready
// (handleCREvents stops at handleTargetState). The guard reads only whenScaled
// (aistore.ts scaleDownDeletesClaims) and says a scale-down deletes the removed targets' claims
// (pv-target-binding checkScaleDown), a thing the operator never does here; it says nothing of the
// stall. It should tell the user to set both fields.
// Checked on a v1.33.13 apiserver (test/e2e/cluster/up.sh): a StatefulSet created with
// {whenScaled: Delete} is stored as {whenDeleted: Retain, whenScaled: Delete}, and the merge patch
// the operator sends (whenDeleted: null) is "patched (no change)".
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node, targetStatefulSet } from '../support/builders.js';
import { changed, messages, twoPerNodeDisks } from '../support/sides.js';

const withPolicy = (size: number, policy: Record<string, string>) =>
  changed(aistore({ size, disable: true }), (c) => {
    c.spec.targetSpec.pvcRetentionPolicy = policy;
  });

const world = (stored: KubeObject) => [
  stored,
  targetStatefulSet({ replicas: 4 }),
  node('node-1'),
  node('node-2'),
  ...twoPerNodeDisks(4),
];

const update = (stored: KubeObject, next: KubeObject) =>
  evaluate({ operation: 'UPDATE', object: next, oldObject: stored }, new ClusterContext(world(stored)));

describe('review oper27: pvcRetentionPolicy with whenScaled only', () => {
  it('control: with both fields the scale-down 4 -> 2 is warned to delete the removed claims', () => {
    const policy = { whenScaled: 'Delete', whenDeleted: 'Retain' };
    const text = messages(update(withPolicy(4, policy), withPolicy(2, policy))).join('\n');
    expect(text).toMatch(/deletes the claims of ais-target-2 to ais-target-3/);
  });

  it('scale-down 4 -> 2 with {whenScaled: Delete} alone: the operator never scales (policy never in sync); the guard says so', () => {
    const policy = { whenScaled: 'Delete' };
    const text = messages(update(withPolicy(4, policy), withPolicy(2, policy))).join('\n');
    expect(text).toMatch(/whenDeleted/);
  });

  it('CREATE with {whenScaled: Delete} alone: the cluster never becomes Ready; the guard says so', () => {
    const cr = withPolicy(2, { whenScaled: 'Delete' });
    const ev = evaluate(
      { operation: 'CREATE', object: cr },
      new ClusterContext([cr, node('node-1'), node('node-2')]),
    );
    expect(messages(ev).join('\n')).toMatch(/whenDeleted/);
  });
  it('CREATE with pvcRetentionPolicy: {} (neither field): the same stall; the guard says so', () => {
    const cr = withPolicy(2, {});
    const ev = evaluate(
      { operation: 'CREATE', object: cr },
      new ClusterContext([cr, node('node-1'), node('node-2')]),
    );
    expect(messages(ev).join('\n')).toMatch(/pvcRetentionPolicy/);
  });
});
