// Review spare3 (of da8de2b): the nesting logic, both orders, PVs pinned to several nodes.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, pv, released } from '../../../test/support/builders.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';

const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });
const denies = (object: KubeObject, context: KubeObject[]) =>
  evaluate({ operation: 'CREATE', object }, new ClusterContext(context)).findings.filter(
    (f) => f.ruleId === 'pv-target-binding' && f.severity === 'deny',
  );
type Pv = KubeObject & { spec: Record<string, unknown> };
const free = (volume: KubeObject): KubeObject => {
  const copy = structuredClone(volume) as Pv;
  delete copy.spec.claimRef;
  return copy;
};

describe('pv-target-binding: a PV of no target pinned to several nodes, on the very path (review "spare3")', () => {
  // A free spare pinned to node-1 and node-2 on /ais/sda, the target PV on node-1:/ais/sda.
  const spare = free(pv('spare', { claim: 'x', host: ['node-1', 'node-2'], path: '/ais/sda' }));
  const target = pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' });

  it('spare made after the target PV: denied (recognise.ts spareOnTargetDisk, checkSpare)', () => {
    expect(denies(spare, [cr, target]).length).toBeGreaterThan(0);
  });

  // Before da8de2b onDisk fell through to the nesting clause (pathsNest(p, p) is true) for a PV of no
  // target on the very path, whatever its pins; now the very path returns pvHostname(other) === host,
  // undefined for a PV pinned to two nodes, so it is not seen.
  it('target PV made after the spare: denied too (checkDiskTaken)', () => {
    expect(denies(target, [cr, spare]).length).toBeGreaterThan(0);
  });

  it('the same spare on a path holding the disk (/ais) is denied in that order (control)', () => {
    const parent = free(pv('spare', { claim: 'x', host: ['node-1', 'node-2'], path: '/ais' }));
    expect(denies(target, [cr, parent]).length).toBeGreaterThan(0);
  });
});

// Noted by the same review, older than da8de2b: a Released PV of no target on a target PV's disk
// (its claim gone, held by that claim's uid) was refused on its own update as "pre-bound to claim
// … two claims would write one disk", while the target PV's review only warned of it.
describe("pv-target-binding: a Released PV of no target on a target PV's disk", () => {
  it('is warned of, in either order, and not said to be pre-bound', () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const scratch = released(pv('scratch', { claim: 'scratch', claimNamespace: 'debug', path: '/ais/sda' }));
    for (const [object, context] of [
      [scratch, [cr, target]],
      [target, [cr, scratch]],
    ] as const) {
      const findings = evaluate(
        { operation: 'UPDATE', object, oldObject: object },
        new ClusterContext([...context]),
      ).findings.filter((f) => f.ruleId === 'pv-target-binding');
      expect(findings.map((f) => f.severity)).toEqual(['warn']);
      expect(findings[0]?.message).toMatch(/held by the uid of its deleted claim/);
      expect(findings[0]?.message).not.toMatch(/two claims/);
    }
  });
});
