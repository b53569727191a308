// `ais-guard rules explain ID`: every rule has an example it passes and one it fails, and evaluate()
// gives those verdicts (so the examples cannot go stale as the rules change).
import { describe, expect, it } from '@jest/globals';
import { judgeExample } from '../../src/cli/rules.js';
import { EXAMPLES } from '../../src/cli/rules-examples.js';
import { RULE_IDS, RULES } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';

describe('rules explain', () => {
  it('has examples for every rule and no other', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...RULE_IDS].sort());
  });

  it.each(RULE_IDS)('%s: the pass example passes, the fail example fails', (id) => {
    const rule = RULES.find((r) => r.id === id)!;
    expect(judgeExample(id, EXAMPLES[id]!.pass).findings).toEqual([]);
    const failed = judgeExample(id, EXAMPLES[id]!.fail).findings;
    expect(failed.length).toBeGreaterThan(0);
    // A rule that can deny shows a denial; a warn-only rule its warning.
    const denies = failed.some((f) => f.action === 'deny');
    expect(denies || failed.every((f) => f.action === 'warn')).toBe(true);
    // A rule whose catalogue verdict is plain deny shows a denial.
    if (rule.verdict === 'deny') expect(denies).toBe(true);
  });

  it('prints the rule, its source and both examples with their verdicts', async () => {
    const r = await cli(['rules', 'explain', 'target-host-port']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^target-host-port: /);
    expect(r.stdout).toMatch(/^Enforces: +https:\/\/github\.com\/NVIDIA\/ais-k8s\//m);
    // The operator behaviour it follows, with the source line as a plain link for a terminal.
    expect(r.stdout).toMatch(
      /^Operator: +.*\(https:\/\/github\.com\/NVIDIA\/ais-k8s\/blob\/v3\.4\.0\/operator\/\S+#L\d+\)/m,
    );
    expect(r.stdout).not.toMatch(/\]\(/);
    expect(r.stdout).toMatch(/^Passes: .*\n[\s\S]*-> no target-host-port finding/m);
    expect(r.stdout).toMatch(/^Fails: .*\n[\s\S]*-> DENY target-host-port: /m);
  });

  it.each([
    [
      ['rules', 'explain', 'nope'],
      /^ais-guard rules: unknown rule "nope"; rule ids: legacy-anti-affinity-field, /,
    ],
    [['rules', 'explain'], /^ais-guard rules: no rule id; rule ids: /],
    [['rules', 'describe', 'x'], /^ais-guard rules: unknown subcommand "describe"/],
  ])('%j: one line, exit 2', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
