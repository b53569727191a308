// review mon34: the dashboard's "Errors/s by reason" says which reasons it counts; it listed four of
// the six the guard writes (src/server/metrics.ts ERROR_REASONS), leaving out too_slow (408, a body
// sent too slowly) and overloaded (429, too many review bytes in flight), the two an on-call
// operator most needs to tell from a broken guard.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { ERROR_REASONS } from '../../src/server/metrics.js';

const dashboard = JSON.parse(
  readFileSync(join(DEPLOY_DIR, 'helm', 'ais-guard', 'files', 'dashboard.json'), 'utf8'),
) as { panels: { title: string; description: string }[] };

describe('review mon34: the errors panel names every reason', () => {
  it('its description lists each reason of ais_guard_errors_total', () => {
    const { description } = dashboard.panels.find((p) => p.title === 'Errors/s by reason')!;
    expect(ERROR_REASONS.filter((r) => !description.includes(r))).toEqual([]);
  });
});
