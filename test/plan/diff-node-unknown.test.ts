// plan --diff compares a PV's node only when both sides name one (src/plan/diff.ts differing). An
// existing PV whose node affinity names its node by hostname OR by a node-local driver's topology key
// has no single hostname that labels alone give (k8s.ts pvHostname: terms are ORed, and the scheduler
// may pick the node either term admits); the plan reads no Nodes, so its node is not known there, and
// a disk that is the planned one in path, class and size is no conflict.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { diffVolumes, parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

describe('plan --diff: an existing PV whose node is not known from its labels alone', () => {
  it('is no node conflict when path, class and capacity are the planned ones', () => {
    const cr = aistore({ size: 1, disable: true }) as AIStoreCR;
    const plan = planVolumes(cr, parseDiskMap({ 'node-1': [{ path: '/mnt/a', size: '10Ti' }] }));
    const existing = plan.volumes.map((v) => structuredClone(v));
    const terms = (existing[0]!.spec as { nodeAffinity: { required: { nodeSelectorTerms: unknown[] } } })
      .nodeAffinity.required.nodeSelectorTerms;
    terms.push({ matchExpressions: [{ key: 'openebs.io/nodename', operator: 'In', values: ['node-1'] }] });
    const diff = diffVolumes(plan.volumes, existing, plan.namespace, plan.crName);
    expect(diff.conflicting).toEqual([]);
    expect(diff.missing).toEqual([]);
  });
});
