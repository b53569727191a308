// Review "fix32": a key `check --fix` adds to a flow map written one entry per line (JSON as
// `kubectl get -o json` or `jq .` print it, kept in Git) was appended to the last entry's line:
// `"storageClassName": "ais-local-storage", "volumeName": "storage-node-01-pv-ais-sdb"`, a line
// with two keys in a file that has one per line everywhere else. It goes on a line of its own, at
// the column of the entries before it, as the user (or jq) would have written it.
import { describe, expect, it } from '@jest/globals';
import { applyOperation } from '../../src/cli/yaml-edit.js';
import type { PatchOperation } from '../../src/policy/index.js';

const add = (text: string, path: string, value: unknown) =>
  applyOperation(text, [], { op: 'add', path, value } as PatchOperation);

describe('a key added to a flow map with one entry per line gets a line of its own', () => {
  it('JSON as kubectl get -o json prints it', () => {
    const text =
      '{\n    "kind": "PersistentVolumeClaim",\n    "spec": {\n        "accessModes": [\n            "ReadWriteOnce"\n        ],\n        "storageClassName": "ais-local-storage"\n    }\n}\n';
    const out = add(text, '/spec/volumeName', 'pv-1');
    expect(out).toBe(
      text.replace('"ais-local-storage"\n', '"ais-local-storage",\n        "volumeName": "pv-1"\n'),
    );
    expect(JSON.parse(out)).toEqual({
      ...JSON.parse(text),
      spec: { ...JSON.parse(text).spec, volumeName: 'pv-1' },
    });
  });
  it('YAML flow, CRLF', () => {
    const text = 'spec: {\r\n  storageClassName: local\r\n}\r\n';
    expect(add(text, '/spec/volumeName', 'pv-1')).toBe(
      'spec: {\r\n  storageClassName: local,\r\n  volumeName: pv-1\r\n}\r\n',
    );
  });
  it('blanks or a comment after the last entry: appended on its line, before them (one insertion)', () => {
    expect(add('spec: {\n  a: 1  # one\n}\n', '/spec/b', 2)).toBe('spec: {\n  a: 1, b: 2  # one\n}\n');
  });
  it('entries sharing a line, or the "}" on the last one: appended as before', () => {
    expect(add('spec: {a: 1,\n  b: 2}\n', '/spec/c', 3)).toBe('spec: {a: 1,\n  b: 2, c: 3}\n');
    expect(add('spec: {a: 1, b: 2}\n', '/spec/c', 3)).toBe('spec: {a: 1, b: 2, c: 3}\n');
  });
});
