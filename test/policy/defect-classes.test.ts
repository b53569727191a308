// Issue 14's defect classes, one describe each, named after the class. Each row is a user's cluster
// that the guard judged differently from what the operator (v3.4.0) and Kubernetes really do; the
// operator function each expectation follows is cited beside it (paths under ais-k8s/operator/).
import { describe, expect, it } from '@jest/globals';
import {
  ClusterContext,
  evaluate,
  operatorClaimNames,
  operatorTargetCount,
  RULE_DOC_BASE,
  targetClaimNames,
  type KubeObject,
} from '../../src/policy/index.js';
import { review } from '../../src/server/review.js';
import {
  aistore,
  claimName,
  findingsOf,
  HOST_ANTI_AFFINITY,
  node,
  pv,
  pvc,
  run,
  targetStatefulSet,
} from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

/** An AIStore CR with raw spec overrides on top of the builder's. */
function cr(
  spec: Record<string, unknown>,
  targetSpec: Record<string, unknown> = {},
  name = 'ais',
): KubeObject {
  const base = aistore({ name }) as {
    spec: Record<string, unknown> & { targetSpec: Record<string, unknown> };
  };
  return { ...base, spec: { ...base.spec, ...spec, targetSpec: { ...base.spec.targetSpec, ...targetSpec } } };
}

const messages = (
  object: KubeObject,
  context: KubeObject[],
  ruleId: string,
  extra: Partial<Parameters<typeof run>[0]> = {},
) =>
  findingsOf(run({ name: '', object, context, ...extra }), ruleId).map((f) => `${f.severity}: ${f.message}`);

function tainted(name: string, taints: unknown[], labels: Record<string, string> = {}): KubeObject {
  const n = node(name, labels);
  return { ...n, spec: { taints } };
}

describe('defect class 1: target count under autoscaling', () => {
  // api/aistore/v1beta1/aistore_types.go IsTargetAutoScaling: spec.size or targetSpec.size -1.
  // GetTargetSize: autoscaled, min(expected target nodes, autoScale.sizeLimit); else targetSpec.size ?? spec.size.
  const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => node(n));

  it('spec.size -1 wins over targetSpec.size, and sizeLimit caps the count', () => {
    const ais = cr({ size: -1 }, { size: 3, nodeSelector: {}, autoScale: { sizeLimit: 2 } });
    expect(operatorTargetCount(ais, nodes)).toBe(2);
    expect(messages(pvc(claimName(2)), [ais, ...nodes], 'pvc-name')).toEqual([
      expect.stringMatching(/^warn: .*has 2 target/),
    ]);
    expect(messages(pvc(claimName(1)), [ais, ...nodes], 'pvc-name')).toEqual([]);
  });

  it('targetSpec.size -1 autoscales even with spec.size set: one target per matching node', () => {
    const ais = cr({ size: 3 }, { size: -1, nodeSelector: { disk: 'nvme' } });
    const labelled = [node('n1', { disk: 'nvme' }), node('n2', { disk: 'nvme' }), node('n3')];
    expect(operatorTargetCount(ais, labelled)).toBe(2);
    expect(messages(pvc(claimName(2)), [ais, ...labelled], 'pvc-name')).toEqual([
      expect.stringMatching(/^warn: .*has 2 target/),
    ]);
  });

  it('autoscaled with nodes unknown: ordinals at or past sizeLimit are past the count (warned)', () => {
    const ais = cr({ size: -1 }, { nodeSelector: {}, autoScale: { sizeLimit: 3 } });
    expect(messages(pvc(claimName(3)), [ais], 'pvc-name')).toEqual([
      expect.stringMatching(/^warn: .*has 3 target/),
    ]);
    expect(messages(pvc(claimName(2)), [ais], 'pvc-name')).toEqual([]);
  });

  it('counts only nodes whose NoSchedule/NoExecute taints the targets tolerate (controller listMatchingNodes)', () => {
    const ais = cr({ size: -1 }, { nodeSelector: {}, tolerations: [{ key: 'gpu', operator: 'Exists' }] });
    const mixed = [
      node('n1'),
      tainted('n2', [{ key: 'gpu', value: 'a', effect: 'NoSchedule' }]),
      tainted('n3', [{ key: 'other', effect: 'NoExecute' }]),
      tainted('n4', [{ key: 'soft', effect: 'PreferNoSchedule' }]),
    ];
    expect(operatorTargetCount(ais, mixed)).toBe(3);
  });

  it('fixed sizes: targetSpec.size, else spec.size', () => {
    expect(operatorTargetCount(cr({ size: 4 }, { size: 2 }), [])).toBe(2);
    const noTargetSize = cr({ size: 4 });
    delete (noTargetSize.spec as { targetSpec: Record<string, unknown> }).targetSpec.size;
    expect(operatorTargetCount(noTargetSize, [])).toBe(4);
  });
});

