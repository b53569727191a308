// Review "oper27": a targetSpec.env entry whose valueFrom.fieldRef has no apiVersion.
// The operator puts targetSpec.env into aisnode's env as written (target/statefulset.go
// NewAISContainerEnv, cmn/utils.go MergeEnvVars); the apiserver stores the target StatefulSet's
// template with fieldRef.apiVersion defaulted to "v1" (k8s pkg/apis/core/v1/defaults.go
// SetDefaults_ObjectFieldSelector, applied to a StatefulSet's template by SetObjectDefaults_StatefulSet).
// The operator's own env sets apiVersion "v1" for that reason (cmn/utils.go EnvFromFieldPath); a
// user's entry without it makes shouldUpdateContainerSpec (internal/controller/aistore/common.go,
// env by equality.Semantic.DeepEqual) differ on every reconcile: handleTargetState
// (target_controllers.go) calls syncTargetPodSpec, which disables rebalance, patches a template the
// apiserver defaults back, and returns before any scaling. So the targets never scale (nor does a
// real rollout ever complete), rebalance stays disabled and the cluster never reports Ready.
// The guard judges such a CR's scale-out as if it happens (a PV for the new target, claims) and
// says nothing of the stall.
// Checked on a v1.33.13 apiserver (test/e2e/cluster/up.sh): a StatefulSet template env
// {fieldRef: {fieldPath: status.podIP}} is stored with fieldRef.apiVersion: v1.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node } from '../support/builders.js';
import { changed, messages } from '../support/sides.js';

const withEnv = (size: number, fieldRef: Record<string, string>): KubeObject =>
  changed(aistore({ size, disable: true }), (c) => {
    c.spec.targetSpec.env = [{ name: 'POD_IP', valueFrom: { fieldRef } }];
  });

const judge = (operation: 'CREATE' | 'UPDATE', object: KubeObject, oldObject?: KubeObject) =>
  messages(
    evaluate(
      { operation, object, oldObject },
      new ClusterContext([oldObject ?? object, node('node-1'), node('node-2'), node('node-3')]),
    ),
  ).join('\n');

describe('review oper27: targetSpec.env fieldRef without apiVersion', () => {
  it('CREATE: the operator finds the template changed on every reconcile and never scales; the guard says so', () => {
    expect(judge('CREATE', withEnv(2, { fieldPath: 'status.podIP' }))).toMatch(/apiVersion/);
  });

  it('UPDATE 2 -> 3: the scale-out never happens; the guard says so', () => {
    const fieldRef = { fieldPath: 'status.podIP' };
    expect(judge('UPDATE', withEnv(3, fieldRef), withEnv(2, fieldRef))).toMatch(/apiVersion/);
  });

  it('control: with apiVersion v1 there is nothing to say about it', () => {
    expect(judge('CREATE', withEnv(2, { apiVersion: 'v1', fieldPath: 'status.podIP' }))).not.toMatch(
      /apiVersion/,
    );
  });
});
