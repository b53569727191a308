// Review map25: the target StatefulSet policy takes a nodeSelector pinning one hostname as "multi-target"
// (src/vap/policies.ts STATEFULSET multiTarget: replicas > 1 && (!guardedAntiAffinity || pinsOneHost)),
// but the AIStore policy admits a CR that pins its targets to one host while keeping anti-affinity
// on in so many words (spec.targetSpec.disablePodAntiAffinity: false; antiAffinityKept: "an explicit
// false is left alone", docs/map.md "not `false` in so many words", docs/rules.md). The operator then
// renders exactly that CR into its target StatefulSet: the CR's nodeSelector, the default required
// hostname anti-affinity on SelectorLabels (operator internal/resources/aistore/target/statefulset.go
// NewTargetSS / targetPodSpec: `Affinity: createTargetAffinity(ais, SelectorLabels(ais))`,
// `NodeSelector: ais.Spec.TargetSpec.NodeSelector`; cmn/res.go CreateAISAffinity adds
// createPodAntiAffinity when the CR sets no podAntiAffinity), with replicas = the CR's size
// (target_controllers.go initTargets: NewTargetSS(ais, ais.GetTargetSize()), created in one go).
//
// Defect: the VAP denies that StatefulSet (target-anti-affinity; with a hostPort also target-host-port),
// although the AIStore VAP and the webhook admitted its CR and the webhook, which judges the
// StatefulSet against its cached CR (layout.ts targetSetView -> viewFromCR, antiAffinityKept), admits
// it. Impact: with `render --vap` bound, an AIStore CR the policies themselves accepted never gets a
// single target (not even target-0, which would run): the operator's StatefulSet create fails on
// every reconcile, and the denial's advice ("set disablePodAntiAffinity: true on the AIStore CR") is a
// targetSpec change the operator's own webhook refuses on a live CR (aistore_webhook.go
// validateTargetUpdate). Expected: the policies never deny the operator's rendering of a CR they
// admit; i.e. either the AIStore policy refuses the CR up front, or the StatefulSet policy lets it pass
// as the webhook does.
import { describe, expect, it } from '@jest/globals';
import { admissionPolicies } from '../../src/vap/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, HOST_ANTI_AFFINITY, run, targetPod, targetStatefulSet } from '../support/builders.js';
import type { AgreementCase } from './cases.js';
import { admit } from './support/vap-eval.js';

const VAPS = admissionPolicies().filter((o) => o.kind === 'ValidatingAdmissionPolicy');
const PINNED = { 'kubernetes.io/hostname': 'node-1' };

const vapDenials = (object: KubeObject) =>
  VAPS.map((p) => admit(p, { operation: 'CREATE', object })).flatMap((v) => [
    ...v.failures.map((f) => f.rule),
    ...v.errors,
  ]);
const engineDenials = (object: KubeObject, context: KubeObject[] = []) =>
  run({ name: 'map25', object, context })
    .findings.filter((f) => f.action === 'deny')
    .map((f) => f.ruleId);

describe('review map25: the StatefulSet of a CR the policies admitted (pinned, anti-affinity explicitly kept)', () => {
  it.each([
    ['no hostPort', undefined],
    ['hostPort 51081', 51081],
  ])('%s: the CR is admitted, so its operator-rendered StatefulSet must be too', (_n, hostPort) => {
    const cr = aistore({ nodeSelector: PINNED, size: 3, disable: false, hostPort });
    // What the operator renders from it (NewTargetSS): pinned, default target anti-affinity, 3 replicas.
    const sts = targetStatefulSet({
      nodeSelector: PINNED,
      affinity: HOST_ANTI_AFFINITY(),
      replicas: 3,
      hostPort,
    });

    // Both the AIStore policy and the webhook admit the CR (the explicit false is left alone).
    expect(vapDenials(cr)).toEqual([]);
    expect(engineDenials(cr)).toEqual([]);
    // The webhook, with the CR in its cache, admits the StatefulSet.
    expect(engineDenials(sts, [cr])).toEqual([]);
    // The policy should too: it denies it (target-anti-affinity, and target-host-port with a hostPort).
    expect(vapDenials(sts)).toEqual([]);
  });
});

