// Measured numbers from a fault run: one JSON file per test in $AIS_GUARD_FAULTS_REPORT (default
// <tmp>/ais-guard-faults), and one line on stderr, so docs/reliability.md can quote a real run.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPORT_DIR = process.env.AIS_GUARD_FAULTS_REPORT ?? join(tmpdir(), 'ais-guard-faults');

export function record(name: string, data: Record<string, unknown>): void {
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(join(REPORT_DIR, `${name}.json`), JSON.stringify(data, null, 2) + '\n');
  appendFileSync(
    join(REPORT_DIR, 'summary.log'),
    `${new Date().toISOString()} ${name} ${JSON.stringify(data)}\n`,
  );
  process.stderr.write(`[faults] ${name}: ${JSON.stringify(data)}\n`);
}
