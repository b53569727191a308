// README "Monitoring" shows what `npm run test:monitoring` prints, in a ```text block the README test
// does not run (it builds promtool and helm from Go modules). What that output says about the pack
// itself needs neither: promtool's "SUCCESS: N rules found" counts the rules of the chart's
// prometheus-rules.yaml, and the alert table lists every alert there. Checked here against the file,
// so a rule added to the pack makes the shown output wrong in a test, not on a user's screen.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pack = YAML.parse(
  readFileSync(join(ROOT, 'deploy/helm/ais-guard/files/prometheus-rules.yaml'), 'utf8'),
) as { groups: { rules: { alert?: string; record?: string }[] }[] };
const rules = pack.groups.flatMap((g) => g.rules);

/** The lines of the README block that starts with `$ npm run test:monitoring`, up to its fence. */
function shown(): string[] {
  const lines = readme.split('\n');
  const start = lines.indexOf('$ npm run test:monitoring');
  if (start < 0) throw new Error('no "$ npm run test:monitoring" in README.md');
  const end = lines.indexOf('```', start);
  return lines.slice(start + 1, end);
}

describe('README "Monitoring": the shown test:monitoring output and alert table', () => {
  it("says promtool found as many rules as the chart's prometheus-rules.yaml has", () => {
    const counts = shown()
      .map((l) => /SUCCESS: (\d+) rules found/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(counts.length).toBe(2); // the file, then the chart's rendered PrometheusRule
    expect(counts).toEqual([rules.length, rules.length]);
  });

  it('lists every alert of the pack in its table, and no other', () => {
    const table = readme
      .split('\n')
      .map((l) => /^\| `(AisGuard\w+)`/.exec(l)?.[1])
      .filter((a): a is string => a !== undefined);
    expect(table.sort()).toEqual(rules.map((r) => r.alert ?? r.record).sort());
  });
});
