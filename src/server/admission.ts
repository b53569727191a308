// The AdmissionReview v1 wire format: decoding a request the guard can judge (or saying exactly why
// not, for a 400), and encoding responses as the apiserver expects them.
import {
  clip,
  clipMiddle,
  isObject,
  type KubeObject,
  type Operation,
  type PatchOperation,
} from '../policy/index.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource?: { group?: string; version?: string; resource?: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  userInfo?: { username?: string };
}

export class BadReview extends Error {
  /** The uid, when the body had one: a 400 still names the request it refuses. */
  constructor(
    message: string,
    readonly uid?: string,
  ) {
    super(message);
  }
}

const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Caller text as a refusal quotes it: clipped, since the 400 and its log line echo it (the fuzz sent megabytes). */
const clipped = (text: string, max = 100) => clip(text, max);

/** A value as JSON, clipped; a deeply nested one overflows the stack in JSON.stringify and String()
 * alike, and that escaped as a 500 (test/faults/fuzz.test.ts). */
function shown(value: unknown): string {
  try {
    return clipped(JSON.stringify(value) ?? String(value));
  } catch {
    return `(a ${Array.isArray(value) ? 'list' : typeof value} nested too deeply to show)`;
  }
}
const said = (value: unknown) => (typeof value === 'string' ? value : shown(value));

const apiVersionOf = (kind: AdmissionRequest['kind']) =>
  kind.group ? `${kind.group}/${kind.version}` : kind.version;

/** What the request says the object's kind is must be what the object says it is. */
function kindMatches(kind: AdmissionRequest['kind'], object: KubeObject): boolean {
  if (object.kind === undefined && object.apiVersion === undefined) return true; // some callers omit TypeMeta
  return object.kind === kind.kind && object.apiVersion === apiVersionOf(kind);
}

/**
 * The object with the TypeMeta some callers omit taken from request.kind (the object's type, as
 * the apiserver always sets it): the rules recognise an object by its own kind.
 */
function typed(value: unknown, kind: AdmissionRequest['kind']): KubeObject | undefined {
  if (!isObject(value)) return undefined;
  const object = value as KubeObject;
  return object.kind === undefined ? { apiVersion: apiVersionOf(kind), kind: kind.kind, ...object } : object;
}

