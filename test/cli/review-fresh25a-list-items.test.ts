// Review fresh25a: List items in `ais-guard check` (src/cli/load.ts parseInput, itemTypeProblem)
// against what kubectl does with them (cli-runtime pkg/resource/visitor.go FlattenListVisitor).
// Each test is a defect and fails on the commit it was written against (main 0910546).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROD = readFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), 'utf8');

/** examples/ais-prod.yaml's documents (the CR and a claim with a wrong name) as YAML list items, indented. */
function asItems(indent: string): string {
  return PROD.split(/^---$/m)
    .map((doc) => doc.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')))
    .map((lines) => lines.map((l, i) => `${indent}${i === 0 ? '- ' : '  '}${l}`).join('\n'))
    .join('\n');
}

describe('review fresh25a: List items as kubectl flattens them', () => {
  // DEFECT: a List inside a List is judged as one object of kind List; its items are never judged,
  // and check says "1 object(s) checked: 0 denied", exit 0. kubectl flattens nested lists:
  // cli-runtime FlattenListVisitor.Visit walks itemsToProcess, and every item that
  // meta.IsListType recognises (an Unstructured whose "items" is a list: Unstructured.IsList) has
  // its own items extracted and appended, so `kubectl apply -f` creates the claim with the wrong
  // name (and the CR) inside the inner List. A wrong allow: the claim the operator never uses
  // passes CI. Expected: items of a nested List judged as kubectl applies them (here the pvc-name
  // deny, exit 1), or at least not a clean verdict for objects check never looked at.
  it('a List inside a List: its items are judged', async () => {
    const input = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n${asItems('  ')}\n`;
    const r = await cli(['check', '-'], input);
    expect(r.stdout).toContain('DENY  pvc-name');
    expect(r.code).toBe(1);
  });

  // DEFECT (misleading message): an item kubectl cannot type is reported as making kubectl refuse
  // "the whole List". It does not: FlattenListVisitor types each item with infoForObject, and on an
  // error it appends the error and `continue`s with the next item (errs = append(errs, err);
  // continue), so `kubectl apply` applies every other item of that List (and exits 1 with the
  // one error). A user reading check's message believes nothing of the List reached the cluster,
  // while the other items (here the ConfigMap) were applied. Expected: the message says only this
  // item is refused (kubectl applies the others), never "refuses the whole List".
  it('an item with only apiVersion: the message does not say kubectl refuses the whole List', async () => {
    const input =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: a, namespace: x}\n  data: {a: b}\n' +
      '- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: x}\n';
    const r = await cli(['check', '-'], input);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/List item 1: kind is missing/);
    expect(r.stdout + r.stderr).not.toMatch(/refuses the whole/);
  });
  // DEFECT: an item that is not a map (a string, a number, `null`, a list) is dropped without a word
  // (parseInput: `if (typeof item !== 'object' || item === null) return;`): no error, no note, and
  // with the other items clean check exits 0 ("1 object(s) checked"). The README now says an item
  // kubectl cannot type is an error or a skipped note; this one is neither. kubectl cannot even
  // decode the document: apimachinery unstructuredJSONScheme.decodeToList decodes each item with
  // decodeToUnstructured (json.Unmarshal into map[string]any) and returns its error, so `kubectl
  // apply` refuses the whole List ("cannot unmarshal string into Go value of type map[string]...")
  // and applies none of it, while CI said clean. A `null` item decodes to an empty map (no error), is
  // typed from the list (`kind: List`: kind "") and fails FlattenListVisitor's infoForObject ("Object
  // 'Kind' is missing"): that item is refused, kubectl exits 1. Expected: an input error at the item (exit 2),
  // as for an item whose kind is not a string.
  it.each([
    ['a string', '- just-a-string'],
    ['a number', '- 5'],
    ['null', '- null'],
  ])('an item that is %s is an input error', async (_name, item) => {
    const input = `apiVersion: v1\nkind: List\nitems:\n${item}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: x}\n`;
    const r = await cli(['check', '-'], input);
    expect(r.stdout + r.stderr).toMatch(/List item 1/);
    expect(r.code).toBe(2);
  });
});
