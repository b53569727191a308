// The rule catalogue's metadata: the verdict column comes from each rule, not from its English
// summary, and each rule says which operator behaviour it follows, linking the source lines.
import { describe, expect, it } from '@jest/globals';
import { OPERATOR_SOURCE, RULES } from '../../src/policy/index.js';

describe('rule metadata', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('%s has a verdict and operator source links', (_id, rule) => {
    expect(['deny', 'warn', 'deny / warn', 'mutate + warn / deny', 'mutate + warn']).toContain(rule.verdict);
    if (rule.mutates) expect(rule.verdict.startsWith('mutate')).toBe(true);
    const links = rule.operator.match(/\]\(([^)]+)\)/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links)
      expect(link).toMatch(
        new RegExp(`^\\]\\(${OPERATOR_SOURCE.replaceAll('.', '\\.')}/[\\w./-]+\\.go#L\\d+\\)$`),
      );
  });
});
