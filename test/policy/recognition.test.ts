// Defect class 4 (issue 14): an object is judged as AIStore's only with the operator's evidence.
// What the operator really sets, in its source (v3.4.0):
// - NewTargetSS (internal/resources/aistore/target/statefulset.go): the StatefulSet's labels are
//   cmn.LegacyLabels plus app.kubernetes.io/managed-by: ais-operator (cmn/statefulset.go constants);
//   the pod template gets the same through cmn.MergePodLabels (cmn/labels.go), so pods carry it too.
// - K8sClient.CreateResourceIfNotExists (internal/client/api.go): controllerutil.SetControllerReference
//   makes the AIStore CR the StatefulSet's controller ownerReference.
// - Claims: the StatefulSet controller names them <template>-<sts>-<N> and labels them with the
//   selector only (cmn.SelectorLabels): no managed-by, no CR owner.
import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  pv,
  pvc,
  run,
  targetLabels,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { judge } from '../../src/cli/judge.js';
import { parseSource } from '../../src/cli/load.js';
import type { KubeObject } from '../../src/policy/index.js';

/** A chart's StatefulSet that happens to use the target labels, a `-target` name and a hostPort. */
function shopStatefulSet(extraLabels: Record<string, string> = {}, metadata: object = {}): KubeObject {
  // Pinned to one host: without its CR the only layout a StatefulSet alone shows as multi-target.
  const sts = targetStatefulSet({
    cr: 'web',
    namespace: 'shop',
    hostPort: 8080,
    templates: ['data'],
    nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
  });
  const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/component': 'target', ...extraLabels };
  const spec = sts.spec as { template: { metadata: { labels: Record<string, string> } } };
  spec.template.metadata.labels = labels;
  return { ...sts, metadata: { name: 'web-target', namespace: 'shop', labels, ...metadata } };
}

const aisOwner = (name = 'web', apiVersion = 'ais.nvidia.com/v1beta1', kind = 'AIStore') => ({
  ownerReferences: [{ apiVersion, kind, name, uid: 'u-1', controller: true, blockOwnerDeletion: true }],
});

const hostPortDenied = (object: KubeObject, context: KubeObject[] = []) => {
  const ev = run({ name: 'class 4', object, context });
  return ev.findings.some((f) => f.ruleId === 'target-host-port' && f.action === 'deny');
};

