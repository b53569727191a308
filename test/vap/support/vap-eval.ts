// Evaluates a ValidatingAdmissionPolicy the way kube-apiserver does, with a CEL library instead of
// cel-go: resource and namespace match, matchConditions, variables, then each validation. Objects
// are handed over as the apiserver types them: JSON integers are CEL ints, nulls are absent.
import {
  celEnv,
  celFunc,
  celMethod,
  CelScalar,
  isCelError,
  mapType,
  parse,
  plan,
  type CelInput,
  type CelMap,
  type CelResult,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { KubeObject } from '../../../src/policy/index.js';

/**
 * The part of Kubernetes' quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go) the
 * policies use: isQuantity(string), quantity(string), <quantity>.compareTo(<quantity>). A quantity is
 * a one-key map here (the library has no opaque types), compared exactly as a rational number;
 * written from the quantity grammar, not from the engine's quantity.ts, so the two stay independent.
 * The e2e stage runs the same expressions on kube-apiserver's own library.
 */
const QUANTITY_GRAMMAR =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;
const SI: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const NANO = 1_000_000_000n;
const MAX_INT64 = 2n ** 63n - 1n;

/**
 * The quantity as ParseQuantity makes it, in nano-units (numerator over 10^9): a non-zero value is
 * rounded up (away from zero) to the nano, and a binary one (Ki … Ei) past 2^63-1 is capped there.
 */
function rational(text: string): [bigint, bigint] {
  const m = QUANTITY_GRAMMAR.exec(text);
  if (!m) throw new Error(`quantities: invalid quantity ${text}`);
  const [, sign, number = '', binary, si, exponent] = m;
  const [whole, fraction = ''] = number.split('.');
  let num = BigInt(`${whole || '0'}${fraction}`) << BigInt(binary ? BINARY[binary]! : 0);
  const e10 = (si ? SI[si]! : Number(exponent ?? 0)) - fraction.length;
  let den = 1n;
  if (e10 >= 0) num *= 10n ** BigInt(e10);
  else den = 10n ** BigInt(-e10);
  let nanos = (num * NANO) / den + ((num * NANO) % den === 0n ? 0n : 1n);
  if (binary && nanos > MAX_INT64 * NANO) nanos = MAX_INT64 * NANO;
  return [sign === '-' ? -nanos : nanos, NANO];
}
const QUANTITY_TYPE = mapType(CelScalar.STRING, CelScalar.STRING);
const quantityText = (q: CelMap) => String(q.get('quantity'));
const quantities = [
  celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (s) => QUANTITY_GRAMMAR.test(s)),
  celFunc('quantity', [CelScalar.STRING], QUANTITY_TYPE, (s) => {
    rational(s); // throws, as the library errors, on a string that is no quantity
    return new Map([['quantity', s]]);
  }),
  celMethod('compareTo', QUANTITY_TYPE, [QUANTITY_TYPE], CelScalar.INT, function (other) {
    const [a, b] = [rational(quantityText(this)), rational(quantityText(other))];
    const d = a[0] * b[1] - b[0] * a[1];
    return d === 0n ? 0n : d < 0n ? -1n : 1n;
  }),
];

// Kubernetes CEL has the strings extension (replace, among others) on top of the standard library,
// and its own libraries (the quantity functions above).
const env = celEnv({ funcs: [...strings, ...quantities] });
const programs = new Map<string, ReturnType<typeof plan>>();

export function evalCel(expression: string, bindings: Record<string, unknown>): CelResult {
  let program = programs.get(expression);
  if (!program) {
    program = plan(env, parse(expression));
    programs.set(expression, program);
  }
  return program(bindings as Record<string, CelInput>);
}

/** JSON as the apiserver hands it to CEL: integers are `int` (bigint here), null fields absent. */
export function celValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(celValue);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, celValue(v)]),
    );
  return value;
}

const RESOURCE: Record<string, string> = {
  AIStore: 'aistores',
  StatefulSet: 'statefulsets',
  Pod: 'pods',
  PersistentVolumeClaim: 'persistentvolumeclaims',
};

