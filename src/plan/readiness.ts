// Is the CR ready for the layout the plan makes? Judged exactly as `ais-guard check` judges the CR
// together with the planned PVs (the same evaluateSet: every object a CREATE, the set its own
// context, the PVs beside the CR as the guard admits it), so the plan never re-implements a rule:
// whatever the guard would say, the plan says as a warning.
import { evaluateSet, kindAndName, kindOf, type JudgedFinding, type KubeObject } from '../policy/index.js';

export interface ReadinessNote {
  object: string;
  finding: JudgedFinding;
  /** The other objects of its kind with the same rule and fix: the planned PVs share one cause. */
  alike: string[];
}

export function readiness(cr: KubeObject, volumes: KubeObject[]): ReadinessNote[] {
  const objects = [cr, ...volumes];
  const notes = new Map<string, ReadinessNote>();
  evaluateSet(objects).forEach((evaluation, i) => {
    const object = kindAndName(objects[i]!);
    for (const finding of evaluation.findings) {
      const key = JSON.stringify([kindOf(objects[i]!), finding.ruleId, finding.fix]);
      const first = notes.get(key);
      if (first) first.alike.push(object);
      else notes.set(key, { object, finding, alike: [] });
    }
  });
  return [...notes.values()];
}
