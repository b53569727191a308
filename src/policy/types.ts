// Shapes the policy core works on. Kubernetes objects are kept loose (`KubeObject`): the core reads
// them defensively because admission input and user manifests can be anything.

export type JsonObject = { [key: string]: unknown };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    uid?: string;
    controller?: boolean;
  }[];
}

export interface KubeObject extends JsonObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** One object to judge, as the apiserver or a manifest file presents it. */
export interface Subject {
  operation: Operation;
  object: KubeObject;
  oldObject?: KubeObject;
  /** The request's namespace; StatefulSet-created Pods and PVCs may not carry one in metadata yet. */
  namespace?: string;
  /**
   * Who sends the write (the AdmissionReview's userInfo.username), when known: the webhook knows,
   * `check` and `audit` do not. Only a controller whose writes prove a fact the guard's cache may not
   * have yet is told apart (claims.ts byStatefulSetController).
   */
  requester?: string;
}

export type Severity = 'deny' | 'warn';

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** JSON pointer into the object (RFC 6901). */
  path: string;
  fix: string;
  doc: string;
  /** Set when the finding reports a change the rule made to the object (a mutation). */
  mutation?: true;
  /**
   * Set when the rule could not run on the object: its deny is the guard refusing to let the object
   * through unjudged, not a finding about it (reports call it an error, not a failure).
   */
  unjudged?: true;
}

/** A JSON Patch operation (RFC 6902), as produced by the patch library. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test' | '_get';
  path: string;
  value?: unknown;
  from?: string;
}
