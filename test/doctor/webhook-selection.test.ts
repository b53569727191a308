// doctor notices webhook entries that no longer send the guard what it judges: narrowed rules, an
// objectSelector, Fail entries whose matchConditions an older apiserver dropped (outside review "install").
import { describe, expect, it } from '@jest/globals';
import { runChecks } from '../../src/doctor/index.js';
import { entry, expectedFor, healthySnapshot, makeCerts, NOW } from './support.js';

describe('doctor notices webhook entries that no longer send what the guard judges', () => {
  const certs = makeCerts();
  const notOk = async (edit: (s: Awaited<ReturnType<typeof healthySnapshot>>) => void) => {
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    edit(snapshot);
    return runChecks(snapshot, expected, NOW).filter((r) => r.status !== 'ok');
  };

  it("storage.validate narrowed to CREATE (the operator's StatefulSet updates go unjudged)", async () => {
    const found = await notOk((s) => {
      for (const r of entry(s, 'storage.validate.ais-guard.io').rules ?? []) r.operations = ['CREATE'];
    });
    expect(found).not.toEqual([]);
  });

  it('Fail entries without their matchConditions (apiserver < 1.28, or gate off, drops them): doctor only warns', async () => {
    // Without matchConditions, volumes.validate (Fail) takes every PV CREATE in the cluster, the
    // dynamically provisioned ones included, and storage.validate (Fail) every StatefulSet and claim
    // outside kube-system: a guard that is down then blocks all provisioning and every StatefulSet.
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    for (const name of ['storage.validate.ais-guard.io', 'volumes.validate.ais-guard.io'])
      delete (entry(snapshot, name) as { matchConditions?: unknown }).matchConditions;
    const statuses = runChecks(snapshot, expected, NOW).map((r) => r.status);
    expect(statuses).toContain('fail');
  });

  it('aistores.validate given an objectSelector no AIStore CR carries', async () => {
    const found = await notOk((s) => {
      entry(s, 'aistores.validate.ais-guard.io').objectSelector = {
        matchLabels: { 'ais-guard.io/enforce': 'true' },
      };
    });
    expect(found).not.toEqual([]);
  });
});