describe('operator claim names (target/volumes.go newTargetPVCs, Mount.GetPVCName, cmn/res.go getStatePVCName)', () => {
  it('one claim per non-hostPath mount, then the state claim, per ordinal', () => {
    const ais = cr(
      { stateStorage: { pvc: { storageClass: 'fast' } } },
      { mounts: [{ path: '/data/a' }, { path: '/host', useHostPath: true }, { path: '/data/b/' }] },
      'ais-x',
    );
    expect(operatorClaimNames(ais, [])?.length).toBe(2);
    expect(operatorClaimNames(ais, [])?.[1]).toEqual(targetClaimNames(ais, 1));
    expect(targetClaimNames(ais, 1)).toEqual([
      'ais-x-data-a-ais-x-target-1',
      'ais-x-data-b--ais-x-target-1',
      'ais-ais-x-state-ais-x-target-1',
    ]);
  });
});

describe('defect class 2: disk identity', () => {
  const claims = [claimName(0), claimName(1)];
  it.each([
    ['a trailing slash', '/ais/sda', '/ais/sda/'],
    ['a double slash', '/ais/sda', '/ais//sda'],
    ['a dot segment', '/ais/sda', '/ais/./sda'],
  ])('two PVs whose paths differ by %s are one disk', (_what, a, b) => {
    const pvs = [
      pv('pv-a', { claim: claims[0] as string, path: a }),
      pv('pv-b', { claim: claims[1] as string, path: b }),
    ];
    const ais = aistore({ disable: true });
    expect(messages(pvs[1] as KubeObject, [ais, pvs[0] as KubeObject], 'pv-target-binding')).toEqual([
      expect.stringMatching(/^deny: PVs pv-b and pv-a use the same disk node-1:\/ais\/sda /),
    ]);
  });
});

describe('defect class 3: claim to CR attribution', () => {
  // Two CRs in one namespace, one name a suffix of the other.
  const ais = aistore({ name: 'ais', disable: true });
  const xais = aistore({ name: 'x-ais', disable: true });
  it('an unlabelled claim of x-ais is not judged as one of ais', () => {
    const claim = pvc(claimName(0, 'x-ais'), { labels: null });
    expect(messages(claim, [ais, xais], 'pvc-name')).toEqual([]);
    expect(messages(claim, [xais, ais], 'pvc-name')).toEqual([]);
  });
  it('a PV claimRef of x-ais is not judged as one of ais', () => {
    const volume = pv('pv-x', { claim: claimName(1, 'x-ais') });
    expect(messages(volume, [ais, xais], 'pv-target-binding')).toEqual([]);
  });
  it('a name that is the claim of two CRs at once is denied, naming both', () => {
    // CR "a" with mount /a/data/a and CR "a-a" with mount /data render the same claim name.
    const a = aistore({ name: 'a', disable: true, mounts: [{ path: '/a/data/a' }] });
    const aa = aistore({ name: 'a-a', disable: true, mounts: [{ path: '/data' }] });
    expect(targetClaimNames(a, 0)).toEqual(targetClaimNames(aa, 0));
    expect(messages(pvc('a-a-data-a-a-target-0', { labels: null }), [a, aa], 'pvc-name')).toEqual([
      expect.stringMatching(/^deny: .*AIStore a .*AIStore a-a|^deny: .*AIStore a-a .*AIStore a /),
    ]);
  });
  it('the state claim of x-ais (<ns>-<cr>-state-<cr>-target-<N>) is not judged as a claim of ais', () => {
    const a = aistore({ name: 'ais', namespace: 'ais-x', disable: true });
    const x = aistore({ name: 'x-ais', namespace: 'ais-x', disable: true });
    const state = pvc('ais-x-x-ais-state-x-ais-target-0', { namespace: 'ais-x', labels: null });
    expect(messages(state, [a, x], 'pvc-name')).toEqual([]);
  });
  it('a name that fits no CR in a namespace that has CRs says so', () => {
    const volume = pv('pv-y', { claim: 'y-data-y-target-0' });
    expect(messages(volume, [ais, xais], 'pv-target-binding')).toEqual([
      expect.stringMatching(/^warn: .*no AIStore "y" .*ais, x-ais/),
    ]);
  });
});

