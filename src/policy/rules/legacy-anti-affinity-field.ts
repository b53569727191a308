// The top-level spec.disablePodAntiAffinity (operator <= v1.1.0) was removed in
// v2.0.0: the apiserver prunes it (or rejects it under strict field validation), which silently
// leaves the targets' required anti-affinity on. Move it to spec.targetSpec on CREATE.
import { hasLegacyAntiAffinityField } from '../aistore.js';
import { objectAt } from '../k8s.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

export default defineRule({
  id: 'legacy-anti-affinity-field',
  title: 'Removed top-level spec.disablePodAntiAffinity',
  summary:
    'CR sets spec.disablePodAntiAffinity (removed in operator v2.0.0): moved to spec.targetSpec.disablePodAntiAffinity on CREATE (warn), denied on UPDATE.',
  verdict: 'mutate + warn / deny',
  operator: `The CR's spec has no top-level disablePodAntiAffinity (${operatorLink('api/aistore/v1beta1/aistore_types.go', 370, 'AIStoreSpec')}); only targetSpec.disablePodAntiAffinity exists (${operatorLink('api/aistore/v1beta1/aistore_types.go', 695, 'TargetSpec.DisablePodAntiAffinity')}), and the operator's webhook rejects targetSpec changes on UPDATE (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 244, 'validateTargetUpdate')}).`,
  howToFix:
    'Write `spec.targetSpec.disablePodAntiAffinity: true`; on a live CR, recreate it (the operator rejects targetSpec changes).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("set disablePodAntiAffinity: true"), written for operator <= v1.1.0`,
  roles: ['aistore'],
  mutates: true,
  check({ subject, writable, operation, report }) {
    if (!subject.object.spec || !hasLegacyAntiAffinityField(subject.object)) return;
    const value = subject.object.spec.disablePodAntiAffinity;
    const why =
      'spec.disablePodAntiAffinity was removed in ais-operator v2.0.0; the apiserver drops it as an unknown field ' +
      '(or rejects it under strict field validation), so target anti-affinity would stay on';
    if (operation === 'CREATE') {
      const spec = writable().object.spec ?? {};
      delete spec.disablePodAntiAffinity;
      const targetSpec = objectAt(spec, 'targetSpec');
      // Say what was done: the message is the user's only record of a field that disappears.
      let done: string;
      if (value !== true) done = 'dropped: it was not true';
      else if (!targetSpec) done = 'dropped: spec.targetSpec is not an object it could move to';
      else if (targetSpec.disablePodAntiAffinity !== undefined)
        done = `dropped: spec.targetSpec.disablePodAntiAffinity already says ${JSON.stringify(targetSpec.disablePodAntiAffinity)}, and that is what the operator reads`;
      else {
        targetSpec.disablePodAntiAffinity = true;
        done = 'moved to spec.targetSpec.disablePodAntiAffinity: true';
      }
      report.mutated(
        '/spec/disablePodAntiAffinity',
        `${why}; ${done}.`,
        'Write spec.targetSpec.disablePodAntiAffinity: true in your manifest.',
      );
      return;
    }
    report.deny(
      '/spec/disablePodAntiAffinity',
      `${why}; the operator also rejects changes to spec.targetSpec on UPDATE.`,
      'Remove spec.disablePodAntiAffinity; to disable target anti-affinity, recreate the AIStore CR with spec.targetSpec.disablePodAntiAffinity: true.',
    );
  },
});
