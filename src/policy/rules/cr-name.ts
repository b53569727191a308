// The operator names the CR's Services, StatefulSets and pod labels after it, and nothing checks
// that name beyond the apiserver's (a DNS subdomain): a CR named "1ais" or "ais.prod", or one too
// long for the StatefulSet controller's revision label, is stored and never comes up.
import { nameOf } from '../k8s.js';
import { defineRule, operatorLink } from '../rule.js';

/**
 * The longest CR name whose StatefulSets get pods: the controller labels each pod
 * controller-revision-hash: <statefulset>-<hash of up to 10 characters>, a label value of at most 63,
 * so <cr>-target may have 52 (kubernetes/kubernetes#64023).
 */
export const MAX_CR_NAME = 63 - '-'.length - 10 - '-target'.length;

/**
 * What a Service name must be, and <cr>-proxy / <cr>-target are Services: a DNS-1035 label. (Kubernetes
 * 1.34's alpha gate RelaxedServiceNameValidation, off by default, would take a digit first too.)
 */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function crNameProblem(name: string): string | undefined {
  if (!DNS1035_LABEL.test(name))
    return `cannot name Services: the operator names its Services ${name}-proxy and ${name}-target, and a Service name is a DNS-1035 label (lowercase letters, digits and "-", a letter first), so the operator's first Service is refused and the cluster never comes up`;
  if (name.length > MAX_CR_NAME)
    return `is ${name.length} characters long: the target StatefulSet ${name}-target labels each pod controller-revision-hash: ${name}-target-<hash>, over the 63 characters a label value allows, so no target pod is ever created (at most ${MAX_CR_NAME})`;
  return undefined;
}

export default defineRule({
  id: 'cr-name',
  title: 'AIStore CR name the operator can deploy',
  summary: `The CR name is a DNS-1035 label (a letter first, no ".") of at most ${MAX_CR_NAME} characters: the operator's Services <cr>-proxy and <cr>-target need the one, the target StatefulSet's pods (label controller-revision-hash: <cr>-target-<hash>) the other: deny otherwise (on UPDATE a stored CR's name is already so: warn, as it cannot be renamed).`,
  verdict: 'deny',
  operator: `The operator names the target StatefulSet and its headless Service <cr>-target (${operatorLink('internal/resources/aistore/target/statefulset.go', 19, 'statefulSetName')}, ${operatorLink('internal/resources/aistore/target/services.go', 24, 'headlessSVCName')}) and the proxies' <cr>-proxy; its webhook judges the spec and no name (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 48, 'ValidateCreate')}).`,
  howToFix: `Name the CR with a letter first, lowercase letters, digits and "-" only, at most ${MAX_CR_NAME} characters, e.g. ais-prod-1.`,
  upstream:
    'https://github.com/kubernetes/kubernetes/issues/64023 (StatefulSet names over 52 characters: the controller-revision-hash label is over 63)',
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    // Judged on UPDATE too: the webhook's ratchet (evaluate.ts) lets an update of a CR stored with
    // such a name through with a warning, as it cannot be renamed; audit reports it as it stands.
    const name = nameOf(subject.object);
    const problem = name ? crNameProblem(name) : undefined;
    if (problem)
      report.deny(
        '/metadata/name',
        `AIStore name "${name}" ${problem}.`,
        `Create the CR under another name: a letter first, lowercase letters, digits and "-" only, at most ${MAX_CR_NAME} characters.`,
      );
  },
});
