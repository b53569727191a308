// review placement38: what daemon-placement-refused quotes from a CR goes into its warning clipped
// and escaped, and a list of many bad tolerations is named in part, as daemon-resources-refused and
// operator-refuses-spec do. Before: a nodeSelector key went in unquoted (a line break in the key made
// one in the warning), a 100,000-character key or value went in whole, and 20,000 bad tolerations
// made one warning of about a megabyte.
import { describe, expect, it } from '@jest/globals';
import { evaluate, EMPTY_CONTEXT, type KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

function warningOf(target: Record<string, unknown>) {
  const cr = structuredClone(aistore()) as KubeObject;
  Object.assign((cr.spec as Record<string, Record<string, unknown>>).targetSpec!, target);
  const found = evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.filter(
    (f) => f.ruleId === 'daemon-placement-refused',
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('daemon-placement-refused quotes CR text clipped and escaped', () => {
  it('a nodeSelector key holding a line break, and its value', () => {
    const { message } = warningOf({ nodeSelector: { 'a\nb': 'x y' } });
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(
      /nodeSelector key "a\\nb" is no label key; nodeSelector "a\\nb": "x y" is no label value/,
    );
  });

  it('a nodeSelector key and value of 100,000 characters', () => {
    const long = 'x'.repeat(100_000);
    const { message, fix } = warningOf({ nodeSelector: { [long]: `${long} ` } });
    expect(message).toMatch(/nodeSelector key "x+…/);
    expect(message.length).toBeLessThan(2_000);
    expect((fix ?? '').length).toBeLessThan(2_000);
  });

  it('toleration texts of 100,000 characters', () => {
    const long = 'x'.repeat(100_000);
    const { message } = warningOf({
      tolerations: [{ key: long, operator: long, value: long, effect: long }],
    });
    expect(message).toMatch(/tolerations\[0\]: key "x+…/);
    expect(message.length).toBeLessThan(2_000);
  });

  it('20,000 bad tolerations: the first few named, the rest counted', () => {
    const { message } = warningOf({ tolerations: Array.from({ length: 20_000 }, () => ({ value: 'v' })) });
    expect(message).toMatch(/tolerations\[0\]: no key needs operator Exists/);
    expect(message).toMatch(/\(and \d+ more\)/);
    expect(message.length).toBeLessThan(2_000);
  });
});
