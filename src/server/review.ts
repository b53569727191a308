// One admission review: the request goes to the same evaluate() as `ais-guard check`, and the
// evaluation becomes the response for the endpoint. No HTTP here: app.ts decodes and encodes.
import {
  AIS_GROUP,
  EMPTY_CONTEXT,
  evaluate,
  isObject,
  MUTATING_RULES,
  type Evaluation,
  type JudgedFinding,
  type KubeObject,
} from '../policy/index.js';
import { encodeResponse, type AdmissionRequest, type ResponseParts } from './admission.js';
import type { ClusterSource } from './cluster-source.js';
import type { ServerConfig } from './config.js';

export type Endpoint = 'validate' | 'mutate';
export type Verdict = 'allowed' | 'denied' | 'patched' | 'skipped' | 'error';

export interface ReviewOutcome {
  body: ReturnType<typeof encodeResponse>;
  verdict: Verdict;
  findings: JudgedFinding[];
  /** Why the guard could not judge (verdict "error"), for the log. */
  error?: string;
}

export interface ReviewDeps {
  config: Pick<ServerConfig, 'modes' | 'failureMode' | 'includeNamespaces' | 'excludeNamespaces'>;
  cluster: ClusterSource;
}

/** Strings only: a name that is a deeply nested array overflowed the stack when formatted, inside
 * the failure-mode answer itself, and became a 500 (test/faults/fuzz.test.ts). */
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function describe(req: AdmissionRequest): string {
  const meta = (req.object ?? req.oldObject ?? {}).metadata ?? {};
  const generated = text(meta.generateName);
  const name = text(meta.name) ?? req.name ?? (generated ? `${generated}*` : '');
  const ns = req.namespace ?? text(meta.namespace);
  return `${req.kind.kind} ${ns ? `${ns}/` : ''}${name}`;
}

/** A PersistentVolume (cluster-scoped): its namespace lists are read after it is recognised. */
const isVolume = (req: AdmissionRequest) => !req.namespace && req.kind.kind === 'PersistentVolume';

/** For a PV the guard does not recognise: the namespace of the claim it is pre-bound to. */
function claimNamespace(req: AdmissionRequest): string | undefined {
  const spec = (req.object ?? req.oldObject)?.spec;
  const claimRef = isObject(spec) ? spec.claimRef : undefined;
  return isObject(claimRef) ? text(claimRef.namespace) : undefined;
}

export function namespaceJudged(namespace: string | undefined, config: ReviewDeps['config']): boolean {
  if (!namespace) return true; // cluster-scoped and bound to no claim: the namespace lists do not apply
  if (config.excludeNamespaces.includes(namespace)) return false;
  return config.includeNamespaces.length === 0 || config.includeNamespaces.includes(namespace);
}

const line = (f: JudgedFinding) => `[${f.ruleId}] ${f.message} Fix: ${f.fix} (see ${f.doc})`;
/** Rule id and link first, the fix last: cut to 256 characters (an answer over its warning budget), a
 * warning loses its middle (admission.ts answerWarnings). */
const warning = (f: JudgedFinding, note = '') =>
  `ais-guard ${f.ruleId} ${f.doc}: ${note}${f.message} Fix: ${f.fix}`;

