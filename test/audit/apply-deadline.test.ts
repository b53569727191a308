// `audit --apply` runs unattended (the CronJob of deploy/audit): an apiserver that takes one report's
// server-side apply and never answers it must cost that report, not the run. client-node's
// KubernetesObjectApi has no timeout of its own; src/audit/apply.ts applyReports gives each request
// a deadline (src/k8s/deadline.ts).
import { afterEach, describe, expect, it } from '@jest/globals';
import { applyReports } from '../../src/audit/apply.js';
import { within } from '../../src/k8s/deadline.js';
import { stuckDeadline } from '../support/stuck-deadline.js';
import { FakeCluster } from './support/fake-cluster.js';

const report = (namespace: string) => ({
  apiVersion: 'wgpolicyk8s.io/v1alpha2',
  kind: 'PolicyReport',
  metadata: { name: 'ais-guard', namespace },
  results: [],
});

let fake: FakeCluster | undefined;
afterEach(async () => fake?.close());

describe('applyReports against an apiserver that does not answer', () => {
  it('gives up the unanswered report at its deadline, says so, and still applies the others', async () => {
    fake = await FakeCluster.start([]);
    fake.policyReportCrd = true;
    fake.unanswered.push('/apis/wgpolicyk8s.io/v1alpha2/namespaces/stuck/');
    // The stuck request's deadline passes when the fake has taken it and left it unanswered; the
    // others' is a minute away. A 0.2 s clock raced the answered report on a busy CI machine and lost.
    const { when, taken } = stuckDeadline(200, (url) => url.pathname.includes('/namespaces/stuck/'));
    fake.onUnanswered = taken;
    const outcomes = await applyReports(fake.kubeConfig(), [report('stuck'), report('ais')], when);
    expect(outcomes.map((o) => o.name)).toEqual([
      'PolicyReport stuck/ais-guard',
      'PolicyReport ais/ais-guard',
    ]);
    expect(String((outcomes[0]!.error as Error).message)).toBe('no answer within 0.2 s');
    expect(outcomes[1]!.error).toBeUndefined();
    expect(fake.applied.map((a) => a.body.metadata?.namespace)).toEqual(['ais']);
  });

  it('gives up on the clock when even the discovery of the report kind is not answered', async () => {
    fake = await FakeCluster.start([]);
    fake.policyReportCrd = true;
    fake.unanswered.push('/apis/wgpolicyk8s.io/v1alpha2');
    const outcomes = await applyReports(fake.kubeConfig(), [report('ais')], within(200));
    expect(String((outcomes[0]!.error as Error).message)).toBe('no answer within 0.2 s');
    expect(fake.applied).toEqual([]);
  });
});
