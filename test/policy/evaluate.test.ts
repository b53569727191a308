// evaluate() as a whole: the fast path for other objects, idempotent mutations, ratcheting on
// UPDATE, and modes.
import { describe, expect, it } from '@jest/globals';
import {
  ClusterContext,
  EMPTY_CONTEXT,
  evaluate,
  RULES,
  type KubeObject,
  type Rule,
} from '../../src/policy/index.js';
import { shortWarning } from '../../src/server/admission.js';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  node,
  oneNodeDisks,
  pv,
  pvc,
  released,
  run,
  targetPod,
  targetStatefulSet,
  claimName,
} from '../support/builders.js';

const ctx = new ClusterContext([aistore({ disable: true }), ...oneNodeDisks()]);

describe('objects that are not AIStore’s', () => {
  const others: [string, KubeObject][] = [
    [
      'a Deployment',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ais' } },
    ],
    [
      'a Pod without target labels',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-0', namespace: 'ais', labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }] },
      },
    ],
    [
      'a proxy Pod',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'ais-proxy-0',
          namespace: 'ais',
          labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'proxy' },
        },
      },
    ],
    ['a PVC of another app', pvc('pgdata-postgres-0', { labels: { app: 'postgres' } })],
    [
      'a StatefulSet of another app',
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'postgres', namespace: 'ais' } },
    ],
    [
      'an AIStore-looking kind of another group',
      { apiVersion: 'example.com/v1', kind: 'AIStore', metadata: { name: 'ais', namespace: 'ais' } },
    ],
    [
      'a ConfigMap',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ais-target', namespace: 'ais' } },
    ],
    ['no kind at all', { metadata: { name: 'x' } }],
  ];
  it.each(others)('%s: no findings, no patch, same object', (_name, object) => {
    const ev = evaluate({ operation: 'CREATE', object }, ctx);
    expect(ev).toEqual({ findings: [], allowed: true, patch: [], object });
    expect(ev.object).toBe(object);
  });

  it.each(['DELETE', 'CONNECT'] as const)('%s is never judged', (operation) => {
    const object = aistore({ disable: true, hostPort: 1 });
    expect(evaluate({ operation, object }, ctx)).toMatchObject({ allowed: true, findings: [], patch: [] });
  });
});

describe('mutations are idempotent: the engine on its own output gives no patch', () => {
  const mutating: [string, KubeObject, KubeObject[]][] = [
    ['legacy field CR', aistore({ legacyDisable: true }), []],
    ['pinned CR', aistore({ nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }), []],
    ['CR with more targets than nodes', aistore({ size: 3 }), [node('a')]],
    ['target claim with a pre-bound PV', pvc(claimName(0)), [aistore({ disable: true }), ...oneNodeDisks()]],
    [
      'target pod with anti-affinity and PVs',
      targetPod({ ordinal: 1, affinity: HOST_ANTI_AFFINITY() }),
      [aistore({ disable: true }), ...oneNodeDisks()],
    ],
  ];
  it.each(mutating)('%s', (_name, object, context) => {
    const first = run({ name: '', object, context });
    expect(first.patch.length).toBeGreaterThan(0);
    const second = run({ name: '', object: first.object, context });
    expect(second.patch).toEqual([]);
    expect(second.findings.filter((f) => f.mutation)).toEqual([]);
  });
});

