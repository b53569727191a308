// YAML read as Kubernetes reads it. kubectl and the apiserver turn YAML into JSON with go-yaml v2
// (sigs.k8s.io/yaml), which speaks YAML 1.1: `yes`, `on` and `y` are true, `0644` is octal, and
// `<<: *anchor` merges a mapping in. Read as YAML 1.2, `hostNetwork: yes` was the string "yes" and a
// target that kubectl would deploy on the host network passed `check`.
//
// Two YAML 1.1 types of the yaml library are left out, since go-yaml v2 has neither: an unquoted
// timestamp stays a string (go-yaml decodes it into an interface{} as the text), and `1:20` is a
// string, not the base-60 number 80.
import type { DocumentOptions, ParseOptions, SchemaOptions, Tags } from 'yaml';

const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

const goYamlTags = (tags: Tags): Tags =>
  tags.filter((t) => typeof t === 'string' || (t.tag !== TIMESTAMP && t.format !== 'TIME'));

export const KUBE_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: goYamlTags,
  prettyErrors: false,
  // The library's runtime warnings (a key that is a list or a map gets stringified) would reach the
  // user as Node's multi-line process warning; such a key is no Kubernetes field either way.
  logLevel: 'error',
};
