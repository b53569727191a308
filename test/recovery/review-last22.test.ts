// Review "last22" (branch review-last22): 7664315's goDuration / sizeIEC (src/policy/aistore.ts
// targetTemplateInputs) against Go's time.ParseDuration and aistore v1.4.9 cmn/cos/size.go ParseSize.
// Whether an AIStore UPDATE re-creates the target pods is decided by operator v3.4.0
// internal/controller/aistore/common.go shouldUpdatePodTemplate on the rendered templates.
import { describe, expect, it } from '@jest/globals';
import { rollsTargets, type AIStoreCR } from '../../src/policy/aistore.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';
import { changed } from '../support/sides.js';

const rolls = (stored: KubeObject, next: KubeObject) => rollsTargets(stored as AIStoreCR, next as AIStoreCR);

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
    expect(rolls(CR, changed(CR, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '2.01s')))).toBe(
      false,
    ));
  it('rollsTargets: idle_conn_time 1ns -> 1.5ns (Go truncates the fraction)', () => {
    const one = changed(CR, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '1ns'));
    expect(rolls(one, changed(one, (c) => (c.spec.configToUpdate.net.http.idle_conn_time = '1.5ns')))).toBe(
      false,
    );
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
    expect(rolls(CR, changed(CR, (c) => (c.spec.configToUpdate.log.max_total = '')))).toBe(false));
});