describe('UPDATE ratchets: violations the old object already had do not deny', () => {
  // Without its CR a StatefulSet is multi-target only pinned to one host (layout.ts detectLayout withoutCR).
  const ONE_HOST = { 'kubernetes.io/hostname': 'node-1' };
  it('a pre-existing hostPort warns, a new one denies', () => {
    const bad = targetStatefulSet({ hostPort: 51081, nodeSelector: ONE_HOST });
    const old = run({ name: '', object: bad, operation: 'UPDATE', oldObject: bad });
    expect(old.allowed).toBe(true);
    expect(old.findings[0]).toMatchObject({
      ruleId: 'target-host-port',
      action: 'warn',
      message: expect.stringMatching(/^already so before this update/),
    });
    const fresh = run({
      name: '',
      object: bad,
      operation: 'UPDATE',
      oldObject: targetStatefulSet({ nodeSelector: ONE_HOST }),
    });
    expect(fresh.allowed).toBe(false);
  });

  type Sts = { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
  const containersOf = (o: KubeObject) => (o as unknown as Sts).spec.template.spec.containers;

  it('the same violation at another index (a sidecar inserted first) still warns', () => {
    const bad = targetStatefulSet({ hostPort: 51081, nodeSelector: ONE_HOST });
    const moved = structuredClone(bad);
    containersOf(moved).unshift({ name: 'sidecar', image: 'busybox' });
    const ev = run({ name: '', object: moved, operation: 'UPDATE', oldObject: bad });
    expect(ev.allowed).toBe(true);
    expect(ev.findings.find((f) => f.ruleId === 'target-host-port')?.action).toBe('warn');
  });

  // pv_controller.go bindVolumeToClaim sets the claimRef of a free PV it binds: the PV was admitted
  // free, as no target's, and a refused bind leaves the claim Pending for good (review "lifecycle", F2).
  describe('the PV controller binding a free PV', () => {
    // As GetBindVolumeToClaim (component-helpers storage/volume) writes it: the claim's uid, and the
    // annotation that says the controller bound it.
    const byHand = pv('pv-x', { claim: claimName(0), host: null });
    const bound = (() => {
      const copy = structuredClone(byHand) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
      copy.spec.claimRef.uid = 'uid-of-the-claim';
      copy.metadata = { ...copy.metadata, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } };
      return copy as KubeObject;
    })();
    const free = (volume: KubeObject) => {
      const copy = structuredClone(volume) as KubeObject & { spec: Record<string, unknown> };
      delete copy.spec.claimRef;
      delete copy.metadata?.annotations;
      return copy;
    };
    const context = [aistore({ disable: true })];
    const binding = (f: { ruleId: string }) => f.ruleId === 'pv-target-binding';

    it('is not refused when only the claimRef is new: the findings stand as warnings', () => {
      const ev = run({ name: '', object: bound, operation: 'UPDATE', oldObject: free(bound), context });
      expect(ev.allowed).toBe(true);
      expect(ev.findings.filter(binding)).toEqual([
        expect.objectContaining({
          action: 'warn',
          message: expect.stringMatching(
            /^not refused: the PV controller binds this free PV.*must pin exactly one node/,
          ),
        }),
      ]);
    });

    it('a person setting the claimRef (no uid, no bound-by-controller annotation) is judged as any change', () => {
      const ev = run({ name: '', object: byHand, operation: 'UPDATE', oldObject: free(bound), context });
      expect(ev.allowed).toBe(false);
    });

    it('is judged as any change when the spec changes beside the claimRef, and as a CREATE when made bound', () => {
      const moved = pv('pv-x', { claim: claimName(0), host: null, path: '/ais/other' });
      expect(
        run({ name: '', object: moved, operation: 'UPDATE', oldObject: free(bound), context }).allowed,
      ).toBe(false);
      expect(run({ name: '', object: bound, context }).allowed).toBe(false);
    });
  });

  // A CR that predates the guard with disablePodAntiAffinity and a hostPort: the operator's webhook
  // refuses any targetSpec change (validateTargetUpdate), so what it renders keeps the hostPort for
  // good (review "lifecycle", F5).
  describe('objects rendered from a stored CR that breaks the same rule', () => {
    const stored = aistore({ disable: true, hostPort: 51081 });
    const ownedBy = (o: KubeObject, owner: Record<string, unknown>): KubeObject => ({
      ...o,
      metadata: { ...o.metadata, ownerReferences: [{ ...owner, uid: 'u', controller: true }] },
    });
    const ofStatefulSet = (o: KubeObject) =>
      ownedBy(o, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ais-target' });
    const ofCR = (o: KubeObject) =>
      ownedBy(o, { apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: 'ais' });
    const hostPortFinding = (ev: ReturnType<typeof run>) =>
      ev.findings.find((f) => f.ruleId === 'target-host-port');

    it('the StatefulSet controller’s pod and the operator’s StatefulSet are not refused', () => {
      for (const object of [
        ofStatefulSet(targetPod({ hostPort: 51081, ordinal: 1 })),
        ofCR(targetStatefulSet({ hostPort: 51081 })),
      ]) {
        const ev = run({ name: '', object, context: [stored] });
        expect(ev.allowed).toBe(true);
        expect(hostPortFinding(ev)).toMatchObject({
          action: 'warn',
          message: expect.stringMatching(/^not refused: so is AIStore ais, which it is rendered from/),
        });
      }
    });

    it('a hostNetwork pod of a stored hostNetwork CR: its defaulted host ports are hostNetwork’s (review "lifecycle2", L4)', () => {
      const hostNetworked = aistore({ disable: true, hostNetwork: true });
      const pod = ofStatefulSet(targetPod({ hostNetwork: true, hostPort: 51081, ordinal: 1 }));
      const ev = run({ name: '', object: pod, context: [hostNetworked] });
      expect(ev.allowed).toBe(true);
      expect(ev.findings.map((f) => `${f.ruleId}=${f.action}`)).toContain('target-host-network=warn');
    });

    it('a pod no StatefulSet of the CR owns, or one beside a CR without the violation, is denied', () => {
      expect(
        run({ name: '', object: targetPod({ hostPort: 51081, ordinal: 1 }), context: [stored] }).allowed,
      ).toBe(false);
      const ev = run({
        name: '',
        object: ofStatefulSet(targetPod({ hostPort: 51081, ordinal: 1 })),
        context: [aistore({ disable: true })],
      });
      expect(ev.allowed).toBe(false);
    });
  });

  // Review "lifecycle2", L2: a single-target CR with anti-affinity off and a hostPort was admitted
  // (one target never shares a node), and its scale-out was denied for good: the operator's webhook
  // never lets the hostPort go (validateTargetUpdate), so nothing the user could send would pass.
  // Review "l2review" then: only while the scheduler can keep the targets apart.
  describe('a CR update that leaves a field fixed at creation as it was', () => {
    const single = aistore({ disable: true, size: 1, hostPort: 51081 });
    const scaled = aistore({ disable: true, size: 2, hostPort: 51081 });
    const threeNodes = [node('node-1'), node('node-2'), node('node-3')];
    const update = (object: KubeObject, oldObject: KubeObject, context: KubeObject[] = []) =>
      run({ name: '', object, operation: 'UPDATE', oldObject, context: [...context, oldObject] });
    const actions = (ev: ReturnType<typeof run>) => ev.findings.map((f) => `${f.ruleId}=${f.action}`).sort();

    it('a scale-out the scheduler can place is not refused; the warning keeps its point in its fix', () => {
      const ev = update(scaled, single, threeNodes);
      expect(ev.allowed).toBe(true);
      const finding = ev.findings.find((f) => f.ruleId === 'target-host-port');
      expect(finding).toMatchObject({
        severity: 'deny',
        action: 'warn',
        path: '/spec/targetSpec/hostPort',
        message: expect.stringMatching(
          /^fixed at creation, kept: spec.targetSpec.hostPort 51081 in a multi-target layout/,
        ),
        fix: expect.stringMatching(/^Only a new AIStore CR can change spec.targetSpec.hostPort/),
      });
      // What the apiserver passes on: the start (rule, link) and the fix survive the 256-character cut.
      const warning = shortWarning(
        `ais-guard ${finding!.ruleId} ${finding!.doc}: ${finding!.message} Fix: ${finding!.fix}`,
      );
      expect(warning).toMatch(
        /: fixed at creation, kept: .*Fix: Only a new AIStore CR can change spec.targetSpec.hostPort: until then, one target per node.$/,
      );
    });

    it('the same for hostNetwork and a required anti-affinity term', () => {
      const term = { affinity: HOST_ANTI_AFFINITY() };
      const before = aistore({ disable: true, size: 1, hostNetwork: true, ...term });
      const after = aistore({ disable: true, size: 3, hostNetwork: true, ...term });
      const ev = update(after, before, threeNodes);
      expect(ev.allowed).toBe(true);
      expect(actions(ev)).toEqual(['target-anti-affinity=warn', 'target-host-network=warn']);
    });

    it('refused when a target could never be placed: more targets than nodes, PVs on one node, one pinned host', () => {
      expect(update(aistore({ disable: true, size: 4, hostPort: 51081 }), single, threeNodes).allowed).toBe(
        false,
      );
      const sharedDisks = [
        pv('pv-a', { claim: claimName(0), host: 'node-1' }),
        pv('pv-b', { claim: claimName(1), host: 'node-1' }),
      ];
      const onOneNode = update(scaled, single, [...threeNodes, ...sharedDisks]);
      expect(onOneNode.allowed).toBe(false);
      expect(onOneNode.findings.find((f) => f.ruleId === 'target-host-port')?.message).toMatch(
        /This update cannot place every target: PVs put the disks of ais-target-0, ais-target-1 on node node-1, and spec.targetSpec.hostPort is fixed at creation.$/,
      );
      const pinned = { 'kubernetes.io/hostname': 'node-1' };
      const before = aistore({ disable: true, size: 1, hostPort: 51081, nodeSelector: pinned });
      expect(
        update(aistore({ disable: true, size: 2, hostPort: 51081, nodeSelector: pinned }), before).allowed,
      ).toBe(false);
    });

    // Review "base1" F7: the stored size-2 CR's hostPort was a warning (its layout placed every
    // target), so a scale-out past the nodes did not "already" have the denial.
    it('refused from any size: a stored CR whose layout placed every target did not already have the denial', () => {
      const sized = (size: number) => aistore({ disable: true, size, hostPort: 51081 });
      expect(update(sized(4), sized(1), threeNodes).allowed).toBe(false);
      const fromTwo = update(sized(4), sized(2), threeNodes);
      expect(fromTwo.allowed).toBe(false);
      expect(fromTwo.findings.find((f) => f.ruleId === 'target-host-port')?.message).toMatch(
        /This update cannot place every target: 4 targets but only 3 node\(s\)/,
      );
      // Already past the nodes when stored: ratcheted, so its other updates are not refused.
      const stuck = update(sized(4), sized(4), threeNodes);
      expect(stuck.allowed).toBe(true);
      expect(stuck.findings.find((f) => f.ruleId === 'target-host-port')?.message).toMatch(
        /^already so before this update: /,
      );
    });

    it('a useHostPath mount beside a real hostPort: no two targets share a node, nor a directory (review "today2" F5)', () => {
      const mounts = [{ path: '/d', useHostPath: true }];
      const both = (size: number) => aistore({ disable: true, size, hostPort: 51081, mounts });
      const ev = update(both(3), both(1), threeNodes);
      expect(ev.allowed).toBe(true);
      expect(actions(ev)).toEqual(['target-host-path-shared=warn', 'target-host-port=warn']);
      expect(run({ name: '', object: both(1) }).findings).toEqual([]);
    });

    it('refused when the field keeps no target apart: hostPort 0, a useHostPath mount (one data directory)', () => {
      const zero = (size: number) => aistore({ disable: true, size, hostPort: 0 });
      expect(update(zero(2), zero(1), threeNodes).allowed).toBe(false);
      const mounts = [{ path: '/d', useHostPath: true }];
      const hostPath = (size: number) => aistore({ disable: true, size, mounts });
      expect(actions(update(hostPath(3), hostPath(1), threeNodes))).toEqual(['target-host-path-shared=deny']);
    });

    it('a changed or new value is still refused, as is any deny on CREATE', () => {
      const changed = aistore({ disable: true, size: 2, hostPort: 9999 });
      expect(update(changed, single, threeNodes).allowed).toBe(false);
      expect(update(scaled, aistore({ disable: true, size: 1 }), threeNodes).allowed).toBe(false);
      expect(run({ name: '', object: scaled }).allowed).toBe(false);
    });

    it('only a CR: a target StatefulSet keeps its ratchet by the old object (its template may change)', () => {
      const pinned = { 'kubernetes.io/hostname': 'node-1' };
      const one = targetStatefulSet({ hostPort: 51081, replicas: 1, nodeSelector: pinned });
      const two = targetStatefulSet({ hostPort: 51081, replicas: 2, nodeSelector: pinned });
      expect(run({ name: '', object: two, operation: 'UPDATE', oldObject: one }).allowed).toBe(false);
      // Unpinned, without the CR, it is what the operator renders for an admitted one-target CR's
      // scale-out (review map25): no evidence of shared nodes, so it passes.
      const unpinned = (replicas: number) => targetStatefulSet({ hostPort: 51081, replicas });
      const scale = { name: '', object: unpinned(2), operation: 'UPDATE' as const, oldObject: unpinned(1) };
      expect(run(scale).allowed).toBe(true);
    });

    // A warning reaches kubectl clipped to 256 characters: its start (rule, link) and its last 100.
    const shown = (f: { ruleId: string; doc: string; message: string; fix: string } | undefined) =>
      shortWarning(`ais-guard ${f!.ruleId} ${f!.doc}: ${f!.message} Fix: ${f!.fix}`);

    it('the CREATE of a single-target CR is warned only where its scale-out will be refused', () => {
      expect(run({ name: '', object: single }).findings).toEqual([]);
      const zero = run({ name: '', object: aistore({ disable: true, size: 1, hostPort: 0 }) });
      expect(shown(zero.findings.find((f) => f.ruleId === 'target-host-port'))).toMatch(
        /Fix: Remove hostPort now: once the CR exists it is fixed, and a scale-out would be refused\.$/,
      );
      const mounts = [{ path: '/d', useHostPath: true }];
      const hostPath = run({ name: '', object: aistore({ disable: true, size: 1, mounts }) });
      expect(shown(hostPath.findings.find((f) => f.ruleId === 'target-host-path-shared'))).toMatch(
        /Fix: Drop useHostPath now: once the CR exists it is fixed, and a scale-out would be refused\.$/,
      );
    });

    it('a refused scale-out says what would place every target, not to drop a field the operator keeps', () => {
      // A denial's message is not clipped (only warnings are).
      const ev = update(aistore({ disable: true, size: 4, hostPort: 51081 }), single, threeNodes);
      expect(ev.findings.find((f) => f.ruleId === 'target-host-port')?.fix).toBe(
        'Keep a node per target: a smaller spec.targetSpec.size, or more nodes; only a new AIStore CR changes spec.targetSpec.hostPort.',
      );
    });
  });

  it('a changed value at the same place is a new violation: denied', () => {
    const bad = targetStatefulSet({ hostPort: 51081, nodeSelector: ONE_HOST });
    const changed = structuredClone(bad);
    const ports = containersOf(changed)[0]!.ports as { hostPort: number }[];
    ports.find((p) => p.hostPort === 51081)!.hostPort = 9999;
    const ev = run({ name: '', object: changed, operation: 'UPDATE', oldObject: bad });
    expect(ev.allowed).toBe(false);
    expect(ev.findings.find((f) => f.ruleId === 'target-host-port')?.message).toMatch(/hostPort 9999/);
  });

  it('the same value at the same place still warns when the message changes with the layout (a scale-up)', () => {
    const bad = targetStatefulSet({ hostPort: 51081, replicas: 2, nodeSelector: ONE_HOST });
    const scaled = targetStatefulSet({ hostPort: 51081, replicas: 5, nodeSelector: ONE_HOST });
    const ev = run({ name: '', object: scaled, operation: 'UPDATE', oldObject: bad });
    expect(ev.allowed).toBe(true);
  });
});

// Review "lifecycle3", F1: a cluster deleted and created again under the same name with another mount
// path. Its old PVs stay (Released after cleanupMetadata, still Bound to the kept claims by default),
// pre-bound to ais-data-aistore-ais-target-N; the new StatefulSet only claims its own templates
// (operator target/volumes.go newTargetPVCs, Mount.GetPVCName), so those PVs place no target.
describe("a CR re-created with another mount path beside the old cluster's PVs", () => {
  const nvme = [{ path: '/ais/nvme0', size: '1Ti', storageClass: 'fast-nvme' }];
  const oldDisks = (host: string) =>
    [0, 1].map((i) => pv(`old-sd${i}`, { claim: claimName(i), host, path: `/ais/sd${i}` }));
  const releasedOld = () => oldDisks('node-1').map((v, i) => released(v, `gone-${i}`));
  const twoNodes = [node('node-1'), node('node-2')];

  it('the new CR (a hostPort, one target per node) is not refused for PVs of a mount it does not have', () => {
    const ev = run({
      name: '',
      object: aistore({ size: 2, hostPort: 51081, mounts: nvme }),
      context: [...twoNodes, ...releasedOld()],
    });
    expect(ev.allowed).toBe(true);
    expect(ev.multiTarget).toBe(false);
  });

  it('anti-affinity is not turned off for good for them', () => {
    const ev = run({
      name: '',
      object: aistore({ size: 2, mounts: nvme }),
      context: [...twoNodes, ...releasedOld()],
    });
    expect(ev.patch).toEqual([]);
  });

  it('with the old claims kept, the new CR on other nodes is not refused, nor a PV for its new claim', () => {
    const cr = aistore({ size: 2, disable: true, nodeSelector: { pool: 'new' }, mounts: nvme });
    const context = [
      node('node-old', { pool: 'old' }),
      node('node-a', { pool: 'new' }),
      node('node-b', { pool: 'new' }),
      ...oldDisks('node-old'),
      pvc(claimName(0)),
      pvc(claimName(1)),
    ];
    expect(run({ name: '', object: cr, context }).allowed).toBe(true);
    const newDisk = pv('nv0', {
      claim: claimName(0, 'ais', '/ais/nvme0'),
      host: 'node-a',
      path: '/mnt/nvme0',
      storageClass: 'fast-nvme',
      capacity: '1Ti',
    });
    const ev = run({ name: '', object: newDisk, context: [cr, ...context] });
    expect(ev.findings.filter((f) => f.action === 'deny')).toEqual([]);
  });

  it("PVs of the CR's own mount on one node still decide (control)", () => {
    const ev = run({
      name: '',
      object: aistore({ size: 2, hostPort: 51081 }),
      context: [...twoNodes, ...oldDisks('node-1')],
    });
    expect(ev.allowed).toBe(false);
  });
});

describe('modes', () => {
  const bad = aistore({ disable: true, hostPort: 51081, legacyDisable: true });
  it('enforce denies', () => {
    expect(run({ name: '', object: bad }).allowed).toBe(false);
  });
  it('warn allows, keeps mutations', () => {
    const ev = run({ name: '', object: bad, modes: { default: 'warn' } });
    expect(ev.allowed).toBe(true);
    expect(ev.findings.map((f) => f.action)).toEqual(['warn', 'warn']);
    expect(ev.patch.length).toBeGreaterThan(0);
  });
  it('audit allows and changes nothing', () => {
    const ev = run({ name: '', object: bad, modes: { default: 'audit' } });
    expect(ev).toMatchObject({ allowed: true, patch: [] });
    expect(ev.findings.map((f) => `${f.ruleId}:${f.action}`)).toEqual([
      'legacy-anti-affinity-field:audit',
      'target-host-port:audit',
    ]);
  });
  // Maintainer review: a rule that throws after taking the copy spoils it; no change is made, and
  // the other rules' findings must not say theirs were (warn mode admits the object as it came).
  it('a rule failing on the copy: no patch, and the other changes are said not applied', () => {
    const throwing = {
      ...RULES.find((r) => r.id === 'target-host-port')!,
      id: 'target-host-port',
      mutates: true,
      check: ({ writable }: { writable: () => unknown }) => {
        writable();
        throw new Error('boom');
      },
    } as unknown as Rule;
    const rules = [...RULES.filter((r) => r.id === 'legacy-anti-affinity-field'), throwing];
    const ev = evaluate({ operation: 'CREATE', object: bad }, EMPTY_CONTEXT, {
      rules,
      modes: { default: 'warn' },
    });
    expect(ev.patch).toEqual([]);
    expect(ev.allowed).toBe(true);
    expect(ev.findings.map((f) => [f.ruleId, f.action, f.mutation ?? false, f.message.slice(0, 40)])).toEqual(
      [
        ['legacy-anti-affinity-field', 'warn', false, 'not applied (a rule could not judge this'],
        ['target-host-port', 'warn', false, 'this rule could not judge the object (Er'],
      ],
    );
  });
  it('per-rule override', () => {
    const ev = run({
      name: '',
      object: bad,
      modes: { default: 'enforce', rules: { 'target-host-port': 'warn' } },
    });
    expect(ev.allowed).toBe(true);
  });
});

describe('the request namespace stands in for a missing metadata.namespace', () => {
  it('judges a StatefulSet-created claim by the CR of the request namespace', () => {
    const claim = pvc('ais-prod-data-aistore-ais-target-0', { labels: null });
    delete claim.metadata?.namespace;
    const context = new ClusterContext([aistore({ namespace: 'ais-prod', disable: true })]);
    const ev = evaluate({ operation: 'CREATE', object: claim, namespace: 'ais-prod' }, context);
    expect(ev.allowed).toBe(false);
  });
});

describe('a PV under review counts as it will be stored', () => {
  it('gives the same verdict whether or not the context already has it (webhook cache vs check input)', () => {
    const [sda, sdb] = oneNodeDisks();
    const cr = aistore({ hostPort: 51081 });
    const sdbMoved = { ...sdb!, spec: { ...(sdb!.spec as object), hostPath: { path: '/ais/sda' } } };
    for (const object of [sda!, sdbMoved]) {
      const asWebhook = evaluate(
        { operation: 'CREATE', object },
        new ClusterContext([cr, sda!, sdb!].filter((o) => o !== object)),
      );
      const asCheck = evaluate({ operation: 'CREATE', object }, new ClusterContext([cr, sda!, sdb!, object]));
      expect(asWebhook.findings).toEqual(asCheck.findings);
      expect(asWebhook.multiTarget).toBe(asCheck.multiTarget);
    }
  });
});

// The operator merges spec.targetSpec.labels into the target pods' labels (cmn/labels.go
// MergePodLabels, called by target/statefulset.go NewTargetSS): a user's anti-affinity term that
// selects one of those labels keeps the targets one per node, as one on the operator's labels does.
describe("a required anti-affinity on the CR's own target labels", () => {
  const onTeam = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { team: 'storage' } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    },
  };
  const withLabels = (o: Parameters<typeof aistore>[0]) => {
    const cr = aistore(o) as KubeObject & { spec: { targetSpec: Record<string, unknown> } };
    cr.spec.targetSpec.labels = { team: 'storage' };
    return cr;
  };
  const nodes = ['n1', 'n2', 'n3'].map((n) => node(n));

  it('keeps targets one per node: a hostPort with three targets on three nodes is fine', () => {
    const ev = run({
      name: '',
      object: withLabels({ size: 3, hostPort: 51081, affinity: onTeam }),
      context: nodes,
    });
    expect(ev.multiTarget).toBe(false);
    expect(ev.allowed).toBe(true);
  });

  it('with disablePodAntiAffinity, the term still selects the targets: denied', () => {
    const ev = run({
      name: '',
      object: withLabels({ size: 3, disable: true, affinity: onTeam }),
      context: nodes,
    });
    expect(ev.findings.map((f) => `${f.ruleId}:${f.action}`)).toContain('target-anti-affinity:deny');
  });
});