/** The matchConstraints the exports write: resource rules, and namespaces excluded by name. */
export interface MatchConstraints {
  resourceRules: { resources: string[]; operations: string[] }[];
  namespaceSelector: { matchExpressions: { values: string[] }[] };
}

/** Whether a policy's matchConstraints select this object on this operation in this namespace. */
export function constraintsMatch(
  constraints: MatchConstraints,
  object: KubeObject,
  operation: string,
  namespace: string,
): boolean {
  const resource = RESOURCE[object.kind ?? ''] ?? '';
  return (
    constraints.resourceRules.some(
      (r) => r.resources.includes(resource) && r.operations.includes(operation),
    ) && !constraints.namespaceSelector.matchExpressions.some((e) => e.values.includes(namespace))
  );
}

/**
 * A policy's variables, each evaluated in order and seeing those before it; a failure is added to
 * `errors`. The apiserver evaluates them lazily: evaluating each one eagerly also proves that none
 * of them can fail on these objects.
 */
export function evalVariables(
  variables: { name: string; expression: string }[],
  bindings: Record<string, unknown>,
  errors: string[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const v of variables) {
    const value = evalCel(v.expression, { ...bindings, variables: values });
    if (isCelError(value)) errors.push(`variable ${v.name}: ${value.message}`);
    else values[v.name] = value;
  }
  return values;
}

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE';
  object: KubeObject;
  oldObject?: KubeObject;
  namespace?: string;
}

export interface Verdict {
  matched: boolean;
  /** Validations that came out false, by the rule id their message starts with. */
  failures: { rule: string; message: string }[];
  /** Expressions that did not evaluate to a bool: under failurePolicy Fail, each one rejects. */
  errors: string[];
}

interface Policy {
  metadata: { name: string };
  spec: {
    matchConstraints: MatchConstraints;
    matchConditions?: { name: string; expression: string }[];
    variables: { name: string; expression: string }[];
    validations: { expression: string; message: string; messageExpression?: string }[];
  };
}

export function admit(policyObject: unknown, req: AdmissionRequest): Verdict {
  const policy = policyObject as Policy;
  const none: Verdict = { matched: false, failures: [], errors: [] };
  const namespace = req.namespace ?? req.object.metadata?.namespace ?? '';
  if (!constraintsMatch(policy.spec.matchConstraints, req.object, req.operation, namespace)) return none;

  const bindings: Record<string, unknown> = {
    object: celValue(req.object),
    oldObject: req.oldObject ? celValue(req.oldObject) : null,
    request: { operation: req.operation, namespace, name: req.object.metadata?.name ?? '' },
  };
  const errors: string[] = [];
  const asBool = (what: string, result: CelResult): boolean | undefined => {
    if (typeof result === 'boolean') return result;
    errors.push(`${what}: ${isCelError(result) ? result.message : `not a bool: ${String(result)}`}`);
    return undefined;
  };
  for (const condition of policy.spec.matchConditions ?? []) {
    const ok = asBool(`matchCondition ${condition.name}`, evalCel(condition.expression, bindings));
    if (ok === false) return none;
    if (ok === undefined) return { matched: true, failures: [], errors };
  }
  const variables = evalVariables(policy.spec.variables, bindings, errors);
  const failures: Verdict['failures'] = [];
  for (const [i, validation] of policy.spec.validations.entries()) {
    const ok = asBool(`validation ${i}`, evalCel(validation.expression, { ...bindings, variables }));
    if (ok !== false) continue;
    let message = validation.message;
    if (validation.messageExpression) {
      const text = evalCel(validation.messageExpression, { ...bindings, variables });
      if (typeof text === 'string') message = text;
      else errors.push(`messageExpression ${i}: ${String(text)}`);
    }
    failures.push({ rule: /^\[([a-z-]+)\]/.exec(message)?.[1] ?? '?', message });
  }
  return { matched: true, failures, errors };
}
