// The answer bytes of each bench case (bench/reviews.mjs), pinned: B2 in `npm run bench` answers these
// bytes, so a change made for speed must leave them as they are (the performance work of issue 17
// checks every change against them). Through the app's own handler, as `serve` answers.
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp } from '../support/app.js';

interface BenchCase {
  id: string;
  path: string;
  text: string;
}

/** What each case is answered, as the build of 2026-12-04 (60658f5) answered it, with its warnings whole
 * since 2026-12-05 (they fit the answer's share of the warning budget: src/server/admission.ts). */
const ANSWERS: Record<string, string> = {
  'validate-target-pod':
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"8a3e2b1c-7d4f-4e5a-9b6c-0d1e2f3a4b5c","allowed":true,"warnings":["ais-guard target-disk-binding https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md#target-disk-binding: no PV is known for the claims of target pod ais-target-1 (ais-data-aistore-ais-target-1) in a multi-target layout (nodeSelector pins every target to storage-node-01): the guard does not guess its node. Fix: Create one PV per (target, mount) with claimRef to the target claim."],"auditAnnotations":{"findings":"target-disk-binding=warn","layout":"multi-target: nodeSelector pins every target to storage-node-01"}}}',
  'mutate-aistore-patch':
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"8a3e2b1c-7d4f-4e5a-9b6c-0d1e2f3a4b5c","allowed":true,"patchType":"JSONPatch","patch":"W3sib3AiOiJhZGQiLCJwYXRoIjoiL3NwZWMvdGFyZ2V0U3BlYy9kaXNhYmxlUG9kQW50aUFmZmluaXR5IiwidmFsdWUiOnRydWV9XQ==","warnings":["ais-guard anti-affinity-not-disabled https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md#anti-affinity-not-disabled: multi-target layout (nodeSelector pins every target to storage-node-01), but target anti-affinity was on: every target after the first on a node would stay Pending (\\"node(s) didn\'t match pod anti-affinity rules\\"); set spec.targetSpec.disablePodAntiAffinity: true. Fix: Write spec.targetSpec.disablePodAntiAffinity: true in your manifest."],"auditAnnotations":{"findings":"anti-affinity-not-disabled=warn","layout":"multi-target: nodeSelector pins every target to storage-node-01"}}}',
  'validate-other-pod':
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"8a3e2b1c-7d4f-4e5a-9b6c-0d1e2f3a4b5c","allowed":true}}',
  'validate-target-pvc':
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"8a3e2b1c-7d4f-4e5a-9b6c-0d1e2f3a4b5c","allowed":true}}',
};

// A path held in a variable: the bench's module is plain JavaScript, loaded as it is.
const REVIEWS = '../../bench/reviews.mjs';
const { CASES } = (await import(REVIEWS)) as { CASES: BenchCase[] };

describe('the bench cases are answered with the pinned bytes', () => {
  it('covers every case', () => {
    expect(CASES.map((c) => c.id).sort()).toEqual(Object.keys(ANSWERS).sort());
  });

  it.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const { app } = testApp();
    const res = await request(app).post(c.path).set('content-type', 'application/json').send(c.text);
    expect(res.status).toBe(200);
    expect(res.text).toBe(ANSWERS[c.id]);
  });
});