// The operator reads an unset spec.targetSpec.disablePodAntiAffinity as false (AllowTargetSharedNodes)
// and its webhook rejects a change to it on UPDATE (validateTargetUpdate): only a CR under review on
// CREATE can still get true from the guard. Everywhere else, unset keeps targets one per node.
describe('an unset disablePodAntiAffinity where nobody will set it keeps anti-affinity on', () => {
  const nodes = ['n1', 'n2', 'n3'].map((n) => node(n));
  const unset = (size: number) => aistore({ size, hostPort: 51081 });

  it('a scale-up past the node count with a hostPort is allowed, as with an explicit false', () => {
    for (const [grown, old] of [
      [unset(4), unset(3)],
      [
        aistore({ size: 4, hostPort: 51081, disable: false }),
        aistore({ size: 3, hostPort: 51081, disable: false }),
      ],
    ]) {
      const ev = run({ name: '', object: grown!, operation: 'UPDATE', oldObject: old, context: nodes });
      expect(ev.multiTarget).toBe(false);
      expect(ev.allowed).toBe(true);
    }
  });

  it('on CREATE the guard still turns it off for a multi-target layout', () => {
    const ev = run({ name: '', object: aistore({ size: 4 }), context: nodes });
    expect(ev.patch).toEqual([{ op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true }]);
  });

  it("a new target pod keeps the operator's anti-affinity when the stored CR keeps it on", () => {
    const pod = targetPod({ ordinal: 3, affinity: HOST_ANTI_AFFINITY() });
    const ev = run({ name: '', object: pod, context: [aistore({ size: 4 }), ...nodes] });
    expect(ev.patch).toEqual([]);
    expect(ev.findings.filter((f) => f.ruleId === 'target-anti-affinity')).toEqual([]);
  });
});
