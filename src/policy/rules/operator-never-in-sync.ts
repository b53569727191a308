// CR settings the operator copies onto a StatefulSet as written, where the apiserver then fills in a
// default: the operator compares the CR's value with the stored one (equality.Semantic.DeepEqual),
// finds them different on every reconcile, patches a change the apiserver undoes, and returns before
// scaling. The guard cannot fix the CR for the user (a default of its own choosing would be a guess
// at intent), so it warns with the two-word fix.
import { isObject } from '../k8s.js';
import { defineRule, OPERATOR_SOURCE, operatorLink, pointer } from '../rule.js';

const DAEMONS = [
  { spec: 'targetSpec', who: 'targets' },
  { spec: 'proxySpec', who: 'proxies' },
] as const;

const filled = (v: unknown) => typeof v === 'string' && v !== '';

export default defineRule({
  id: 'operator-never-in-sync',
  title: 'CR field the apiserver defaults, so the operator never finds its StatefulSet in sync',
  summary:
    'CR whose targetSpec or proxySpec pvcRetentionPolicy lacks whenScaled or whenDeleted, or whose env has a valueFrom.fieldRef without apiVersion: warn (the apiserver defaults the field on the StatefulSet, Retain or v1, the operator finds it differs from the CR on every reconcile and never scales, rolls out or reports the cluster Ready).',
  verdict: 'warn',
  operator: `The operator copies pvcRetentionPolicy and env onto the StatefulSet as written and compares them with equality.Semantic.DeepEqual (${operatorLink('internal/controller/aistore/common.go', 491, 'shouldUpdatePVCRetentionPolicy')}, ${operatorLink('internal/controller/aistore/common.go', 105, 'shouldUpdateContainerSpec')}); the apiserver stores the missing field defaulted (apps/v1 SetDefaults_StatefulSet: Retain; core/v1 SetDefaults_ObjectFieldSelector: v1), so ${operatorLink('internal/controller/aistore/target_controllers.go', 147, 'handleTargetState')} patches again on every reconcile and returns before scaling. Its own env sets apiVersion v1 for this reason (${operatorLink('internal/resources/aistore/cmn/utils.go', 14, 'EnvFromFieldPath')}).`,
  howToFix:
    'Write both pvcRetentionPolicy fields (whenScaled and whenDeleted), and apiVersion: v1 in every env fieldRef.',
  upstream: `${OPERATOR_SOURCE}/internal/controller/aistore/common.go#L491 (shouldUpdatePVCRetentionPolicy: equality.Semantic.DeepEqual(desired, current))`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = subject.object.spec;
    if (!isObject(spec)) return;
    for (const { spec: name, who } of DAEMONS) {
      const daemon = spec[name];
      if (!isObject(daemon)) continue;
      const policy = daemon.pvcRetentionPolicy;
      if (isObject(policy) && !(filled(policy.whenScaled) && filled(policy.whenDeleted))) {
        const missing = ['whenScaled', 'whenDeleted'].filter((f) => !filled(policy[f])).join(' and ');
        report.warn(
          pointer('spec', name, 'pvcRetentionPolicy'),
          `spec.${name}.pvcRetentionPolicy has no ${missing}: the apiserver stores the StatefulSet's with Retain there, the operator finds it differs from the CR on every reconcile and patches it again, and never gets to scale or roll out the ${who}: the cluster never becomes Ready (nor does a scale-down delete claims).`,
          'Write both fields, e.g. pvcRetentionPolicy: {whenScaled: Retain, whenDeleted: Retain}.',
        );
      }
      const env = daemon.env;
      if (!Array.isArray(env)) continue;
      env.forEach((e, i) => {
        const fieldRef = isObject(e) && isObject(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
        if (!isObject(fieldRef) || filled(fieldRef.apiVersion)) return;
        const envName = isObject(e) && typeof e.name === 'string' ? e.name : `#${i}`;
        report.warn(
          pointer('spec', name, 'env', i, 'valueFrom', 'fieldRef'),
          `env ${envName} of spec.${name} has a fieldRef without apiVersion: the apiserver stores the StatefulSet's with apiVersion v1, the operator finds the ${who}' env differs from the CR on every reconcile and re-applies it, and never gets to scale them: the cluster never becomes Ready.`,
          'Write apiVersion: v1 in the fieldRef.',
        );
      });
    }
  },
});
