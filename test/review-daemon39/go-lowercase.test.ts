// review daemon39: ValidateAnnotations and validateObjectFieldSelector (metadata.annotations['<key>'])
// check strings.ToLower(key) as a qualified name. Go's strings.ToLower maps U+0130 (İ) to a plain
// "i" (unicode.ToLower), where JavaScript's toLowerCase() gives "i" and U+0307, a combining dot: the
// rules refused keys Kubernetes takes. A Go program on apimachinery v0.33.13 printed
// ToLower("example.com/İd")="example.com/id", IsQualifiedName=[] (no error).
import { describe, expect, it } from '@jest/globals';
import { evaluate, EMPTY_CONTEXT, type KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

function findings(rule: string, fields: Record<string, unknown>) {
  const cr = structuredClone(aistore()) as KubeObject;
  const spec = cr.spec as Record<string, Record<string, unknown>>;
  spec.targetSpec = { ...spec.targetSpec, ...fields };
  return evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.filter(
    (f) => f.ruleId === rule,
  );
}

describe('keys lowered as Go lowers them', () => {
  it('an annotation key with U+0130 lowers to a qualified name', () => {
    expect(findings('daemon-metadata-refused', { annotations: { 'example.com/\u0130d': 'x' } })).toHaveLength(
      0,
    );
  });

  it('an env fieldRef to such an annotation resolves', () => {
    expect(
      findings('daemon-env-refused', {
        env: [
          {
            name: 'OWNER',
            valueFrom: { fieldRef: { fieldPath: "metadata.annotations['example.com/\u0130d']" } },
          },
        ],
      }),
    ).toHaveLength(0);
  });

  it('still refused: a key Go does not lower to one (U+0131, dotless i)', () => {
    expect(findings('daemon-metadata-refused', { annotations: { 'example.com/\u0131d': 'x' } })).toHaveLength(
      1,
    );
  });
});
