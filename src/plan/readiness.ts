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
  const objects = [cr, ...volumes];
  const ctx = new ClusterContext(objects);
  return objects.flatMap((object) =>
    evaluate({ operation: 'CREATE', object }, ctx).findings.map((finding) => ({
      object: label(object),
      finding,
    })),
  );
}