function auditAnnotations(ev: Evaluation, findings: JudgedFinding[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (findings.length === 0) return out;
  out.findings = findings.map((f) => `${f.ruleId}=${f.action}`).join(',');
  if (ev.multiTarget) out.layout = `multi-target: ${ev.signal ?? ''}`.slice(0, 256);
  // Audit mode exists to be read later: keep the first audited message whole enough to act on.
  const audited = findings.find((f) => f.action === 'audit');
  if (audited) out.detail = `[${audited.ruleId}] ${audited.message}`.slice(0, 1024);
  return out;
}

function respond(
  endpoint: Endpoint,
  req: AdmissionRequest,
  ev: Evaluation,
  extraWarnings: string[],
): ReviewOutcome {
  if (endpoint === 'mutate') {
    // The mutating webhook only mutates; the validating webhook, called after it, judges the result.
    const findings = ev.findings.filter((f) => f.mutation);
    const parts: ResponseParts = {
      allowed: true,
      patch: ev.patch,
      warnings: [...extraWarnings, ...findings.filter((f) => f.action === 'warn').map((f) => warning(f))],
      auditAnnotations: auditAnnotations(ev, findings),
    };
    return {
      body: encodeResponse(req.uid, parts),
      verdict: ev.patch.length > 0 ? 'patched' : 'allowed',
      findings,
    };
  }
  const denies = ev.findings.filter((f) => f.action === 'deny');
  // The validating webhook sees the object after the mutating one: a change still to make here was
  // not applied (the mutating webhook failed open, or another webhook undid it). Say so.
  const warn = (f: JudgedFinding) =>
    warning(f, f.mutation ? 'not applied (the mutating webhook did not run): ' : '');
  const parts: ResponseParts = {
    allowed: denies.length === 0,
    denyMessage: denies.length
      ? `ais-guard denied ${describe(req)}: ${denies.map(line).join('; ')}`
      : undefined,
    warnings: [...extraWarnings, ...ev.findings.filter((f) => f.action === 'warn').map(warn)],
    auditAnnotations: auditAnnotations(ev, ev.findings),
  };
  return {
    body: encodeResponse(req.uid, parts),
    verdict: parts.allowed ? 'allowed' : 'denied',
    findings: ev.findings,
  };
}

/** The configured answer for a review the guard cannot judge; the caller logs it with the uid. */
export function cannotJudge(
  req: AdmissionRequest,
  reason: string,
  config: ReviewDeps['config'],
): ReviewOutcome {
  const allowed = config.failureMode === 'allow';
  const message = `ais-guard could not judge ${describe(req)} (${reason}); failure mode ${config.failureMode}`;
  return {
    body: encodeResponse(req.uid, {
      allowed,
      denyMessage: message,
      warnings: allowed ? [message] : [],
      auditAnnotations: { error: reason.slice(0, 256) },
    }),
    verdict: 'error',
    findings: [],
    error: reason,
  };
}

export function review(endpoint: Endpoint, req: AdmissionRequest, deps: ReviewDeps): ReviewOutcome {
  const untouched = () => ({
    body: encodeResponse(req.uid, { allowed: true }),
    verdict: 'skipped' as const,
    findings: [],
  });
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return untouched();
  // A CRD installed with its first CR (a fresh install) is noticed at once, not at the cache's next
  // periodic look for it, seconds after which the CR's first target claims would come.
  if (req.kind.kind === 'AIStore' && req.kind.group === AIS_GROUP) deps.cluster.served('aistores');
  const volume = isVolume(req);
  if (!volume && !namespaceJudged(req.namespace, deps.config)) return untouched();
  if (req.subResource) return untouched(); // status and scale writes carry no layout

  // Before every kind is listed, judged from the request alone, as the warning says: a context
  // with the PVs but not yet the Nodes would pin a pod to a node the cluster no longer has.
  const synced = deps.cluster.synced();
  const extraWarnings = synced
    ? []
    : ['ais-guard: cluster context not loaded yet; judged from this request alone'];
  let ev: Evaluation;
  try {
    ev = evaluate(
      {
        operation: req.operation,
        object: req.object as KubeObject,
        oldObject: req.oldObject,
        namespace: req.namespace,
        requester: req.userInfo?.username,
      },
      synced ? deps.cluster.context() : EMPTY_CONTEXT,
      // A mutating call answers only with changes: the rules that make none need not run (the
      // validating call runs them all on the changed object).
      { modes: deps.config.modes, rules: endpoint === 'mutate' ? MUTATING_RULES : undefined },
    );
  } catch (err) {
    return cannotJudge(req, err instanceof Error ? `${err.name}: ${err.message}` : String(err), deps.config);
  }
  // A PV's namespace lists are those of the deployment it was judged for (recognise.ts): its claim's,
  // or for a PV on a target's disk that target's. So a PV pre-bound to a claim in kube-system or an
  // excluded namespace is left alone as that claim is, unless it stands on a judged target's disk.
  if (volume && !namespaceJudged(ev.role ? ev.namespace : claimNamespace(req), deps.config))
    return untouched();
  // Unsynced, even an object the guard does not recognise gets the warning: recognition itself may
  // need the CR the cache has not loaded yet (a claim carries only the StatefulSet's selector labels).
  return respond(endpoint, req, ev, extraWarnings);
}
