// review fresh26: the node a PV's required node affinity admits, as the scheduler's VolumeBinding
// filter reads it (component-helpers storage/volume/helpers.go CheckNodeAffinity: the Node's labels
// only, terms ORed, requirements ANDed). ctx.pvHost / nodeOfHost / pvMissingNode take a node pin for
// a live node where the scheduler admits none:
//  A. `kubernetes.io/hostname In [node-1]` where the Node named node-1 carries hostname label h1
//     (kubelet --hostname-override, some clouds): no Node's labels match, the claim bound to it waits
//     for good. context.ts nodeOfHost falls back to the Node *of that name* whenever no Node carries
//     the label value, even when that Node carries another hostname label (its doc says the fallback
//     is for a Node given without the label), so hostMissing says the node is there.
//  B. one term `kubernetes.io/hostname In [node-1]` AND `openebs.io/nodename In [node-9]` where
//     node-1 carries openebs.io/nodename=node-1: the ANDed term admits no Node. k8s.ts termHostname
//     reads the hostname requirement alone and pvHost returns node-1 without asking whether node-1
//     satisfies the whole term, so pvMissingNode never reaches pvAdmitsNoNode.
// In both, pv-claim-uid advises clearing the uid of a Released PV (binding the target's next claim
// to a disk no pod can reach: volumeName is then fixed) where, with the same PV pinned to a node
// that is gone (node-9), it says "Do not free it".
// Fix: context.ts nodeOfHost: the Node of that name only when it carries no hostname label; pvHost:
// a term's host counts only when the term admits that host's Node (matchesRequiredTerms([term], node))
// when Nodes are known, else fall through to pvAdmitsNoNode.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, released, run } from '../support/builders.js';
import { csiPvWithTerms } from '../review-pvhost26/support.js';

const cr = aistore({ disable: true });
const HOST = 'kubernetes.io/hostname';
const TOPO = 'openebs.io/nodename';
const nodes = (n1Labels: Record<string, string> = {}) => [
  node('node-1', { [TOPO]: 'node-1', ...n1Labels }),
  node('node-2', { [TOPO]: 'node-2' }),
  node('node-3', { [TOPO]: 'node-3' }),
];
const expr = (key: string, values: string[]) => ({ key, operator: 'In', values });
const uidFindings = (object: ReturnType<typeof released>, context: unknown[]) =>
  run({ name: 'x', object, context: context as never }).findings.filter((f) => f.ruleId === 'pv-claim-uid');

describe('review fresh26: a PV node pin that admits no Node', () => {
  it('baseline: Released PV pinned to a gone node-9 is not advised to be freed', () => {
    const pv = released(
      csiPvWithTerms('pv-0', claimName(0), [{ matchExpressions: [expr(HOST, ['node-9'])] }]),
    );
    const uid = uidFindings(pv, [...nodes(), cr]);
    expect(uid[0]?.fix).toMatch(/^Do not free it/);
  });

  it('A: pinned by hostname to the Node *name* node-1 whose hostname label is h1: not advised to be freed', () => {
    const pv = released(
      csiPvWithTerms('pv-0', claimName(0), [{ matchExpressions: [expr(HOST, ['node-1'])] }]),
    );
    const uid = uidFindings(pv, [...nodes({ [HOST]: 'h1' }), cr]);
    expect(uid).toHaveLength(1);
    expect(uid[0]?.fix).toMatch(/^Do not free it/);
  });

  it('B: hostname In [node-1] AND openebs.io/nodename In [node-9] (node-1 has nodename=node-1): not advised to be freed', () => {
    const pv = released(
      csiPvWithTerms('pv-0', claimName(0), [
        { matchExpressions: [expr(HOST, ['node-1']), expr(TOPO, ['node-9'])] },
      ]),
    );
    const uid = uidFindings(pv, [...nodes(), cr]);
    expect(uid).toHaveLength(1);
    expect(uid[0]?.fix).toMatch(/^Do not free it/);
  });

  it('A: a bound hand-made PV pinned to node-1 (hostname label h1) is warned: its target waits', () => {
    const pv = csiPvWithTerms('pv-0', claimName(0), [{ matchExpressions: [expr(HOST, ['node-1'])] }]);
    const ev = run({ name: 'x', object: pv, context: [...nodes({ [HOST]: 'h1' }), cr] });
    const msgs = ev.findings
      .filter((f) => f.ruleId === 'pv-target-binding')
      .map((f) => `${f.severity}: ${f.message}`);
    // Since op53 the warning names the label the Node carries instead of calling the node missing.
    expect(msgs).toContainEqual(
      expect.stringMatching(/^warn: .*Node node-1 is labelled kubernetes\.io\/hostname=h1: .*stays Pending/),
    );
  });

  it('A (control): the same PV pinned to a gone node-9 is warned', () => {
    const pv = csiPvWithTerms('pv-0', claimName(0), [{ matchExpressions: [expr(HOST, ['node-9'])] }]);
    const ev = run({ name: 'x', object: pv, context: [...nodes(), cr] });
    const msgs = ev.findings
      .filter((f) => f.ruleId === 'pv-target-binding')
      .map((f) => `${f.severity}: ${f.message}`);
    expect(msgs).toContainEqual(expect.stringMatching(/node node-9/));
  });
});
