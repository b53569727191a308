// (i) update-output-passes: after an UPDATE of the CR that both the guard and the operator's
// ValidateUpdate accept (a scale-out, new labels, …), nothing the operator and the StatefulSet
// controller then write is denied: the target StatefulSet as the operator renders it from the new
// CR, as an UPDATE of the one it rendered from the old, and the pods and claims of targets the old
// StatefulSet did not have, with the guard's cache holding the new CR, the nodes, the PVs, the
// StatefulSet and the claims already made. On CREATE the guard may still patch a layout
// (disablePodAntiAffinity); on UPDATE the operator fixes those fields, so a scale-out onto disks
// beside another target's is where a lockout would show (an outside review, "oracle33").
import { ClusterContext, evaluate, type Evaluation, type KubeObject } from '../../../src/policy/index.js';
import type { OracleCase } from './generate.js';
import type { Outcome } from './judge.js';
import type { OracleAnswer, OracleProcess } from './oracle-process.js';
import { STORAGE_CLASSES } from './generate.js';
import { claimTemplateNames, podsAndClaims, replicasOf } from './statefulset-controller.js';

const property = 'update-output-passes';
const skip = (reason: string): Outcome => ({ property, status: 'skip', reason });

export async function updateOutputPasses(
  c: OracleCase,
  oracle: OracleProcess,
  id: string,
  updated: Evaluation | undefined,
  stored: KubeObject | undefined,
  rendered: OracleAnswer | undefined,
): Promise<Outcome> {
  if (!c.old || !updated || !stored || !rendered) return skip('not an update');
  if (!updated.allowed) return skip('guard denies the update');
  if (!rendered.update?.allowed) return skip('operator refuses the update');
  const before = await oracle.ask({
    id: `${id}/old`,
    cr: c.old,
    nodes: c.nodes,
    storageClasses: STORAGE_CLASSES,
  });
  if (!before.statefulSet || !rendered.statefulSet) return skip('operator renders nothing (no size)');
  const oldSts = before.statefulSet;
  const newSts = rendered.statefulSet;
  // A template name is the pod's volume name, a DNS-1123 label: past one (a mount path of 200 bytes,
  // in a CR that predates the guard) the apiserver rejects every target pod, whatever the guard says.
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  if (claimTemplateNames(newSts).some((t) => t.length > 63 || !label.test(t)))
    return skip('the apiserver rejects the target pods (a claim template name is no DNS label)');
  const made = podsAndClaims(oldSts).claims;
  const denied = (what: string, e: Evaluation): Outcome => {
    const rules = [...new Set(e.findings.filter((f) => f.action === 'deny').map((f) => f.ruleId))];
    return {
      property,
      status: 'disagree',
      signature: `${property}: ${what} denied by ${rules.join(',')}`,
      detail: `guard denies the operator's ${what}: ${e.findings
        .filter((f) => f.action === 'deny')
        .map((f) => `${f.ruleId} at ${f.path}: ${f.message}`)
        .join(' | ')}`,
    };
  };
  const stsUpdate = evaluate(
    { operation: 'UPDATE', object: newSts, oldObject: oldSts, namespace: c.namespace },
    new ClusterContext([...c.neighbours, stored, ...c.nodes, ...c.pvs, oldSts, ...made]),
  );
  if (!stsUpdate.allowed) return denied('StatefulSet update', stsUpdate);
  const ctx = new ClusterContext([...c.neighbours, stored, ...c.nodes, ...c.pvs, newSts, ...made]);
  const { pods, claims } = podsAndClaims(newSts);
  const from = replicasOf(oldSts);
  const fresh = (o: KubeObject) => Number(/-(\d+)$/.exec(String(o.metadata?.name))?.[1]) >= from;
  for (const [what, object] of [
    ...claims.filter(fresh).map((o): [string, KubeObject] => ['new target claim', o]),
    ...pods.filter(fresh).map((o): [string, KubeObject] => ['new target pod', o]),
  ]) {
    const e = evaluate({ operation: 'CREATE', object, namespace: c.namespace }, ctx);
    if (!e.allowed) return denied(what, e);
  }
  return { property, status: 'agree' };
}
