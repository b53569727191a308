// review mon31: the chart's AisGuardReviewsPastTimeout counts reviews over the install's own
// webhookTimeoutSeconds (1-30), through the duration bucket at or below it; the rule file says 5 s.
// Rendered with the helm of test/helm/build.sh; promtool checks the rendered rules.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { DURATION_BUCKETS } from '../../src/server/review-stats.js';
import { builtTool as tool } from '../support/promtool.js';

const CHART = join(DEPLOY_DIR, 'helm', 'ais-guard');

interface Rule {
  alert?: string;
  expr: string;
}

function pastTimeoutExpr(timeout: number): string {
  const out = execFileSync(
    tool('HELM', 'test/helm/build.sh'),
    [
      'template',
      'ais-guard',
      CHART,
      '--namespace',
      'ais-guard',
      '--set',
      'prometheusRule.enabled=true',
      '--set',
      `webhookTimeoutSeconds=${timeout}`,
    ],
    { encoding: 'utf8' },
  );
  const rule = YAML.parseAllDocuments(out)
    .map((d) => d.toJS() as { kind?: string; spec?: { groups: { rules: Rule[] }[] } } | null)
    .find((o) => o?.kind === 'PrometheusRule')!;
  return rule.spec!.groups.flatMap((g) => g.rules).find((r) => r.alert === 'AisGuardReviewsPastTimeout')!
    .expr;
}

describe('review mon31: the chart counts reviews past its own webhookTimeoutSeconds', () => {
  it.each([1, 2, 3, 4, 5, 9, 10, 30])(
    'webhookTimeoutSeconds %i',
    (timeout) => {
      const expr = pastTimeoutExpr(timeout);
      const le = Number(/_bucket\{le="([^"]+)"\}/.exec(expr)?.[1]);
      // The highest bound the guard exports at or below the timeout (the lowest one for a 1 s timeout).
      const expected = Math.max(...DURATION_BUCKETS.filter((b) => b <= timeout && b >= 1));
      expect({ timeout, le }).toEqual({ timeout, le: expected });
    },
    120_000,
  );
});
