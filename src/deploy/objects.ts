// The Kubernetes objects of deploy/, typed only as far as render reads or writes them, and the
// YAML reading kubectl does.
import YAML from 'yaml';
import { KUBE_YAML } from '../k8s/yaml.js';
import { CLUSTER_SCOPED_KINDS } from '../policy/index.js';

interface Metadata {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Metadata;
  [key: string]: unknown;
}

export interface Webhook {
  name: string;
  clientConfig: {
    service?: { name: string; namespace: string; path?: string; port?: number };
    url?: string;
    caBundle?: string;
  };
  namespaceSelector?: { matchExpressions?: { key: string; values?: string[] }[] };
}

export interface Subject {
  kind: string;
  namespace?: string;
}

interface Container {
  name?: string;
  image?: string;
  args?: string[];
}

export const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

// Kinds without a namespace: one list, the core's (its identityOf drops a stray namespace of these).
export const CLUSTER_SCOPED = CLUSTER_SCOPED_KINDS;

export const isWebhookConfiguration = (o: KObject): boolean => WEBHOOK_KINDS.has(o.kind ?? '');

export const webhooksOf = (o: KObject): Webhook[] =>
  isWebhookConfiguration(o) ? ((o.webhooks ?? []) as Webhook[]) : [];

interface PodTemplate {
  template?: { spec?: { containers?: Container[]; initContainers?: Container[] } };
}

/** The containers of a workload's pod template (a CronJob's is one level further down). */
export function podTemplateContainers(o: KObject): Container[] {
  const spec = o.spec as (PodTemplate & { jobTemplate?: { spec?: PodTemplate } }) | undefined;
  const pod = (spec?.jobTemplate?.spec ?? spec)?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

// kubectl reads YAML 1.1 (go-yaml): 0440 is octal there, yes/no are booleans. Read it the same way.
export const YAML_OPTIONS = KUBE_YAML;

/** Every non-empty document of a YAML stream; the first YAML error, with the file, throws. */
export function parseDocs(text: string, file: string): unknown[] {
  return YAML.parseAllDocuments(text, YAML_OPTIONS).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}
