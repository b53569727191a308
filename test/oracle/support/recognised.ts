// (j) recognised: the guard knows what the operator renders for it. operator-output-passes asks only
// that nothing rendered is denied, which a guard that no longer recognises the objects satisfies
// too (no rule runs on an unrecognised object): an outside review ("oracle33") broke the recognition
// of the operator's target StatefulSet and no property failed. Here every rendered object must be
// recognised as what it is, for the CR it is of: the StatefulSet as its target StatefulSet, each pod
// as a target pod, each data claim (labelled by the controller, or pre-created without labels) as a
// target claim, the state claim as none (it follows other rules), and each hand-made PV pre-bound to
// a target claim as a target volume.
import { ClusterContext, evaluate, type KubeObject } from '../../../src/policy/index.js';
import type { OracleCase } from './generate.js';
import type { Outcome } from './judge.js';
import type { OracleAnswer } from './oracle-process.js';
import { claimTemplateNames, podsAndClaims, unlabelled } from './statefulset-controller.js';

const property = 'recognised';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function recognised(c: OracleCase, cr: KubeObject, answer: OracleAnswer): Outcome {
  const sts = answer.statefulSet;
  if (!sts) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  // A template name is the pods' volume name: past a DNS label the apiserver refuses the pods and
  // the StatefulSet controller makes none of these objects.
  if (claimTemplateNames(sts).some((t) => t.length > 63 || !DNS_LABEL.test(t)))
    return { property, status: 'skip', reason: 'a claim template name is no DNS label (no pod is made)' };
  const crName = String(cr.metadata?.name);
  const stateClaim = `${c.namespace}-${crName}-state-`;
  const ctx = new ClusterContext([...c.neighbours, cr, ...c.nodes, ...c.pvs, sts]);
  const { pods, claims } = podsAndClaims(sts);
  const expected: [string, KubeObject, string | undefined][] = [
    ['StatefulSet', sts, 'target-statefulset'],
    ...pods.map((p): [string, KubeObject, string] => ['Pod', p, 'target-pod']),
    ...claims.flatMap((p): [string, KubeObject, string | undefined][] => {
      const role = String(p.metadata?.name).startsWith(stateClaim) ? undefined : 'target-claim';
      return [
        ['PVC (controller-made, labelled)', p, role],
        ['PVC (pre-created, unlabelled)', unlabelled(p), role],
      ];
    }),
    ...c.pvs.map((p): [string, KubeObject, string] => ['PV (pre-bound)', p, 'target-volume']),
  ];
  for (const [what, object, role] of expected) {
    const e = evaluate({ operation: 'CREATE', object, namespace: c.namespace }, ctx);
    const as = role === undefined ? undefined : crName;
    if (e.role !== role || (role !== undefined && e.crName !== as))
      return {
        property,
        status: 'disagree',
        signature: `${property}: ${what} recognised as ${e.role ?? 'nothing'}${e.role && e.crName !== crName ? ' of another CR' : ''}`,
        detail: `${what} ${String(object.metadata?.name)}: the guard recognises it as ${e.role ?? 'nothing'}${e.crName ? ` of ${e.crName}` : ''}, not as ${role ?? 'nothing'}${as ? ` of ${as}` : ''}`,
      };
  }
  return { property, status: 'agree' };
}
