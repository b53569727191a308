// review hostile32: YAML 1.1's explicit collection and binary tags, read as kubectl's go-yaml v2 reads
// them into the JSON it sends (decode.go: a !!binary scalar becomes the string of its base64 bytes;
// a collection's tag is not looked at, so !!set and !!omap stay a map and a list). The yaml
// library's YAML 1.1 schema made a byte array, a JS Set and a JS Map of them: a name written as
// !!binary was "a map, not a string (an unrendered template?)", and a !!set or !!omap read as {}.
import { describe, expect, it } from '@jest/globals';
import { parseSource } from '../../src/cli/load.js';

const read = (body: string) => {
  const errors: Parameters<typeof parseSource>[2] = [];
  const parsed = parseSource('tags.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${body}`, errors);
  return { errors, object: parsed.manifests[0]?.object };
};

describe('explicit YAML 1.1 tags, as go-yaml v2 reads them', () => {
  it('!!binary is the string its base64 decodes to', () => {
    const { errors, object } = read('  name: !!binary aGVsbG8=\n  namespace: a\n');
    expect(errors).toEqual([]);
    expect(object?.metadata?.name).toBe('hello');
  });

  it('!!binary over several lines (a block scalar), as base64 ignores the line breaks', () => {
    const { errors, object } = read('  name: x\n  annotations:\n    a: !!binary |\n      aGVs\n      bG8=\n');
    expect(errors).toEqual([]);
    expect(object?.metadata?.annotations).toEqual({ a: 'hello' });
  });

  it('!!set is a map of nulls and !!omap a list of one-key maps', () => {
    const { errors, object } = read('  name: x\n  labels: !!set {p, q}\n  finalizers: !!omap [p: 1]\n');
    expect(errors).toEqual([]);
    expect(object?.metadata?.labels).toEqual({ p: null, q: null });
    expect((object?.metadata as Record<string, unknown> | undefined)?.finalizers).toEqual([{ p: 1 }]);
  });
});
