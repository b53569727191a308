// `promtool test rules` for the alert tests of test/review-ops27: the promtool of
// test/monitoring/run.sh (built once from Go modules by test/monitoring/build.sh, then cached, unless
// PROMTOOL names one), the shipped rules, and the series and retry pace those tests feed them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';

/** The rules the chart ships (deploy/overlays/monitoring renders the same pack). */
export const RULES = join(DEPLOY_DIR, 'helm', 'ais-guard', 'files', 'prometheus-rules.yaml');

/** The labels a guard replica's series carry when the ServiceMonitor scrapes it. */
export const GUARD_LABELS = 'namespace="ais-guard",job="ais-guard",pod="guard-a"';

/** A tool built from Go modules by its build.sh (cached), unless named in the environment. */
export function builtTool(env: string, script: string): string {
  const given = process.env[env];
  if (given) return given;
  return execFileSync(join(DEPLOY_DIR, '..', script), { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
}

export interface UnitTestGroup {
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[];
}

/**
 * One `promtool test rules` run of `group`, evaluated every minute, against `rules`: the path of a
 * rule file (the shipped one by default), or rule groups written out as one.
 */
export function promtoolTest(group: UnitTestGroup, rules: string | object = RULES) {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-ops27-'));
  try {
    let ruleFile = rules;
    if (typeof rules !== 'string') {
      ruleFile = join(dir, 'rules.yaml');
      writeFileSync(ruleFile, YAML.stringify(rules));
    }
    const file = join(dir, 'unit.test.yaml');
    writeFileSync(
      file,
      YAML.stringify({ rule_files: [ruleFile], evaluation_interval: '1m', tests: [group] }),
    );
    const run = spawnSync(builtTool('PROMTOOL', 'test/monitoring/build.sh'), ['test', 'rules', file], {
      encoding: 'utf8',
    });
    return { status: run.status, text: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** As promtoolTest, but an error other than failed expectations (FAILED) throws; the output. */
export function promtoolExpectations(group: UnitTestGroup, rules?: string | object) {
  const run = promtoolTest(group, rules);
  if (run.status !== 0 && !/FAILED/.test(run.text)) throw new Error(`promtool failed: ${run.text}`);
  return run;
}

/** promtool's eval time (Go duration: 45m, 1h16m, 2h) in minutes. */
export const minutesOf = (d: string): number =>
  [...d.matchAll(/(\d+)([hms])/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * (unit === 'h' ? 60 : unit === 'm' ? 1 : 1 / 60),
    0,
  );

/**
 * Seconds (from `start`) at which controller-runtime's default rate limiter
 * (workqueue.DefaultTypedControllerRateLimiter) retries one failing item, up to `untilSeconds`.
 */
export function operatorRetries(start: number, untilSeconds: number): number[] {
  const times: number[] = [];
  for (let t = start, n = 0; t <= untilSeconds; n++) {
    times.push(t);
    t += Math.min(0.005 * 2 ** n, 1000); // ItemExponentialFailureRateLimiter(5ms, 1000s)
  }
  return times;
}

/**
 * A counter of `events` (seconds) as scraped every `scrape` seconds from `from` to `hours`: the count
 * so far at each scrape, or '_' (no series) while it is 0 when `absentUntilFirst`.
 */
export function scrapedCount(
  events: number[],
  o: { from: number; hours: number; scrape: number; absentUntilFirst: boolean },
): string {
  const samples: (number | string)[] = [];
  for (let at = o.from; at <= o.hours * 3600; at += o.scrape) {
    const n = events.filter((t) => t <= at).length;
    samples.push(n === 0 && o.absentUntilFirst ? '_' : n);
  }
  return samples.join(' ');
}

/**
 * The minutes (5 to `hours` * 60, each evaluated expecting no alert) at which promtool sees
 * `alertname` firing on `series`, sampled every `scrape` seconds.
 */
export function minutesFiring(
  alertname: string,
  series: UnitTestGroup['input_series'],
  hours: number,
  scrape: number,
): number[] {
  const minutes = Array.from({ length: hours * 60 - 4 }, (_, i) => i + 5);
  const { text } = promtoolExpectations({
    interval: `${scrape}s`,
    input_series: series,
    alert_rule_test: minutes.map((m) => ({ eval_time: `${m}m`, alertname, exp_alerts: [] })),
  });
  return [...text.matchAll(new RegExp(`alertname: ${alertname}, time: ([0-9hms]+)`, 'g'))].map((m) =>
    minutesOf(m[1]!),
  );
}
