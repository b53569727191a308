/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: objects patched field by field */
// Outside review "fresh20x": the fix that counts spec.publicNetDNSMode Pod on an UPDATE only when the
// stored CR was in Pod mode and the cached target StatefulSet renders it (rules/target-host-port.ts
// podDnsNames), against the v3.4.0 operator.
import { describe, expect, it } from '@jest/globals';
import { aistore, node, targetStatefulSet } from '../support/builders.js';
import { changed, judgeUpdate, messages, SIDES } from '../support/sides.js';
import { admissionPolicies } from '../../src/vap/index.js';
import { admit } from '../vap/support/vap-eval.js';

const NODES3 = [node('node-1'), node('node-2'), node('node-3')];

/** A live one-target CR, anti-affinity off, hostPort 0, pinned to node-1, created in DNS mode IP. */
const LIVE_IP = aistore({
  size: 1,
  disable: true,
  hostPort: 0,
  nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
});
/** What the operator rendered for it and still runs: AIS_PUBLIC_HOSTNAME from the node, no Pod mode. */
const STS_IP = targetStatefulSet({
  replicas: 1,
  publicHostnameFrom: 'status.hostIP',
  nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
});

describe.each(SIDES)(
  'review fresh20x: a switch to Pod mode that the same update rolls out (%s)',
  (_side, side) => {
    // MEDIUM (false deny). The premise of podDnsNames is that the operator rolls no init-container env
    // change out. True for an env change alone (internal/controller/aistore/common.go
    // initContainerChecks = {securityContext: true}). But once anything else in the template rolls the
    // targets, e.g. a new spec.nodeImage (shouldUpdateContainerSpec compares Image for every container),
    // syncTargetPodSpec -> syncPodTemplate -> syncContainers/syncContainer replaces each container
    // WHOLE with the desired one (`*current = *desired`), init containers included: the patched
    // template carries AIS_PUBLIC_DNS_MODE=Pod (cmn/env.go CommonInitEnv). And the operator applies that
    // template before it scales: target_controllers.go handleTargetState runs syncTargetPodSpec when
    // `rolloutNeeded && !scaling`, then requeues; "Apply scaling (blocked by rollout in progress)" waits
    // until the rollout is done, so the new target-1 is made from the Pod-mode template and target-0
    // was rolled to it first: no two targets advertise node-1's address.
    // A user who applies one manifest with the upgrade, publicNetDNSMode: Pod and size 2 (GitOps: one
    // commit) is refused by target-host-port ("duplicate IPs"), with the fix "leave spec.nodeImage,
    // spec.publicNetDNSMode, spec.targetSpec.size as stored, or make a new AIStore CR".
    // Expected: an UPDATE whose own change rolls the target pods (a new nodeImage / initImage) counts
    // the CR's new publicNetDNSMode, as on CREATE: admitted.
    const next = changed(LIVE_IP, (c) => {
      c.spec.nodeImage = 'aistorage/aisnode:v3.31';
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.targetSpec.size = 2;
    });

    it('upgrade + publicNetDNSMode Pod + scale-out in one update is admitted', () => {
      const ev = judgeUpdate(side, LIVE_IP, next, [...NODES3, STS_IP]);
      expect(messages(ev).join('\n')).not.toMatch(/target-host-port deny/); // got the duplicate-IPs deny
      expect(ev.allowed).toBe(true);
    });

    // The same when the mode was switched earlier (stored Pod, not rolled out, the StatefulSet still
    // names targets by the node) and the upgrade comes with the scale-out: the upgrade's rollout
    // carries the stored Pod mode before the scale-out happens.
    it('stored Pod mode not yet rolled out: upgrade + scale-out in one update is admitted', () => {
      const stored = changed(LIVE_IP, (c) => (c.spec.publicNetDNSMode = 'Pod'));
      const upgraded = changed(stored, (c) => {
        c.spec.nodeImage = 'aistorage/aisnode:v3.31';
        c.spec.targetSpec.size = 2;
      });
      const ev = judgeUpdate(side, stored, upgraded, [...NODES3, STS_IP]);
      expect(messages(ev).join('\n')).not.toMatch(/target-host-port deny/);
      expect(ev.allowed).toBe(true);
    });
  },
);

// The VAP twin (src/vap/policies.ts podDnsNames) refuses the same one-manifest upgrade: on UPDATE it
// counts Pod only when oldObject was in it, although it sees spec.nodeImage change in the request
// (the rollout that carries the mode). Expected: admitted there too.
describe('review fresh20x: a switch to Pod mode that the same update rolls out (VAP)', () => {
  it('the AIStore VAP admits upgrade + publicNetDNSMode Pod + scale-out', () => {
    const policies = admissionPolicies().filter(
      (o: any) =>
        o.kind === 'ValidatingAdmissionPolicy' &&
        o.spec.matchConstraints.resourceRules[0].resources.includes('aistores'),
    );
    expect(policies).toHaveLength(1);
    const next = changed(LIVE_IP, (c) => {
      c.spec.nodeImage = 'aistorage/aisnode:v3.31';
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.targetSpec.size = 2;
    });
    const failures = policies.flatMap(
      (p) => admit(p, { operation: 'UPDATE', object: next, oldObject: LIVE_IP }).failures,
    );
    expect(failures.map((f) => f.rule)).not.toContain('target-host-port');
  });
});

// Held (passes; kept as a guard of what was checked): the same scale-out without anything that rolls
// the template stays refused (the fresh20p defect), so the case above is the rollout alone.
describe('review fresh20x: held', () => {
  it('publicNetDNSMode Pod + scale-out without a rollout is refused', () => {
    const next = changed(LIVE_IP, (c) => {
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.targetSpec.size = 2;
    });
    const ev = judgeUpdate((o) => o, LIVE_IP, next, [...NODES3, STS_IP]);
    expect(messages(ev).join('\n')).toMatch(/target-host-port deny/);
  });
});
