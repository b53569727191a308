// Is the CR ready for the layout the plan makes? Judged exactly as `ais-guard check` judges the CR
// together with the planned PVs (the same evaluateSet: every object a CREATE, the set its own
// context, the PVs beside the CR as the guard admits it), so the plan never re-implements a rule:
// whatever the guard would say, the plan says as a warning.
import { evaluateSet, kindAndName, type JudgedFinding, type KubeObject } from '../policy/index.js';

export interface ReadinessNote {
  object: string;
  finding: JudgedFinding;
}

export function readiness(cr: KubeObject, volumes: KubeObject[]): ReadinessNote[] {
  const objects = [cr, ...volumes];
  return evaluateSet(objects).flatMap((evaluation, i) =>
    evaluation.findings.map((finding) => ({ object: kindAndName(objects[i]!), finding })),
  );
}