export function decodeReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) throw new BadReview('body is not a JSON object');
  if (body.kind !== 'AdmissionReview')
    throw new BadReview(`kind must be AdmissionReview, got ${shown(body.kind)}`);
  const request = body.request;
  const uid = isObject(request) && typeof request.uid === 'string' ? request.uid : undefined;
  if (body.apiVersion !== ADMISSION_API_VERSION)
    throw new BadReview(
      `only ${ADMISSION_API_VERSION} AdmissionReviews are served (got ${shown(body.apiVersion)}); set admissionReviewVersions: [v1]`,
      uid,
    );
  if (!isObject(request)) throw new BadReview('request is missing');
  if (!uid) throw new BadReview('request.uid is missing');
  if (!OPERATIONS.includes(request.operation as string))
    throw new BadReview(
      `request.operation ${shown(request.operation)} is not one of ${OPERATIONS.join(', ')}`,
      uid,
    );
  const kind = request.kind;
  if (!isObject(kind) || typeof kind.kind !== 'string' || typeof kind.version !== 'string')
    throw new BadReview('request.kind must be {group, version, kind}', uid);
  const gvk = {
    group: typeof kind.group === 'string' ? kind.group : '',
    version: kind.version,
    kind: kind.kind,
  };
  for (const field of ['object', 'oldObject'] as const) {
    const value = request[field];
    if (value !== undefined && value !== null && !isObject(value))
      throw new BadReview(`request.${field} must be an object`, uid);
    if (isObject(value) && !kindMatches(gvk, value))
      throw new BadReview(
        clipped(
          `request.${field} is ${said(value.apiVersion)} ${said(value.kind)} but request.kind is ${gvk.group ? gvk.group + '/' : ''}${gvk.version} ${gvk.kind}`,
          300,
        ),
        uid,
      );
  }
  const operation = request.operation as Operation;
  if ((operation === 'CREATE' || operation === 'UPDATE') && !isObject(request.object))
    throw new BadReview(`request.object is missing for ${operation}`, uid);
  return {
    uid,
    kind: gvk,
    resource: isObject(request.resource) ? (request.resource as AdmissionRequest['resource']) : undefined,
    subResource: typeof request.subResource === 'string' ? request.subResource : undefined,
    name: typeof request.name === 'string' ? request.name : undefined,
    namespace: typeof request.namespace === 'string' ? request.namespace : undefined,
    operation,
    object: typed(request.object, gvk),
    oldObject: typed(request.oldObject, gvk),
    dryRun: request.dryRun === true,
    userInfo: isObject(request.userInfo) ? (request.userInfo as AdmissionRequest['userInfo']) : undefined,
  };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface ResponseParts {
  allowed: boolean;
  denyMessage?: string;
  patch?: PatchOperation[];
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/**
 * How the apiserver passes warnings on (k8s.io/apiserver pkg/endpoints/filters/warning.go, recorder
 * AddWarning): whole, until the warnings of one request come to 4,096 characters (runes); past that it
 * cuts every warning of the request to its first 256 and drops the rest. A request's warnings are the
 * guard's two answers (mutating, then validating) and whatever else warns on it (PodSecurity, other
 * webhooks, unknown fields). So an answer's warnings go whole while they come to at most
 * WARNING_BUDGET (both answers together then leave a quarter of the 4,096 to the others); an answer
 * over it has each cut to MAX_WARNING, keeping its start and its end (shortWarning).
 */
const WARNING_BUDGET = 1_536;
const MAX_WARNING = 256;
const MAX_WARNINGS = 16;

/**
 * Go's unicode.IsControl (C0, DEL, C1). The apiserver drops a warning holding any of them without a
 * word: its Warning header is built by apimachinery's net.NewWarningHeader, which refuses such
 * text. Messages quote the object, and some of its text is free (an AIStore mount path: `path: |`
 * in YAML ends it with a newline).
 */
// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escaped = (c: string) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Control characters spelt as escapes, so the apiserver passes the warning on. */
const printable = (text: string) => text.replace(CONTROL, escaped);

/** A printable warning in 256 characters: its start (rule id and link) and its end (the fix) survive. */
const cut = (warning: string) => clipMiddle(warning, MAX_WARNING, 100);

/**
 * A warning in 256 characters, control characters spelt out, as an answer over WARNING_BUDGET sends
 * each of its warnings.
 */
export function shortWarning(text: string): string {
  return cut(printable(text));
}

/**
 * The warnings of one answer: whole while they fit WARNING_BUDGET (UTF-16 units, never fewer than the
 * apiserver's runes), else each cut to 256. At most MAX_WARNINGS: past it, the last place says
 * how many more, and where to see them.
 */
function answerWarnings(all: readonly string[]): string[] {
  const shown = all.length > MAX_WARNINGS ? all.slice(0, MAX_WARNINGS - 1) : [...all];
  if (shown.length < all.length)
    shown.push(
      `ais-guard: ${all.length - shown.length} more warning(s) not shown; \`ais-guard check\` on the object lists them all`,
    );
  const whole = shown.map(printable);
  let size = 0;
  for (const warning of whole) size += warning.length;
  return size <= WARNING_BUDGET ? whole : whole.map(cut);
}

/** An answer's text up to its uid; the response's fields follow in encodeResponse's order. */
const ANSWER_HEAD = `{"apiVersion":"${ADMISSION_API_VERSION}","kind":"AdmissionReview","response":{"uid":`;

/**
 * The answer as the JSON text JSON.stringify would give, byte for byte. A bare "allowed" (every
 * review of a non-AIStore object) is filled into a template instead of serialising the object.
 */
export function answerText(body: ReturnType<typeof encodeResponse>): string {
  const r = body.response;
  if (
    r.allowed === true &&
    r.status === undefined &&
    r.patchType === undefined &&
    r.patch === undefined &&
    r.warnings === undefined &&
    r.auditAnnotations === undefined
  )
    return `${ANSWER_HEAD}${JSON.stringify(r.uid)},"allowed":true}}`;
  return JSON.stringify(body);
}

export function encodeResponse(
  uid: string,
  parts: ResponseParts,
): { apiVersion: string; kind: string; response: AdmissionResponse } {
  const response: AdmissionResponse = { uid, allowed: parts.allowed };
  if (!parts.allowed)
    response.status = { code: 403, reason: 'Forbidden', message: parts.denyMessage ?? 'denied by ais-guard' };
  if (parts.patch && parts.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(parts.patch)).toString('base64');
  }
  if (parts.warnings && parts.warnings.length > 0) response.warnings = answerWarnings(parts.warnings);
  if (parts.auditAnnotations && Object.keys(parts.auditAnnotations).length > 0)
    response.auditAnnotations = parts.auditAnnotations;
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
