// The README's `ais-guard doctor` transcripts (from test/e2e/13-doctor) show a whole run: one line per
// check. A check added to doctor must show up there too, or a reader counts the lines of a healthy
// install against the README and takes the extra one for a problem (or misses that it exists).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plain } from '../../src/cli/colour.js';
import { renderDoctorText, runChecks } from '../../src/doctor/index.js';
import { expectedFor, healthySnapshot, makeCerts, NOW } from '../doctor/support.js';

const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const COMMAND = '$ ais-guard doctor -n doctor-023cd';

/** The output lines after each `$ ais-guard doctor -n doctor-023cd`, up to the next command or fence. */
function transcripts(markdown: string): string[][] {
  const lines = markdown.split('\n');
  const out: string[][] = [];
  lines.forEach((line, i) => {
    if (line !== COMMAND) return;
    const block: string[] = [];
    for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('$ ') && !lines[j]!.startsWith('```'); j++)
      block.push(lines[j]!);
    out.push(block);
  });
  return out;
}

describe("README's doctor transcripts", () => {
  it('list every check doctor prints, in its order, and the audit CronJob not installed as doctor says it', async () => {
    const expected = await expectedFor('base', 'doctor-023cd');
    const results = runChecks(await healthySnapshot(expected, makeCerts()), expected, NOW);
    // Padded to the longest check name, as doctor prints it with the others.
    const audit = renderDoctorText(results, plain)
      .split('\n')
      .find((l) => l.startsWith('ok    audit-cronjob'));
    expect(audit).toBeDefined();
    const blocks = transcripts(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      expect(block.map((l) => l.split(/\s+/)[1])).toEqual(results.map((r) => r.check));
      expect(block).toContain(audit);
    }
  });
});
