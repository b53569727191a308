// CR settings the operator copies onto a StatefulSet as written, where the apiserver then fills in a
// default: the operator compares the CR's value with the stored one (equality.Semantic.DeepEqual),
// finds them different on every reconcile, patches a change the apiserver undoes, and returns before
// scaling. The guard cannot fix the CR for the user (a default of its own choosing would be a guess
// at intent), so it warns with the two-word fix.
import { isObject } from '../k8s.js';
import { roundedUpToMilli } from '../quantity.js';
import { defineRule, OPERATOR_SOURCE, operatorLink, pointer, type Reporter } from '../rule.js';

const DAEMONS = [
  { spec: 'targetSpec', who: 'targets' },
  { spec: 'proxySpec', who: 'proxies' },
] as const;

const filled = (v: unknown) => typeof v === 'string' && v !== '';

/**
 * A container's limits and requests finer than 1m: the apiserver stores them rounded up
 * (SetDefaults_ResourceList), the operator compares its own unrounded copy by value.
 */
function subMilliResources(report: Reporter, resources: unknown, at: readonly string[], who: string): void {
  if (!isObject(resources)) return;
  for (const list of ['limits', 'requests']) {
    const quantities = resources[list];
    if (!isObject(quantities)) continue;
    for (const [name, value] of Object.entries(quantities)) {
      const stored = roundedUpToMilli(value);
      if (stored === undefined) continue;
      report.warn(
        pointer(...at, list, name),
        `${at.join('.')}.${list}.${name} ${JSON.stringify(value)} is finer than 1m: the apiserver stores the StatefulSet's rounded up to ${stored}, the operator finds the ${who}' resources differ from the CR on every reconcile and re-applies them, and never gets to scale them: the cluster never becomes Ready.`,
        `Write ${name}: ${stored} (a whole number of milli-units).`,
      );
    }
  }
}

export default defineRule({
  id: 'operator-never-in-sync',
  title: 'CR field the apiserver defaults, so the operator never finds its StatefulSet in sync',
  summary:
    'CR whose targetSpec or proxySpec pvcRetentionPolicy lacks whenScaled or whenDeleted, whose env has a valueFrom.fieldRef without apiVersion, or whose targetSpec, proxySpec or logSidecar resources hold a limit or request finer than 1m (100u, 1.5m): warn (the apiserver defaults the field on the StatefulSet, Retain or v1, or rounds the quantity up to whole milli-units, the operator finds it differs from the CR on every reconcile and never scales, rolls out or reports the cluster Ready).',
  verdict: 'warn',
  operator: `The operator copies pvcRetentionPolicy and env onto the StatefulSet as written and compares them with equality.Semantic.DeepEqual (${operatorLink('internal/controller/aistore/common.go', 491, 'shouldUpdatePVCRetentionPolicy')}, ${operatorLink('internal/controller/aistore/common.go', 105, 'shouldUpdateContainerSpec')}); the apiserver stores the missing field defaulted (apps/v1 SetDefaults_StatefulSet: Retain; core/v1 SetDefaults_ObjectFieldSelector: v1), so ${operatorLink('internal/controller/aistore/target_controllers.go', 147, 'handleTargetState')} patches again on every reconcile and returns before scaling. Its own env sets apiVersion v1 for this reason (${operatorLink('internal/resources/aistore/cmn/utils.go', 14, 'EnvFromFieldPath')}). Likewise aisnode's and the log sidecar's resources, copied from the CR (${operatorLink('internal/resources/aistore/cmn/statefulset.go', 165, 'NewResourceReq')}, ${operatorLink('internal/resources/aistore/cmn/statefulset.go', 105, 'NewLogSidecar')}) and compared by value in shouldUpdateContainerSpec, where the apiserver stores every limit and request rounded up to whole milli-units (core/v1 SetDefaults_ResourceList).`,
  howToFix:
    'Write both pvcRetentionPolicy fields (whenScaled and whenDeleted), apiVersion: v1 in every env fieldRef, and resources in whole milli-units (1m, not 100u).',
  upstream: `${OPERATOR_SOURCE}/internal/controller/aistore/common.go#L491 (shouldUpdatePVCRetentionPolicy: equality.Semantic.DeepEqual(desired, current))`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = subject.object.spec;
    if (!isObject(spec)) return;
    // The sidecar exists, and its resources are compared, only with an image (targetPodSpec).
    const sidecar = spec.logSidecar;
    if (isObject(sidecar) && filled(sidecar.image))
      subMilliResources(report, sidecar.resources, ['spec', 'logSidecar', 'resources'], 'daemons');
    for (const { spec: name, who } of DAEMONS) {
      const daemon = spec[name];
      if (!isObject(daemon)) continue;
      subMilliResources(report, daemon.resources, ['spec', name, 'resources'], who);
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
