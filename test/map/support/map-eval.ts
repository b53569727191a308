// Applies a MutatingAdmissionPolicy the way kube-apiserver does, with a CEL library instead of cel-go:
// resource, operation and namespace match, matchConditions, variables, then each JSONPatch mutation
// in order, each seeing the object the previous one left (apiserver policy/mutating dispatcher.go).
import { isCelError, isCelList, isCelMap } from '@bufbuild/cel';
import fastJsonPatch from 'fast-json-patch';
import type { KubeObject } from '../../../src/policy/index.js';
import {
  celValue,
  constraintsMatch,
  evalCel,
  evalVariables,
  type MatchConstraints,
} from '../../vap/support/vap-eval.js';

const { applyPatch } = fastJsonPatch;

/**
 * The apiserver's `JSONPatch{op: …, path: …, value: …}` is a message type the CEL library does not
 * have: the same fields as a map literal. src/map writes every operation through patchOp(), in
 * exactly this form, so the rewrite is textual and total (the unit test checks none is left).
 */
export const asMapLiterals = (expression: string): string =>
  expression
    .replaceAll('JSONPatch{op: ', "{'op': ")
    .replaceAll(', path: ', ", 'path': ")
    .replaceAll(', value: ', ", 'value': ");

/** A CEL result as JSON: ints back to numbers, lists and maps to arrays and objects. */
export function toJson(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (isCelList(v)) return [...v].map(toJson);
  if (isCelMap(v)) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), toJson(x)]));
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

interface Policy {
  spec: {
    matchConstraints: MatchConstraints;
    matchConditions?: { name: string; expression: string }[];
    variables: { name: string; expression: string }[];
    mutations: { patchType: string; jsonPatch: { expression: string } }[];
  };
}

export interface Mutated {
  matched: boolean;
  /** The object after every mutation of the policy. */
  object: KubeObject;
  /** Per mutation (by index), the operations it returned. */
  patches: { op: string; path: string; value?: unknown }[][];
  /** Expressions that failed to evaluate or patches that did not apply (failurePolicy decides). */
  errors: string[];
}

export function mutate(
  policyObject: unknown,
  operation: 'CREATE' | 'UPDATE',
  input: KubeObject,
  oldInput?: KubeObject,
): Mutated {
  const policy = policyObject as Policy;
  const none: Mutated = { matched: false, object: input, patches: [], errors: [] };
  const namespace = input.metadata?.namespace ?? '';
  if (!constraintsMatch(policy.spec.matchConstraints, input, operation, namespace)) return none;

  const errors: string[] = [];
  const request = { operation, namespace, name: input.metadata?.name ?? '' };
  const oldObject = oldInput ? celValue(oldInput) : null;
  for (const condition of policy.spec.matchConditions ?? []) {
    const ok = evalCel(condition.expression, { object: celValue(input), oldObject, request });
    if (ok === false) return none;
    if (ok !== true)
      return { ...none, matched: true, errors: [`matchCondition ${condition.name}: ${String(ok)}`] };
  }
  let object = structuredClone(input);
  const patches: Mutated['patches'] = [];
  for (const [i, mutation] of policy.spec.mutations.entries()) {
    // Variables are per evaluation: each mutation sees them computed on the current object.
    const bindings = { object: celValue(object), oldObject, request };
    const variables = evalVariables(policy.spec.variables, bindings, errors);
    const result = evalCel(asMapLiterals(mutation.jsonPatch.expression), { ...bindings, variables });
    if (isCelError(result) || !isCelList(result)) {
      errors.push(`mutation ${i}: ${isCelError(result) ? result.message : 'not a list'}`);
      patches.push([]);
      continue;
    }
    const ops = toJson(result) as Mutated['patches'][number];
    patches.push(ops);
    try {
      object = applyPatch(object, structuredClone(ops) as never, true, false).newDocument;
    } catch (err) {
      errors.push(`mutation ${i}: ${(err as Error).message}`);
    }
  }
  return { matched: true, object, patches, errors };
}
