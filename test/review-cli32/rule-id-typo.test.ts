// Review cli32: a mistyped rule id (`rules explain target-hostport`, serve's `--rule-mode
// target-hostport=warn`) listed all seventeen ids and left the reader to find the one meant; the same
// "did you mean" as an unknown command now comes first. The list stays: it is the reference.
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/server/config.js';
import { cli } from '../support/cli.js';

describe('review cli32: a mistyped rule id', () => {
  it('rules explain: suggests the id meant, then the ids, exit 2', async () => {
    const r = await cli(['rules', 'explain', 'target-hostport']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ais-guard rules: unknown rule "target-hostport" \(did you mean "target-host-port"\?\); rule ids: legacy-anti-affinity-field, /,
    );
  });

  it('rules explain with nothing close: the list alone, as before', async () => {
    const r = await cli(['rules', 'explain', 'nope']);
    expect(r.stderr).toMatch(/^ais-guard rules: unknown rule "nope"; rule ids: /);
  });

  it('serve --rule-mode: the same suggestion', async () => {
    await expect(loadConfig({ flags: { 'rule-mode': 'pvc-nme=warn' }, env: {} })).rejects.toThrow(
      /unknown rule "pvc-nme" \(did you mean "pvc-name"\?\)/,
    );
  });
});
