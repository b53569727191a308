// evaluateSet: the set as its own cluster; with `stored`, an object found there is the UPDATE from it.
import { describe, expect, it } from '@jest/globals';
import {
  ClusterContext,
  evaluate,
  evaluateSet,
  identityOf,
  type Evaluation,
  type KubeObject,
} from '../../src/policy/index.js';
import { aistore, node, pv } from '../support/builders.js';

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

  it('matches by group, kind, namespace and name only', () => {
    const elsewhere = { ...live, metadata: { ...live.metadata, namespace: 'other' } };
    const [e] = evaluateSet([scaled], { nodeCount: 3, stored: [elsewhere] });
    expect(ids(e!)).toContain('target-host-port=deny');
    expect(identityOf(scaled)).toBe('ais.nvidia.com/AIStore/ais/ais');
    expect(identityOf({ kind: 'Pod', metadata: { generateName: 'x-' } })).toBeUndefined();
    // An outside attack (fx53): a core Service and a Knative one of one name were "given twice", and a
    // PV with a stray namespace was another object than itself without it (the apiserver drops it).
    const service = (apiVersion: string) => ({
      apiVersion,
      kind: 'Service',
      metadata: { name: 'web', namespace: 'ais' },
    });
    expect(identityOf(service('v1'))).not.toBe(identityOf(service('serving.knative.dev/v1')));
    const volume = (metadata: object) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv', ...metadata },
    });
    expect(identityOf(volume({ namespace: 'ais' }))).toBe(identityOf(volume({})));
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

// audit: a live CR is judged as the update from itself, unratcheted (evaluate's asStored).
describe('evaluateSet of live objects (audit)', () => {
  const nodes = [node('node-1'), node('node-2'), node('node-3')];
  const findingsOf = (cr: KubeObject, more: KubeObject[] = []) =>
    evaluateSet([cr, ...nodes, ...more], { live: true })[0]!.findings;

  it('a hostPort the operator keeps as created: a warning with a fix a live CR can take', () => {
    const [f] = findingsOf(aistore({ size: 2, disable: true, hostPort: 51081 }));
    expect([f?.ruleId, f?.action, f?.fix]).toEqual([
      'target-host-port',
      'warn',
      'Only a new AIStore CR can change spec.targetSpec.hostPort: until then, one target per node.',
    ]);
  });

  it('a fail when its layout puts two targets on one node, not excused as "already so"', () => {
    const [f] = findingsOf(aistore({ size: 4, disable: true, hostPort: 51081 }));
    expect([f?.ruleId, f?.action]).toEqual(['target-host-port', 'deny']);
    expect(f?.fix).toMatch(
      /^Keep a node per target: .*only a new AIStore CR changes spec\.targetSpec\.hostPort/,
    );
  });

  it('PVs that put two targets on one node while anti-affinity is on: said, no CREATE-time change offered', () => {
    const shared = [0, 1].map((i) =>
      pv(`pv-${i}`, { claim: `ais-data-aistore-ais-target-${i}`, host: 'node-1', path: `/ais/sd${i}` }),
    );
    const [cr] = evaluateSet([aistore({ size: 2 }), ...nodes, ...shared], { live: true });
    expect(cr!.patch).toEqual([]);
    expect(cr!.findings.map((f) => `${f.ruleId}=${f.action}`)).toEqual(['anti-affinity-not-disabled=warn']);
    expect(cr!.findings[0]!.message).toMatch(/keep a required hostname anti-affinity.*stays Pending/);
  });
});

// Review "today3": a stored version is taken as written. A live CR scaled out by updates never got
// the guard's CREATE change (disablePodAntiAffinity: true), so none is assumed.
describe('evaluateSet with stored versions, as written', () => {
  const nodes = [node('node-1'), node('node-2')];
  const stored = aistore({ size: 4 });
  const rules = (e: Evaluation) => e.findings.map((f) => `${f.ruleId}=${f.action}`).sort();

  it("gives the webhook's verdict on the apply: targets Pending are said", () => {
    const pr = aistore({ size: 4 }); // a pull request that only labels the targets
    (pr.spec as { targetSpec: Record<string, unknown> }).targetSpec.labels = { team: 'x' };
    const webhook = evaluate(
      { operation: 'UPDATE', object: pr, oldObject: stored },
      new ClusterContext(nodes),
    );
    const [set] = evaluateSet([pr, ...nodes], { stored: [stored, ...nodes] });
    expect(rules(webhook)).toEqual(['targets-exceed-nodes=warn']);
    expect(rules(set!)).toEqual(rules(webhook));
  });

  it('and writing disablePodAntiAffinity: true into it is a change the operator refuses', () => {
    const written = aistore({ size: 4, disable: true });
    const [set] = evaluateSet([written, ...nodes], { stored: [stored, ...nodes] });
    expect(rules(set!)).toContain('operator-fixed-fields=warn');
  });
});
