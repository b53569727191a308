// Is the CR ready for the layout the plan makes? Judged exactly as `ais-guard check` would judge the CR
// together with the planned PVs (every object a CREATE, the set its own context), so the plan never
// re-implements a rule: whatever the guard would say, the plan says as a warning.
import { ClusterContext, evaluate, type JudgedFinding, type KubeObject } from '../policy/index.js';

export interface ReadinessNote {
  object: string;
  finding: JudgedFinding;
}

const label = (o: KubeObject) =>
  `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;

export function readiness(cr: KubeObject, volumes: KubeObject[]): ReadinessNote[] {
  const judged = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([cr, ...volumes]));
  // The PVs see the CR as the guard admits it, its changes made, as `check` judges a set
  // (src/cli/judge.ts): a CR the guard turns multi-target does not leave them warning of anti-affinity.
  const ctx = new ClusterContext([judged.object, ...volumes]);
  const notes = (object: KubeObject, findings: JudgedFinding[]) =>
    findings.map((finding) => ({ object: label(object), finding }));
  return [
    ...notes(cr, judged.findings),
    ...volumes.flatMap((object) => notes(object, evaluate({ operation: 'CREATE', object }, ctx).findings)),
  ];
}
