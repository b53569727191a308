// doctor's output: one line per check (status, check, what was found, what to do), or JSON.
import type { Paint } from '../cli/colour.js';
import { ASK_AGAIN } from './checks/common.js';
import type { CheckResult, Status } from './types.js';

const STYLE: Record<Status, Parameters<Paint>[0]> = { ok: 'cyan', warn: 'yellow', fail: 'red', skip: 'dim' };

export function renderDoctorText(results: CheckResult[], paint: Paint): string {
  const width = Math.max(...results.map((r) => r.check.length));
  return results
    .map((r) => {
      const status = paint(STYLE[r.status], r.status.padEnd(4));
      const fix = r.fix ? ` ${paint('bold', 'Fix:')} ${r.fix}` : '';
      return `${status}  ${r.check.padEnd(width)}  ${r.message}${r.message.endsWith('.') ? '' : '.'}${fix}\n`;
    })
    .join('');
}

export function summaryOf(results: CheckResult[]) {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return { ok: count('ok'), warn: count('warn'), fail: count('fail'), skip: count('skip') };
}

export function renderDoctorJson(results: CheckResult[], meta: Record<string, unknown>): string {
  return (
    JSON.stringify({ tool: 'ais-guard', ...meta, summary: summaryOf(results), checks: results }, null, 2) +
    '\n'
  );
}

/**
 * 0: nothing to fix; 1: a check failed (or warned, with --strict). A warn whose one fix is to ask
 * again (the apiserver did not answer) is no finding about the install, even with --strict: the
 * caller exits 2 for the reads not answered.
 */
export function exitCodeOf(results: CheckResult[], strict: boolean): 0 | 1 {
  const counts = (r: CheckResult) =>
    r.status === 'fail' || (strict && r.status === 'warn' && r.fix !== ASK_AGAIN);
  return results.some(counts) ? 1 : 0;
}