describe('defect class 4: recognition', () => {
  it('leaves alone a non-AIStore StatefulSet shop/web-target with component: target, a name label and hostPort', () => {
    const ev = run({ name: 'class 4', object: shopStatefulSet() });
    expect(ev.allowed).toBe(true);
    expect(ev.role).toBeUndefined();
    expect(ev.findings).toEqual([]);
    expect(ev.patch).toEqual([]);
  });

  it('leaves alone its pods, its claims and static PVs bound to them', () => {
    const pod = targetPod({ cr: 'web', namespace: 'shop', hostPort: 8080 });
    (pod.metadata as { labels: Record<string, string> }).labels = {
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/component': 'target',
    };
    const claim = pvc('data-web-target-0', {
      namespace: 'shop',
      labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/component': 'target' },
    });
    const volumes = [
      pv('pv-a', { claim: 'data-web-target-0', claimNamespace: 'shop', host: 'n1', path: '/d/a' }),
      pv('pv-b', { claim: 'data-web-target-1', claimNamespace: 'shop', host: 'n1', path: '/d/b' }),
    ];
    for (const object of [pod, claim, ...volumes]) {
      const ev = run({ name: 'class 4', object, context: [shopStatefulSet(), ...volumes] });
      expect([object.metadata?.name, ev.role, ev.findings]).toEqual([object.metadata?.name, undefined, []]);
    }
  });

  it('judges the same StatefulSet with the operator managed-by label (NewTargetSS)', () => {
    expect(hostPortDenied(shopStatefulSet({ 'app.kubernetes.io/managed-by': 'ais-operator' }))).toBe(true);
    expect(hostPortDenied(shopStatefulSet({ 'app.kubernetes.io/managed-by': 'helm' }))).toBe(false);
  });

  it('judges it with an ownerReference to an AIStore CR (SetControllerReference), of any version', () => {
    expect(hostPortDenied(shopStatefulSet({}, aisOwner()))).toBe(true);
    expect(hostPortDenied(shopStatefulSet({}, aisOwner('web', 'ais.nvidia.com/v1')))).toBe(true);
    expect(hostPortDenied(shopStatefulSet({}, aisOwner('web', 'apps/v1', 'AIStore')))).toBe(false);
    expect(hostPortDenied(shopStatefulSet({}, aisOwner('web', 'ais.nvidia.com/v1beta1', 'Other')))).toBe(
      false,
    );
    // Even without any label: the owner names the CR.
    const bare = shopStatefulSet({}, aisOwner());
    delete (bare.metadata as { labels?: unknown }).labels;
    expect(run({ name: 'class 4', object: bare }).crName).toBe('web');
  });

  it('an AIStore owner alone is not a target: the operator owns its proxy StatefulSet too', () => {
    const proxy = shopStatefulSet({}, aisOwner());
    proxy.metadata = { name: 'web-proxy', namespace: 'shop', ...aisOwner() };
    expect(run({ name: 'class 4', object: proxy }).role).toBeUndefined();
    // An owner naming another CR than the labels do is no evidence for either.
    expect(hostPortDenied(shopStatefulSet({}, aisOwner('other')))).toBe(false);
  });

  it('judges it when an AIStore CR named web is in the context, in its namespace only', () => {
    expect(
      hostPortDenied(shopStatefulSet(), [aistore({ name: 'web', namespace: 'shop', disable: true })]),
    ).toBe(true);
    expect(
      hostPortDenied(shopStatefulSet(), [aistore({ name: 'web', namespace: 'other', disable: true })]),
    ).toBe(false);
    // An unlabelled <cr>-target StatefulSet beside its CR.
    const unlabelled = shopStatefulSet();
    delete (unlabelled.metadata as { labels?: unknown }).labels;
    expect(hostPortDenied(unlabelled, [aistore({ name: 'web', namespace: 'shop', disable: true })])).toBe(
      true,
    );
    expect(hostPortDenied(unlabelled)).toBe(false);
  });

  it('recognises the operator output itself: StatefulSet and pods by managed-by, claims by their CR', () => {
    expect(run({ name: 'class 4', object: targetStatefulSet() }).role).toBe('target-statefulset');
    expect(run({ name: 'class 4', object: targetPod({ ordinal: 1 }) }).role).toBe('target-pod');
    expect(targetLabels()['app.kubernetes.io/managed-by']).toBe('ais-operator');
    // A claim made by the StatefulSet controller (selector labels only): its CR must be known.
    expect(run({ name: 'class 4', object: pvc(claimName(0)) }).role).toBeUndefined();
    expect(run({ name: 'class 4', object: pvc(claimName(0)), context: [aistore()] }).role).toBe(
      'target-claim',
    );
    expect(
      run({ name: 'class 4', object: pvc(claimName(0), { labels: null }), context: [aistore()] }).role,
    ).toBe('target-claim');
    // PVs: the claimRef's shape <c>…-<c>-target-<N> (no evidence a PV could carry instead).
    expect(run({ name: 'class 4', object: pv('pv-0', { claim: claimName(0) }) }).role).toBe('target-volume');
  });

  it('never throws on malformed ownerReferences', () => {
    for (const ownerReferences of [
      null,
      'x',
      [null],
      [1],
      [{ kind: 'AIStore' }],
      [{ apiVersion: 3, kind: 'AIStore', name: 'w' }],
    ]) {
      const object = {
        ...shopStatefulSet(),
        metadata: { name: 'web-target', namespace: 'shop', ownerReferences },
      };
      expect(run({ name: 'class 4', object: object as unknown as KubeObject }).role).toBeUndefined();
    }
  });

  it('offline check: a CR in the same input is the context', () => {
    const sts = JSON.stringify(shopStatefulSet());
    const cr = JSON.stringify(aistore({ name: 'web', namespace: 'shop', disable: true }));
    const denied = (text: string) =>
      judge(parseSource('in.yaml', text, []).manifests).some((j) => !j.evaluation.allowed);
    expect(denied(sts)).toBe(false);
    expect(denied(`${sts}\n---\n${cr}`)).toBe(true);
  });
});
