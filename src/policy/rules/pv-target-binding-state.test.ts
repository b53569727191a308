// A target's state PVs (claims <ns>-<cr>-state-<cr>-target-N) among its volumes: the cases an outside
// review ("state1") found when they were first counted in every namespace.
import { describe, expect, it } from '@jest/globals';
import { aistore, node, pv, released, targetStatefulSet } from '../../../test/support/builders.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';

const NS = 'prod';
const stateClaim = (n: number) => `${NS}-ais-state-ais-target-${n}`;
/** A state PV as rancher local-path makes it for a WaitForFirstConsumer claim: pinned to the pod's node. */
const provisioned = (name: string, ordinal: number, host: string) =>
  pv(name, {
    claim: stateClaim(ordinal),
    claimNamespace: NS,
    host,
    path: `/opt/local-path-provisioner/${name}_${NS}_${stateClaim(ordinal)}`,
    storageClass: 'local-path',
    capacity: '1Gi',
    annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' },
  });

function withState(cr: KubeObject, state: Record<string, unknown>): KubeObject {
  const copy = structuredClone(cr) as KubeObject & { spec: Record<string, unknown> };
  copy.spec.stateStorage = state;
  return copy;
}

const judge = (
  object: KubeObject,
  context: KubeObject[],
  operation: 'CREATE' | 'UPDATE' = 'CREATE',
  oldObject?: KubeObject,
) =>
  evaluate(
    { operation, object, oldObject },
    new ClusterContext([node('n1'), node('n2'), node('n3'), ...context, object]),
  );

const show = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.map((f) => `${f.action} ${f.ruleId} ${f.path}: ${f.message}`);

describe('Released provisioned state PVs of earlier lives', () => {
  // Life 1 put target-0 on n1 and target-1 on n2; life 2 (the scheduler is free to choose, fresh
  // WaitForFirstConsumer claims) the other way round. cleanupMetadata deleted every claim each time;
  // the class keeps its PVs (Retain): four Released PVs nobody will ever bind again.
  const old = [
    released(provisioned('pvc-0a', 0, 'n1'), 'u0a'),
    released(provisioned('pvc-1a', 1, 'n2'), 'u1a'),
    released(provisioned('pvc-0b', 0, 'n2'), 'u0b'),
    released(provisioned('pvc-1b', 1, 'n1'), 'u1b'),
  ];
  const cr = withState(aistore({ namespace: NS, size: 2, hostPort: 51081 }), {
    pvc: { storageClass: 'local-path' },
  });

  it('CR re-created with a hostPort, one target per node: no multi-target verdict', () => {
    const ev = judge(cr, old);
    expect(show(ev)).toEqual([]);
    expect(ev.allowed).toBe(true);
    expect(ev.patch).toEqual([]);
  });

  it('the same CR without hostPort: no anti-affinity turned off by the guard', () => {
    const plain = withState(aistore({ namespace: NS, size: 2 }), { pvc: { storageClass: 'local-path' } });
    const ev = judge(plain, old);
    expect(ev.patch).toEqual([]);
    expect(show(ev)).toEqual([]);
  });
});

describe('stateStorage moved from pvc to hostPath on a live CR', () => {
  // The operator's webhook lets a live CR leave a state PVC (aistore_webhook.go
  // validateStateStorageUpdate refuses only a change TO a pvc class), but it never touches the
  // StatefulSet's volumeClaimTemplates (target_controllers.go syncTargetPodSpec patches the pod
  // template only): the StatefulSet controller keeps giving every target pod its state claim as a
  // volume (k8s statefulset stateful_set_utils.go updateStorage), so the state PVs still pin them.
  // A multi-target CR (anti-affinity off), its data on hand-made PVs or hostPath mounts.
  const before = withState(aistore({ namespace: NS, size: 2, disable: true }), {
    pvc: { storageClass: 'local-path' },
  });
  const after = withState(aistore({ namespace: NS, size: 2, disable: true }), {
    hostPath: { prefix: '/etc/ais' },
  });
  const live = [provisioned('pvc-0', 0, 'n1'), provisioned('pvc-1', 1, 'n2')];

  it('the update: no "no target ever claims them / delete it" warning for the state PVs', () => {
    const ev = judge(after, live, 'UPDATE', before);
    expect(show(ev)).toEqual([]);
  });

  it('a data PV for target-0 on another node than its (still mounted) state PV: denied as before the move', () => {
    const data = pv('data-0', {
      claim: 'ais-data-aistore-ais-target-0',
      claimNamespace: NS,
      host: 'n2',
      path: '/ais/sda',
    });
    // The live StatefulSet, made while the CR had its state on a claim: its templates cannot change.
    const sts = targetStatefulSet({ namespace: NS, templates: ['ais-data-aistore', `${NS}-ais-state`] });
    const ctx = new ClusterContext([node('n1'), node('n2'), node('n3'), after, sts, ...live]);
    const ev = evaluate({ operation: 'CREATE', object: data }, ctx);
    expect(ev.allowed).toBe(false);
    // Offline, with no StatefulSet given, the CR's own word: no state claim any more.
    const offline = new ClusterContext([node('n1'), node('n2'), node('n3'), after, ...live]);
    expect(evaluate({ operation: 'CREATE', object: data }, offline).allowed).toBe(true);
  });
});

describe('a node replaced, its target given new disks', () => {
  // n2 died for good (no Node any more). target-1's state PV (local-path) still names it: the state
  // claim must be deleted so the StatefulSet makes a new one where the target's new disk is.
  const cr = withState(aistore({ namespace: NS, size: 2 }), { pvc: { storageClass: 'local-path' } });
  const state1 = provisioned('pvc-1', 1, 'n2');
  const data1 = pv('data-1-new', {
    claim: 'ais-data-aistore-ais-target-1',
    claimNamespace: NS,
    host: 'n4',
    path: '/ais/sda',
  });

  it('the new data PV: the finding names the stale state claim to delete, not "one node per target"', () => {
    const ctx = new ClusterContext([node('n1'), node('n3'), node('n4'), cr, state1]);
    const ev = evaluate({ operation: 'CREATE', object: data1 }, ctx);
    const text = show(ev).join('\n') + '\n' + ev.findings.map((f) => f.fix).join('\n');
    expect(text).toMatch(new RegExp(`${NS}-ais-state-ais-target-1`));
  });
});

describe('CR re-created on another node pool, its old state claims kept', () => {
  // cleanupMetadata unset (the default): the operator's cleanup keeps every claim
  // (cluster_cleanup.go cleanupPVC), so the new StatefulSet's pods get the old state claims back,
  // pinned to the old pool. The deny is right; its fix must be one the user can do.
  const cr = withState(aistore({ namespace: NS, size: 2, nodeSelector: { pool: 'b' } }), {
    pvc: { storageClass: 'local-path' },
  });
  const kept = [provisioned('pvc-0', 0, 'a1'), provisioned('pvc-1', 1, 'a2')];

  it('the fix names the state claims to delete (a provisioner-made local PV cannot be moved)', () => {
    const ctx = new ClusterContext([
      node('a1', { pool: 'a' }),
      node('a2', { pool: 'a' }),
      node('b1', { pool: 'b' }),
      node('b2', { pool: 'b' }),
      ...kept,
      cr,
    ]);
    const ev = evaluate({ operation: 'CREATE', object: cr }, ctx);
    expect(ev.allowed).toBe(false);
    const fixes = ev.findings.filter((f) => f.action === 'deny').map((f) => `${f.message} FIX ${f.fix}`);
    expect(fixes.join('\n')).toMatch(new RegExp(`${NS}-ais-state-ais-target-`));
  });
});
