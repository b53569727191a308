// DESIGN rule 8. The StatefulSet claims <template>-<statefulset>-<ordinal>; a PVC named any other way
// (notably after the namespace, as the old AIStore doc wrote) is never used by a target.
import { claimNameProblem } from '../claims.js';
import { nameOf } from '../k8s.js';
import { defineRule, MULTI_TARGET_DOC } from '../rule.js';

export default defineRule({
  id: 'pvc-name',
  title: 'Target data PVC named as the StatefulSet claims it',
  summary:
    'A target data PVC must be named <cr><mount-path-with-dashes>-<cr>-target-<N> for a mount of the CR and N below the target count: deny otherwise, with the expected name.',
  howToFix:
    'Name the claim `<cr><mount-path-with-dashes>-<cr>-target-<N>` (the message gives the exact name).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("Follow a naming convention for PVCs: <namespace>-<path-separated-by-dashes>-<pod-name>", corrected: the operator uses the CR name)`,
  roles: ['target-claim'],
  mutates: false,
  check({ subject, ctx, report }) {
    const name = nameOf(subject.object);
    const problem = claimNameProblem(subject.namespace, subject.crName, subject.cr, name, ctx);
    if (problem) report[problem.severity]('/metadata/name', problem.message, problem.fix);
  },
});
