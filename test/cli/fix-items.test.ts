// fix-items.ts: a List's items each edited in their own text (review fix26: --fix of a List was
// quadratic). The result must be the bytes the whole-document edit, operation by operation, gives;
// where an item's text cannot be read alone it declines, and fix.ts edits the whole document.
import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { editItemsApart } from '../../src/cli/fix-items.js';
import type { Manifest } from '../../src/cli/load.js';
import { applyOperation } from '../../src/cli/yaml-edit.js';
import type { PatchOperation } from '../../src/policy/index.js';

const KUBE = { version: '1.1' } as const;

const edit = (i: number, patch: PatchOperation[]) => ({
  manifest: { yamlPath: ['items', i] } as unknown as Manifest,
  patch,
});

const edits = [
  edit(0, [{ op: 'add', path: '/spec/volumeName', value: 'pv-0' }]),
  edit(2, [
    { op: 'remove', path: '/spec/affinity/podAntiAffinity' },
    { op: 'add', path: '/spec/affinity/nodeAffinity', value: { required: { host: 'n2' } } },
  ]),
  edit(1, [{ op: 'replace', path: '/metadata/name', value: 'on' }]),
];

/** The same edits on the whole document, one operation at a time. */
const whole = (text: string, list = edits) =>
  list.reduce(
    (out, { manifest, patch }) => patch.reduce((t, op) => applyOperation(t, manifest.yamlPath, op), out),
    text,
  );

const apart = (text: string, list = edits) => editItemsApart(text, parseDocument(text, KUBE), list);

const block = `apiVersion: v1
kind: List
items:
  # the first claim
  - kind: PersistentVolumeClaim
    metadata: {name: c0}
    spec:
      storageClassName: s # keep
  - # an item starting on the next line
    kind: Pod
    metadata:
      name: p1
  - kind: Pod
    metadata: {name: p2}
    spec:
      affinity:
        podAntiAffinity:
          x: 1
# last`;

describe('editItemsApart', () => {
  it('gives the bytes of the whole-document edit: block items, comments, CRLF, no final break', () => {
    for (const text of [block + '\n', block, (block + '\n').replaceAll('\n', '\r\n')]) {
      const out = apart(text);
      expect(out).toBe(whole(text));
      expect(out).toContain('nodeAffinity:');
    }
  });

  it('edits the items of a JSON List (kubectl get -o json) in place, as JSON', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { kind: 'PersistentVolumeClaim', metadata: { name: 'c0' }, spec: { storageClassName: 's' } },
        { kind: 'Pod', metadata: { name: 'p1' } },
        { kind: 'Pod', metadata: { name: 'p2' }, spec: { affinity: { podAntiAffinity: { x: 1 } } } },
      ],
    };
    const text = JSON.stringify(list, null, 4) + '\n';
    const out = apart(text);
    expect(out).toBe(whole(text));
    expect((JSON.parse(out!) as typeof list).items[0]!.spec).toEqual({
      storageClassName: 's',
      volumeName: 'pv-0',
    });
  });

  it('declines where an item shares its line or there is one object only', () => {
    const oneLine =
      'kind: List\nitems: [{kind: A, metadata: {name: a}, spec: {}}, {kind: B, metadata: {name: b}}]\n';
    const two = [
      edit(0, [{ op: 'add', path: '/spec/volumeName', value: 'v' }]),
      edit(1, [{ op: 'replace', path: '/metadata/name', value: 'c' }]),
    ];
    expect(apart(oneLine, two)).toBeUndefined();
    expect(apart(block, edits.slice(0, 1))).toBeUndefined();
    // An edit the item's own text refuses: the whole document is the caller's to try.
    expect(apart(block, [edits[0]!, edit(1, [{ op: 'remove', path: '/spec/none' }])])).toBeUndefined();
    // Two edits of one item (not a List's items): declined rather than spliced twice.
    expect(apart(block, [edits[0]!, edits[0]!])).toBeUndefined();
  });
});
