// Review fix22x: AisGuardAdmissionErrors (abfc41f) is silent when every review fails.
// The case and its reasoning are in review-fix22x.rules.test.yaml; this runs it with the promtool
// test/monitoring/build.sh builds (cached in ~/.cache/ais-guard/promtool-v0.316.0-nosd/, or $PROMTOOL).
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PROMTOOL =
  process.env.PROMTOOL ?? join(homedir(), '.cache', 'ais-guard', 'promtool-v0.316.0-nosd', 'promtool');

describe('AisGuardAdmissionErrors at 100 % errors', () => {
  it('fires for guards that have failed every review since they started', () => {
    const run = spawnSync(
      PROMTOOL,
      ['test', 'rules', join('test', 'monitoring', 'review-fix22x.rules.test.yaml')],
      { encoding: 'utf8' },
    );
    expect(run.error).toBeUndefined();
    expect(`${run.stdout}${run.stderr}`).not.toContain('FAILED');
    expect(run.status).toBe(0);
  });
});
