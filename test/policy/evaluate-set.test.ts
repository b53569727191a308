// evaluateSet: the set as its own cluster; with `stored`, an object found there is the UPDATE from it.
import { describe, expect, it } from '@jest/globals';
import { evaluateSet, identityOf } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

const ids = (e: { findings: { ruleId: string; action: string }[] }) =>
  e.findings.map((f) => `${f.ruleId}=${f.action}`);

describe('evaluateSet with stored versions', () => {
  // A CR created with one target, anti-affinity off and a real hostPort, then scaled out: the
  // operator's webhook keeps hostPort as created (validateTargetUpdate), so the webhook admits
  // the scale-out with a warning (evaluate.ts fixedAtCreation). A create of the same CR is refused.
  const live = aistore({ size: 1, disable: true, hostPort: 51081 });
  const scaled = aistore({ size: 2, disable: true, hostPort: 51081 });

  it('judges an object with a stored version as the update from it, the others as creates', () => {
    const [asCreate] = evaluateSet([scaled], { nodeCount: 3 });
    expect(ids(asCreate!)).toContain('target-host-port=deny');
    const [asUpdate] = evaluateSet([scaled], { nodeCount: 3, stored: [live] });
    expect(ids(asUpdate!)).toContain('target-host-port=warn');
    expect(asUpdate!.allowed).toBe(true);
  });

  it('matches by kind, namespace and name only', () => {
    const elsewhere = { ...live, metadata: { ...live.metadata, namespace: 'other' } };
    const [e] = evaluateSet([scaled], { nodeCount: 3, stored: [elsewhere] });
    expect(ids(e!)).toContain('target-host-port=deny');
    expect(identityOf(scaled)).toBe('AIStore/ais/ais');
    expect(identityOf({ kind: 'Pod', metadata: { generateName: 'x-' } })).toBeUndefined();
  });

  it('a scale-out of a live CR is not given disablePodAntiAffinity, which the operator refuses to change on it', () => {
    const one = aistore({ size: 1 });
    const four = aistore({ size: 4 });
    const [created] = evaluateSet([four], { nodeCount: 2 });
    expect(created!.patch).not.toEqual([]);
    const [updated] = evaluateSet([four], { nodeCount: 2, stored: [one] });
    expect(updated!.patch).toEqual([]);
  });
});
