// Review "oper26": an autoscaled CR is never "more targets than nodes" to the guard (src/policy/layout.ts
// detectLayout: `!view.autoScaled`; TargetSetView.autoScaled "never more targets than nodes by design").
// That holds only if the operator counted the nodes a target can be scheduled on. It does not: operator
// v3.4.0 counts the nodes matching targetSpec.nodeSelector whose NoSchedule/NoExecute taints
// targetSpec.tolerations tolerate (internal/controller/aistore/cluster_controller.go
// determineAutoScaleStatus -> listMatchingNodeNames -> listMatchingNodes, common.go toleratesTaints),
// plus the nodes already running a target pod, and GetTargetSize (api/aistore/v1beta1/aistore_types.go)
// renders that many replicas (target/statefulset.go NewTargetSS). targetSpec.affinity's required node
// affinity, which the target pods carry (targetPodSpec -> createTargetAffinity), is not consulted.
// So an autoscaled CR whose required node affinity narrows the selector's nodes gets a target
// StatefulSet with more replicas than nodes its pods can run on, exactly as the same CR with the
// fixed size would; the guard's own operatorTargetCount agrees on the count, yet the two are judged
// differently.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { operatorTargetCount } from '../../src/policy/target-count.js';
import { aistore, node, run } from '../support/builders.js';

/** Required node affinity: zone z1 only. */
const affinity = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }],
    },
  },
};
/** Four nodes of pool a (the nodeSelector), two of them in zone z1 (the affinity). */
const NODES = [
  node('node-1', { pool: 'a', zone: 'z1' }),
  node('node-2', { pool: 'a', zone: 'z1' }),
  node('node-3', { pool: 'a', zone: 'z2' }),
  node('node-4', { pool: 'a', zone: 'z2' }),
];
const cr = (size: number, more: { hostPort?: number; disable?: boolean } = {}) =>
  aistore({ size, nodeSelector: { pool: 'a' }, affinity, ...more });

const verdict = (object: KubeObject, extra: Partial<Parameters<typeof run>[0]> = {}) => {
  const ev = run({ name: '', object, context: NODES, ...extra });
  return {
    findings: ev.findings.map((f) => `${f.ruleId} ${f.action}`).sort(),
    patched: ev.patch.length > 0,
  };
};

describe('review oper26: an autoscaled target count is nodes by selector and taints, not by affinity', () => {
  it('the operator renders 4 targets either way (guard operatorTargetCount agrees)', () => {
    expect(operatorTargetCount(cr(-1), NODES)).toBe(4);
    expect(operatorTargetCount(cr(4), NODES)).toBe(4);
  });

  it('CREATE with hostPort: the autoscaled CR is judged as the fixed size-4 CR the operator renders alike', () => {
    // Fixed size 4: "multi-target layout (4 targets but only 2 node(s) they can be scheduled on)",
    // anti-affinity turned off and hostPort denied. Autoscaled: only targets-exceed-nodes warns, the
    // hostPort is admitted, and the signal that forces sharing is never raised.
    expect(verdict(cr(-1, { hostPort: 51081 }))).toEqual(verdict(cr(4, { hostPort: 51081 })));
  });

  it('UPDATE adding a toleration (a field a live CR may change) that grows the autoscaled count past the nodes the affinity allows is refused as a size past them is', () => {
    // Stored: nodes 3 and 4 (zone z2) are tainted and not tolerated, so the operator counts 2 targets.
    // The update tolerates the taint: the operator now counts 4 and renders 4 replicas, whose pods
    // can use only node-1 and node-2 (the affinity). With anti-affinity off and a host port (fixed at
    // creation) two targets stay Pending for good (NodePorts): the same as raising a fixed size from
    // 2 to 4, which the guard refuses ("This update cannot place every target").
    const taint = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }];
    const tainted = NODES.map((n, i) => (i >= 2 ? { ...n, spec: { taints: taint } } : n));
    const toleration = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }];
    const withTolerations = (o: KubeObject, t?: unknown) => {
      const c = structuredClone(o) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (t) c.spec.targetSpec.tolerations = t;
      return c as KubeObject;
    };
    const judge = (stored: KubeObject, next: KubeObject) =>
      run({ name: '', object: next, oldObject: stored, operation: 'UPDATE', context: [...tainted, stored] })
        .findings.filter((f) => f.action === 'deny')
        .map((f) => f.ruleId);
    const auto = cr(-1, { hostPort: 51081, disable: true });
    expect(operatorTargetCount(withTolerations(auto, toleration), tainted)).toBe(4);
    const fixedDenied = judge(
      cr(2, { hostPort: 51081, disable: true }),
      cr(4, { hostPort: 51081, disable: true }),
    );
    expect(fixedDenied).toContain('target-host-port');
    expect(judge(auto, withTolerations(auto, toleration))).toEqual(fixedDenied);
  });
});
