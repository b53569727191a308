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
import { aistore, HOST_ANTI_AFFINITY, run, targetStatefulSet } from '../support/builders.js';
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