// The same, reached by the commonest path: a one-target CR pinned to one host (a one-node cluster)
// keeps anti-affinity on (neither the webhook nor the MAP sets disablePodAntiAffinity for one
// target), and is scaled to 2. The AIStore policy and the webhook admit the update (anti-affinity left
// unset on UPDATE stays on: antiAffinityKept; the webhook warns targets-exceed-nodes); the operator
// patches the StatefulSet's replicas 1 -> 2 (internal/client/api.go UpdateStatefulSetReplicas), which
// the webhook admits and the StatefulSet policy denies (target-anti-affinity): the operator's
// reconcile fails there on every pass instead of leaving target-1 Pending as the webhook does.
describe('review map25: the scale-out of a one-target CR pinned to one host', () => {
  it("the CR update is admitted, so the operator's StatefulSet scale is too", () => {
    const cr1 = aistore({ size: 1, nodeSelector: PINNED });
    const cr2 = aistore({ size: 2, nodeSelector: PINNED });
    const admitted = (c: AgreementCase) =>
      VAPS.map((p) => admit(p, c)).flatMap((v) => [...v.failures.map((f) => f.rule), ...v.errors]);
    expect(admitted({ name: 'cr', operation: 'CREATE', object: cr1 })).toEqual([]);
    const crScale: AgreementCase = { name: 'cr', operation: 'UPDATE', object: cr2, oldObject: cr1 };
    expect(admitted(crScale)).toEqual([]);
    expect(engineDenials(cr2, [])).toEqual([]);

    const sts = (replicas: number) =>
      targetStatefulSet({ replicas, nodeSelector: PINNED, affinity: HOST_ANTI_AFFINITY() });
    const stsScale: AgreementCase = { name: 'sts', operation: 'UPDATE', object: sts(2), oldObject: sts(1) };
    expect(
      run({ ...stsScale, context: [cr2] })
        .findings.filter((f) => f.action === 'deny')
        .map((f) => f.ruleId),
    ).toEqual([]);
    expect(admitted(stsScale)).toEqual([]); // received: target-anti-affinity
  });
});

// Review map25: a scale-out the AIStore policy admits on purpose, then blocks at the StatefulSet.
// A one-target CR with disablePodAntiAffinity: true and a real hostPort (or hostNetwork) is admitted
// (one target shares no node), and so is its scale-out: the `fixed` clause of the AIStore policy
// (src/vap/policies.ts keptApart('hostPort', HOST_PORTS_APART)) passes an UPDATE that keeps the
// fixed field as stored when a host port keeps the targets one per node, "so a refusal would only
// block the scale-out for good" (docs/vap.md, Ratcheting). The operator then scales the StatefulSet
// with a merge patch of spec.replicas on the main resource (operator internal/client/api.go
// UpdateStatefulSetReplicas, called by internal/controller/aistore/target_controllers.go), an UPDATE
// the StatefulSet policy sees: old replicas 1 (not multi-target, so nothing to ratchet), new 2 with no
// target anti-affinity (the operator renders none with disablePodAntiAffinity: target/statefulset.go
// createTargetAffinity returns the CR's own affinity) -> target-host-port (target-host-network) denied.
// The StatefulSet controller's pod target-1 is denied as well.
//
// The webhook, with the CR cached, only warns on both (evaluate.ts fixedAtCreation and
// renderedFromStoredCR). Impact: with `render --vap` bound, the scale-out the CR update was admitted
// for never happens: the operator's replicas patch fails on every reconcile, the CR says size 2, one
// target runs, and nothing in the CR's admission said so. Expected: the StatefulSet's scale (and its
// pod) pass as the webhook lets them, or the CR's scale-out is refused up front.
describe('review map25: the scale-out of a one-target CR with a host port', () => {
  const podOfSet = (o: Parameters<typeof targetPod>[0]) => {
    const pod = targetPod(o);
    pod.metadata!.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ais-target', uid: 'sts-uid', controller: true },
    ];
    return pod;
  };
  const vap = (c: AgreementCase) =>
    VAPS.map((p) => admit(p, c)).flatMap((v) => [...v.failures.map((f) => f.rule), ...v.errors]);
  const webhook = (c: AgreementCase, context: KubeObject[]) =>
    run({ ...c, context })
      .findings.filter((f) => f.action === 'deny')
      .map((f) => f.ruleId);

  it.each([
    ['hostPort 51081', { hostPort: 51081 }],
    ['hostNetwork', { hostNetwork: true }],
  ])("%s: the CR scale-out is admitted, so the operator's StatefulSet scale is too", (_n, ports) => {
    const cr1 = aistore({ size: 1, disable: true, ...ports });
    const cr2 = aistore({ size: 2, disable: true, ...ports });
    const crCreate: AgreementCase = { name: 'cr', operation: 'CREATE', object: cr1 };
    const crScale: AgreementCase = { name: 'cr', operation: 'UPDATE', object: cr2, oldObject: cr1 };
    expect(vap(crCreate)).toEqual([]);
    expect(vap(crScale)).toEqual([]);
    expect(webhook(crScale, [])).toEqual([]);

    const sts1 = targetStatefulSet({ replicas: 1, ...ports });
    const sts2 = targetStatefulSet({ replicas: 2, ...ports });
    const stsScale: AgreementCase = { name: 'sts', operation: 'UPDATE', object: sts2, oldObject: sts1 };
    const pod1: AgreementCase = {
      name: 'pod',
      operation: 'CREATE',
      object: podOfSet({ ordinal: 1, ...ports }),
    };
    expect(webhook(stsScale, [cr2])).toEqual([]); // a warning only
    expect(webhook(pod1, [cr2, sts2])).toEqual([]); // a warning only

    expect(vap(stsScale)).toEqual([]); // received: target-host-port / target-host-network
    expect(vap(pod1)).toEqual([]); // received: target-host-port / target-host-network
  });
});