describe('defect class 5: node count', () => {
  const ais = aistore({ size: 3 });
  const cordoned = { ...node('n3'), spec: { unschedulable: true } };
  // On CREATE the guard turns anti-affinity off for such a layout; on UPDATE it can only warn.
  const update = (object: KubeObject) => ({ operation: 'UPDATE' as const, oldObject: object });
  it('tainted and affinity-excluded nodes do not count', () => {
    const nodes = [node('n1'), node('n2'), tainted('n4', [{ key: 'x', effect: 'NoSchedule' }])];
    expect(messages(ais, nodes, 'targets-exceed-nodes', update(ais))).toEqual([
      expect.stringMatching(/^warn: 3 targets .* only 2 /),
    ]);
    expect(messages(ais, nodes, 'anti-affinity-not-disabled')).toEqual([
      expect.stringMatching(
        /^warn: multi-target layout \(3 targets but only 2 node\(s\) they can be scheduled on\)/,
      ),
    ]);
    const zoned = cr(
      { size: 3 },
      {
        size: 3,
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
            },
          },
        },
      },
    );
    const zones = [node('n1', { zone: 'a' }), node('n2', { zone: 'b' }), node('n3', { zone: 'a' })];
    expect(messages(zoned, zones, 'targets-exceed-nodes', update(zoned))).toEqual([
      expect.stringMatching(/^warn: 3 targets .* only 2 /),
    ]);
  });
  // Review "lifecycle2", L1: a node drained for maintenance (or briefly not ready) while the CR is
  // created made a one-target-per-node layout multi-target, for good (the operator refuses any later
  // targetSpec change), or denied a CR with a hostPort. The cordon and the node lifecycle
  // controller's taints are lifted again (pkg/controller/nodelifecycle doNoScheduleTaintingPass).
  it('a cordoned node, or one briefly not ready or unreachable, still counts', () => {
    const away = (name: string, key: string) => ({
      ...node(name),
      spec: {
        unschedulable: key === 'node.kubernetes.io/unschedulable',
        taints: [{ key, effect: 'NoSchedule' }],
      },
    });
    for (const key of [
      'node.kubernetes.io/unschedulable',
      'node.kubernetes.io/not-ready',
      'node.kubernetes.io/unreachable',
    ]) {
      const nodes = [node('n1'), node('n2'), away('n3', key)];
      expect(messages(ais, nodes, 'anti-affinity-not-disabled')).toEqual([]);
      expect(messages(ais, nodes, 'targets-exceed-nodes', update(ais))).toEqual([]);
      expect(run({ name: '', object: aistore({ size: 3, hostPort: 51081 }), context: nodes }).allowed).toBe(
        true,
      );
    }
    expect(messages(ais, [node('n1'), node('n2'), cordoned], 'anti-affinity-not-disabled')).toEqual([]);
  });
  it('explicit false with too few nodes: the operator’s StatefulSet is not denied, the cost is warned', () => {
    const explicit = cr({}, { size: 3, disablePodAntiAffinity: false });
    const one = [node('n1')];
    const sts = targetStatefulSet({ replicas: 3, affinity: HOST_ANTI_AFFINITY() });
    expect(run({ name: '', object: sts, context: [explicit, ...one] }).allowed).toBe(true);
    expect(messages(explicit, one, 'targets-exceed-nodes', update(explicit))).toEqual([
      expect.stringMatching(/^warn: 3 targets .* only 1 /),
    ]);
  });
  it('a tolerated taint counts', () => {
    const tolerant = cr(
      {},
      { size: 2, tolerations: [{ key: 'x', operator: 'Exists', effect: 'NoSchedule' }] },
    );
    const nodes = [node('n1'), tainted('n2', [{ key: 'x', effect: 'NoSchedule' }])];
    expect(messages(tolerant, nodes, 'targets-exceed-nodes', update(tolerant))).toEqual([]);
    expect(messages(tolerant, nodes, 'anti-affinity-not-disabled')).toEqual([]);
  });
  it('an explicit disablePodAntiAffinity: false is never overridden', () => {
    const explicit = aistore({ disable: false });
    const ev = run({
      name: '',
      object: explicit,
      context: [pv('pv-sda', { claim: claimName(0) }), pv('pv-sdb', { claim: claimName(1) })],
    });
    expect(ev.patch).toEqual([]);
    expect(findingsOf(ev, 'anti-affinity-not-disabled').map((f) => `${f.severity}: ${f.message}`)).toEqual([
      expect.stringMatching(/^warn: .*disablePodAntiAffinity is explicitly false/),
    ]);
  });
  it('offline with no nodes known, the output says the count is unknown', () => {
    expect(messages(ais, [], 'targets-exceed-nodes')).toEqual([
      expect.stringMatching(/^warn: node count unknown/),
    ]);
    expect(messages(ais, [], 'targets-exceed-nodes', { nodeCount: 3 })).toEqual([]);
  });
  it('nodes are inferred from PVs’ node affinity', () => {
    const inferred = new ClusterContext([
      pv('p1', { claim: 'c1', host: 'node-b' }),
      pv('p2', { claim: 'c2', host: 'node-a' }),
      pv('p3', { claim: 'c3', host: 'node-b' }),
    ]).hostsOfVolumes();
    expect(inferred).toEqual(['node-a', 'node-b']);
  });
});

