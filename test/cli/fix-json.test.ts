// fix-json.ts: a JSON List's items each edited in their own text and the result read as kubectl
// reads JSON. The bytes must be those the whole-value edit gives where both apply; a List on one
// line (jq -c), which has no item on a line of its own, is edited item by item as well.
import { describe, expect, it } from '@jest/globals';
import { editJsonItems, readJson } from '../../src/cli/fix-json.js';
import type { Manifest } from '../../src/cli/load.js';
import { applyOperation } from '../../src/cli/yaml-edit.js';
import type { PatchOperation } from '../../src/policy/index.js';

const edit = (path: (string | number)[], patch: PatchOperation[]) => ({
  manifest: { yamlPath: path } as unknown as Manifest,
  patch,
});

const list = {
  kind: 'List',
  items: [
    { kind: 'PersistentVolumeClaim', metadata: { name: 'c0' }, spec: { storageClassName: 's' } },
    { kind: 'Pod', metadata: { name: 'p1' } },
    { kind: 'Pod', metadata: { name: 'p2' }, spec: { affinity: { podAntiAffinity: { x: 1 } } } },
  ],
};
const edits = [
  edit(['items', 0], [{ op: 'add', path: '/spec/volumeName', value: 'pv-0' }]),
  edit(['items', 2], [{ op: 'remove', path: '/spec/affinity/podAntiAffinity' }]),
];
const expected = {
  kind: 'List',
  items: [
    {
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'c0' },
      spec: { storageClassName: 's', volumeName: 'pv-0' },
    },
    { kind: 'Pod', metadata: { name: 'p1' } },
    { kind: 'Pod', metadata: { name: 'p2' }, spec: { affinity: {} } },
  ],
};

const whole = (text: string) =>
  edits.reduce(
    (t, { manifest, patch }) => patch.reduce((u, op) => applyOperation(u, manifest.yamlPath, op), t),
    text,
  );

describe('editJsonItems', () => {
  it.each([
    ['two spaces', JSON.stringify(list, null, 2)],
    ['four spaces, CRLF', JSON.stringify(list, null, 4).replaceAll('\n', '\r\n')],
    ['tabs', JSON.stringify(list, null, '\t')],
  ])('indented with %s: the bytes of the whole-value edit', (_, text) => {
    const out = editJsonItems(text, edits);
    expect(out).toBe(whole(text));
    expect(readJson(out!)).toEqual(expected);
  });

  it('a line added to a tab-indented item is indented with its tabs', () => {
    const out = editJsonItems(JSON.stringify(list, null, '\t'), edits)!;
    expect(out).toContain('\n\t\t\t\t"volumeName": "pv-0"\n');
  });

  it('a List on one line (jq -c): each item edited where it stands', () => {
    const text = JSON.stringify(list);
    const out = editJsonItems(text, edits)!;
    expect(out.split('\n')).toHaveLength(1);
    expect(readJson(out)).toEqual(expected);
  });

  it('declines an object with no place in the text, or inside another edited one', () => {
    const text = JSON.stringify(list, null, 2);
    expect(editJsonItems(text, [edit(['items', 7], edits[0]!.patch)])).toBeUndefined();
    expect(editJsonItems(text, [edit([], edits[0]!.patch), ...edits])).toBeUndefined();
  });
});

describe('readJson', () => {
  it('reads what kubectl reads, and nothing it refuses or reads otherwise', () => {
    expect(readJson('{"a": [1, {"b": null}]}')).toEqual({ a: [1, { b: null }] });
    expect(readJson('{"a": 1,}')).toBeUndefined(); // encoding/json refuses a trailing comma
    expect(readJson('{"a": 1, "\\u0061": 2}')).toBeUndefined(); // one key set twice
  });
});