// Review map25: the only target of a one-target CR is denied by the pod policy.
// A CR of size 1 with disablePodAntiAffinity: true and a hostPort (or hostNetwork) is admitted by the
// AIStore policy and the webhook (one target shares no node: atMostOneTarget), and so is its
// StatefulSet (replicas 1). The operator renders no anti-affinity for it (target/statefulset.go
// createTargetAffinity: AllowTargetSharedNodes -> the CR's own affinity, here none) and the CR's hostPort
// on the target container (cmn/res.go NewDaemonPorts; hostNetwork: targetPodSpec HostNetwork). The
// StatefulSet controller then creates pod <cr>-target-0 (owned by the StatefulSet), and the pod policy
// denies it: its multiTarget fact is `!guardedAntiAffinity || (pinsOneHost && laterOrdinal)`, so a pod
// without target anti-affinity counts as multi-target whatever its ordinal, although docs/vap.md says
// "A target Pod: the same with its own labels, 'more than one' meaning an ordinal >= 1".
// The webhook, judging the pod against its cached CR (one target), admits it.
// Impact: with `render --vap` bound, such an AIStore never gets its one target (FailedCreate on every
// StatefulSet sync), with nothing at the CR's or the StatefulSet's admission saying so. Expected: pod
// target-0 admitted, as the webhook does (an ordinal-0 pod alone cannot show a second target).
describe('review map25: target-0 of a one-target CR with anti-affinity off and a host port', () => {
  it.each([
    ['hostPort 51081', { hostPort: 51081 }],
    ['hostNetwork', { hostNetwork: true }],
  ])('%s: CR, StatefulSet and pod target-0 are all admitted', (_n, ports) => {
    const vap = (c: AgreementCase) =>
      VAPS.map((p) => admit(p, c)).flatMap((v) => [...v.failures.map((f) => f.rule), ...v.errors]);
    const cr = aistore({ size: 1, disable: true, ...ports });
    const sts = targetStatefulSet({ replicas: 1, ...ports });
    const pod = targetPod({ ordinal: 0, ...ports });
    pod.metadata!.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ais-target', uid: 'sts-uid', controller: true },
    ];
    const create = (object: KubeObject): AgreementCase => ({ name: 'map25', operation: 'CREATE', object });

    expect(vap(create(cr))).toEqual([]);
    expect(engineDenials(cr)).toEqual([]);
    expect(vap(create(sts))).toEqual([]);
    expect(engineDenials(sts, [cr])).toEqual([]);
    expect(engineDenials(pod, [cr, sts])).toEqual([]);
    expect(vap(create(pod))).toEqual([]); // received: target-host-port / target-host-network
  });
});
