// review decode38: text a CR holds goes into a warning clipped and escaped, as the value itself is
// (operator-refuses-spec's `shown`). Before: a duration's unknown unit went in whole (a
// 100,000-character unit made a 100,000-character warning, a newline in it a line break in the
// warning), and so did a resource name daemon-resources-refused found no container asks for.
import { describe, expect, it } from '@jest/globals';
import { evaluate, EMPTY_CONTEXT, type KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

function messagesOf(edit: (spec: Record<string, Record<string, unknown>>) => void, rule: string) {
  const cr = structuredClone(aistore()) as KubeObject;
  edit(cr.spec as Record<string, Record<string, unknown>>);
  return evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT)
    .findings.filter((f) => f.ruleId === rule)
    .map((f) => f.message);
}

describe('CR text in warnings is clipped and escaped', () => {
  it('an unknown duration unit of 100,000 characters', () => {
    const [message, ...more] = messagesOf(
      (s) => (s.configToUpdate = { timeout: { max_keepalive: `1${'x'.repeat(100_000)}` } }),
      'operator-refuses-spec',
    );
    expect(more).toEqual([]);
    expect(message).toMatch(/no Go duration: unknown unit "x+…/);
    expect(message!.length).toBeLessThan(2_000);
  });

  it('an unknown duration unit holding a line break', () => {
    const [message] = messagesOf(
      (s) => (s.configToUpdate = { timeout: { max_keepalive: '1s\n2s' } }),
      'operator-refuses-spec',
    );
    expect(message).toMatch(/unknown unit "s\\n"/);
    expect(message).not.toMatch(/\n/);
  });

  it('a resource name of 100,000 characters, and one holding a line break', () => {
    const [message, ...more] = messagesOf(
      (s) => (s.targetSpec!.resources = { limits: { ['x'.repeat(100_000)]: '1', 'a\nb': '1' } }),
      'daemon-resources-refused',
    );
    expect(more).toEqual([]);
    expect(message).toMatch(/limits\.xxx+… is no resource name; limits\."a\\nb" is no resource name/);
    expect(message!.length).toBeLessThan(2_000);
  });
});
