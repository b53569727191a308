// Kubernetes' name checks (apimachinery pkg/util/validation), as its validation of a pod applies them
// to what the operator copies from the CR: label keys and resource names are qualified names, label
// values (and toleration values) are at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends.
import { nameAsWritten, quoted } from './text.js';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** IsQualifiedName: [prefix/]name, a DNS-1123 subdomain prefix (253) and a 63-character name. */
export function isQualifiedName(text: string): boolean {
  const parts = text.split('/');
  if (parts.length > 2) return false;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (!name || name.length > 63 || !NAME.test(name)) return false;
  return prefix === undefined || isDnsSubdomain(prefix);
}

/** IsDNS1123Label: what a namespace's name is. */
export const isDnsLabel = (text: string): boolean => text.length <= 63 && DNS1123_LABEL.test(text);
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** IsDNS1123Subdomain: what object names (a Secret's, a ConfigMap's) and label key prefixes are. */
export const isDnsSubdomain = (text: string): boolean => text.length <= 253 && DNS1123_SUBDOMAIN.test(text);

/**
 * Go's strings.ToLower where it matters to a name check: unicode.ToLower maps U+0130 (İ) to "i", and
 * JavaScript's toLowerCase() to "i" and a combining dot (U+0307). (Review daemon39: ValidateAnnotations
 * and an annotations fieldRef check strings.ToLower(key); other differences leave no ASCII.)
 */
export const goToLower = (text: string): string => text.replace(/\u0130/g, 'i').toLowerCase();

/** IsValidLabelValue: empty, or a 63-character name. */
export const isLabelValue = (text: string): boolean => text === '' || (text.length <= 63 && NAME.test(text));

/**
 * What ValidateLabels refuses in a map of labels (or a nodeSelector, checked the same way), each
 * problem with the key it is at; `what` names the map in the text; keys in `skip` are not judged.
 */
export function labelMapProblems(
  map: Record<string, unknown>,
  what: string,
  skip: readonly string[] = [],
): { key: string; text: string }[] {
  const found: { key: string; text: string }[] = [];
  for (const key in map) {
    if (!Object.hasOwn(map, key) || skip.includes(key)) continue;
    const value = map[key];
    if (!isQualifiedName(key)) found.push({ key, text: `${what} key ${quoted(key)} is no label key` });
    if (typeof value === 'string' && !isLabelValue(value))
      found.push({ key, text: `${what} ${nameAsWritten(key)}: ${quoted(value)} is no label value` });
  }
  return found;
}

/** validateLocalDescendingPath: a relative path with no ".." step (a seccomp localhost profile's). */
export const isLocalDescendingPath = (path: string): boolean =>
  !path.startsWith('/') && !path.split('/').includes('..');
