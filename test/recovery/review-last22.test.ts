// Review "last22" (branch review-last22): 7664315's goDuration / sizeIEC (src/policy/aistore.ts
// targetTemplateInputs) against Go's time.ParseDuration and aistore v1.4.9 cmn/cos/size.go ParseSize.
// Whether an AIStore UPDATE re-creates the target pods is decided by operator v3.4.0
// internal/controller/aistore/common.go shouldUpdatePodTemplate on the rendered templates.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';
import { admit } from '../vap/support/vap-eval.js';
import { changed } from '../support/sides.js';
import { AISTORE_VAP, rolls } from '../support/rollout.js';

describe('over-detection: goDuration sums floats, Go sums integer nanoseconds', () => {
  // DEFECT (false rollout, edge). The restart hash (operator internal/resources/aistore/cmn/config.go
  // HashRestartConfigs) hashes idle_conn_time after aistore cos.Duration.UnmarshalJSON ->
  // time.ParseDuration, which works in integer nanoseconds: "2.01s" and "2010ms" are both
  // 2010000000ns (checked with go1 time.ParseDuration on this machine), and it truncates a
  // sub-nanosecond fraction ("1.5ns" = 1ns). goDuration computes Number("2.01") * 1e9 =
  // 2009999999.9999998 and keeps "1.5ns" as 1.5, so the same duration respelled "hashes" differently
  // and the guard counts a rollout the operator does not make (a needless deny of a layout change that
  // only rides a rollout). Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.configToUpdate = { net: { http: { idle_conn_time: '2010ms' } } };
  });
  it('rollsTargets: idle_conn_time 2010ms -> 2.01s', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '2.01s')),
      ),
    ).toBe(false));
  it('rollsTargets: idle_conn_time 1ns -> 1.5ns (Go truncates the fraction)', () => {
    const one = changed(CR, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '1ns'));
    expect(
      rolls(
        one,
        changed(one, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '1.5ns')),
      ),
    ).toBe(false);
  });
});

describe('over-detection: max_total "" is 0 bytes, like "0"', () => {
  // DEFECT (false rollout, edge). aistore v1.4.9 cmn/cos/size.go ParseSize returns (0, nil) for "",
  // so SizeIEC.UnmarshalJSON (operator api/aistore/v1beta1/util_types.go) makes MaxLogTotal a non-nil
  // pointer to 0, and cmn/statefulset.go NewResourceReq requests 0 + 16MiB + misc: the same as for
  // "0" or "0B". sizeIEC("") returns the string "" (its digits regex fails), sizeIEC("0") returns 0,
  // so the engine sees a changed ephemeral-storage request. Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.configToUpdate = { log: { max_total: '0' } };
  });
  it('rollsTargets: max_total "0" -> ""', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.configToUpdate.log.max_total = '')),
      ),
    ).toBe(false));
});

describe('VAP over-detection: spec.stateStorageClass is ignored while spec.stateStorage is set', () => {
  // DEFECT (false allow in the VAP). 7664315 adds ['stateStorageClass'] to ROLLING_FIELDS, which the
  // VAP's rollsTargets CEL (src/vap/policies.ts) compares raw. The operator reads the field only when
  // spec.stateStorage is nil: api/aistore/v1beta1/aistore_types.go StateStoragePVCStorageClass returns
  // stateStorage.pvc's class (or nil) whenever StateStorage != nil, StateStorageHostPathPrefix
  // likewise; the state volume and mount (internal/resources/aistore/cmn/volumes.go
  // NewAISVolumeMounts, target/volumes.go newTargetPVCs) come from those two only. The operator's own
  // webhook warns "spec.stateStorage is set; ignoring legacy hostpathPrefix and stateStorageClass
  // fields" (aistore_validation.go validateStateStorage), inviting the user to delete the legacy
  // field. Deleting it renders the same target template: no rollout. The webhook gets this right
  // (rollsTargets false); the VAP takes it for a rollout, so a Pod-DNS switch + scale-out that rides
  // the deletion is admitted by the VAP although the live targets keep their host-port pods
  // (target-host-port: "duplicate IPs"). Expected: the VAP denies it, as the webhook does.
  const LIVE = changed(
    aistore({ size: 1, disable: true, hostPort: 0, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    (c) => {
      c.spec.stateStorage = { hostPath: { prefix: '/etc/ais' } };
      c.spec.stateStorageClass = 'local-path';
      delete c.spec.hostpathPrefix;
    },
  );
  const next = changed(LIVE, (c) => {
    c.spec.targetSpec.size = 2;
    c.spec.publicNetDNSMode = 'Pod';
    delete c.spec.stateStorageClass;
  });
  const vapRules = (oldObject: KubeObject, object: KubeObject) =>
    AISTORE_VAP.flatMap((p) => admit(p, { operation: 'UPDATE', object, oldObject }).failures).map(
      (f: any) => f.rule,
    );
  it('webhook: no rollout (control)', () => expect(rolls(LIVE, next)).toBe(false));
  it('VAP control: the same switch with the field kept is denied', () =>
    expect(
      vapRules(
        LIVE,
        changed(next, (c) => (c.spec.stateStorageClass = 'local-path')),
      ),
    ).toContain('target-host-port'));
  it('VAP: the switch riding the ignored field is denied (target-host-port)', () =>
    expect(vapRules(LIVE, next)).toContain('target-host-port'));
});