describe('defect class 6: names with dashes', () => {
  it('CR ais-x, claim ais-x-data-ais-x-target-0 in namespace ais: no namespace warning', () => {
    const claim = pvc('ais-x-data-ais-x-target-0', {
      labels: { 'app.kubernetes.io/name': 'ais-x', 'app.kubernetes.io/component': 'target' },
    });
    expect(messages(claim, [], 'pvc-name')).toEqual([]);
  });
});

describe('defect class 7: fix hints that mislead', () => {
  const ais = aistore({ disable: true, mounts: [{ path: '/data/a' }, { path: '/data/b' }] });
  it('never proposes a name a claim or PV already holds', () => {
    const held = pv('pv-held', { claim: claimName(0, 'ais', '/data/a') });
    const [finding] = findingsOf(
      run({ name: '', object: pvc('ais-data-c-ais-target-0'), context: [ais, held] }),
      'pvc-name',
    );
    expect(finding?.fix).toContain(claimName(0, 'ais', '/data/b'));
    expect(finding?.fix).not.toContain(claimName(0, 'ais', '/data/a'));
  });
  it('lists every name that fits', () => {
    const [finding] = findingsOf(
      run({ name: '', object: pvc('ais-data-c-ais-target-0'), context: [ais] }),
      'pvc-name',
    );
    expect(finding?.fix).toContain(claimName(0, 'ais', '/data/a'));
    expect(finding?.fix).toContain(claimName(0, 'ais', '/data/b'));
  });
});

describe('defect class 8: messages and links', () => {
  it('a PV pre-bound to a CR without PVC-backed mounts gets a whole sentence', () => {
    const hostOnly = aistore({ mounts: [{ path: '/data', useHostPath: true }] });
    const [message] = messages(pv('pv-x', { claim: claimName(0) }), [hostOnly], 'pv-target-binding');
    expect(message).toMatch(
      /^deny: PV pv-x is pre-bound to claim "ais-data-aistore-ais-target-0", but AIStore ais has no PVC-backed mounts/,
    );
  });
  it('findings link the rule doc by full URL', () => {
    const [finding] = findingsOf(
      run({ name: '', object: pvc('ais-data-c-ais-target-0'), context: [aistore()] }),
      'pvc-name',
    );
    expect(finding?.doc).toBe(`${RULE_DOC_BASE}#pvc-name`);
    expect(finding?.doc).toMatch(
      /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/main\/docs\/rules\.md#pvc-name$/,
    );
  });
  it('a long warning goes whole, rule id and link first and the fix last', () => {
    const held = pv('pv-held', { claim: claimName(0) });
    const object = pvc(claimName(0), { volumeName: undefined });
    const outcome = review(
      'validate',
      reviewOf(aistore({ hostPort: 1, size: 2 }) as KubeObject).request as never,
      {
        config: {
          modes: { default: 'warn' },
          failureMode: 'deny',
          includeNamespaces: [],
          excludeNamespaces: [],
        },
        cluster: fixedCluster([held, object, ...[pv('pv-2', { claim: claimName(1) })]]),
      },
    );
    const warnings = outcome.body.response.warnings ?? [];
    const hostPort = warnings.find((w) => w.includes('target-host-port'));
    expect(hostPort).toBeDefined();
    // Whole (these two fit the answer's warning budget, admission.ts answerWarnings: an answer over
    // it cuts each to 256, keeping the same start and end, test/server/admission.test.ts).
    expect(warnings.reduce((sum, w) => sum + w.length, 0)).toBeLessThanOrEqual(1_536);
    expect(hostPort).toContain('every target asks for host port 1/TCP');
    expect(hostPort).toMatch(
      new RegExp(`^ais-guard target-host-port ${RULE_DOC_BASE.replaceAll('.', '\\.')}#target-host-port: `),
    );
    expect(hostPort).toMatch(/Proxies may keep their hostPort\.$/);
  });
});

describe('fail-open: a rule that cannot run does not erase the others’ verdicts', () => {
  function deep(depth: number): unknown {
    let v: unknown = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }
  it('a 3,000-deep array in a CR keeps the target-host-port deny', () => {
    // The legacy field makes a rule copy the object (writable()), where the depth used to throw.
    const ais = aistore({ hostPort: 51081, legacyDisable: true }) as { spec: Record<string, unknown> };
    for (const depth of [3000, 20000]) {
      const object = { ...ais, spec: { ...ais.spec, junk: deep(depth) } } as KubeObject;
      const ev = evaluate({ operation: 'CREATE', object }, new ClusterContext([object]));
      expect(ev.allowed).toBe(false);
      expect(ev.findings.map((f) => f.ruleId)).toContain('target-host-port');
    }
  });
});

describe('budget: rule work is bounded by the input size', () => {
  it('a CR with 10,000 mounts, 4,000 targets and a PV is judged, the coverage summarised', () => {
    const mounts = Array.from({ length: 10_000 }, (_, i) => ({
      path: `/d/m${i}`,
      storageClass: 'ais-local-storage',
    }));
    const ais = aistore({ size: 4000, disable: true, mounts });
    const volume = pv('pv-0', { claim: claimName(0, 'ais', '/d/m0') });
    const onCR = messages(ais, [volume], 'pv-target-binding');
    expect(onCR).toEqual([expect.stringMatching(/^warn: .*too many .*to check one by one/)]);
    expect(messages(ais, [volume], 'mount-template-name')).toEqual([
      expect.stringMatching(
        /^deny: 10000 mounts: more than the 1024 ais-guard checks one by one .*the mounts were not checked/,
      ),
    ]);
    expect(messages(volume, [ais], 'pv-target-binding')).toEqual([]);
  });
});

describe('operator affinity (cmn/res.go CreateAISAffinity): a user podAntiAffinity replaces the operator’s', () => {
  it('a CR with only a preferred anti-affinity gets no required one: targets may share nodes', () => {
    const preferred = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: {} } },
        ],
      },
    };
    const ais = aistore({ hostPort: 51081, affinity: preferred });
    expect(messages(ais, [], 'target-host-port')).toEqual([
      expect.stringMatching(
        /^deny: .*podAntiAffinity has no required hostname term sure to keep targets apart/,
      ),
    ]);
  });
});
