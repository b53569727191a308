// review mon34: every series the monitoring pack reads through rate(), irate() or increase() exists
// on a guard that has not answered anything yet, with each label value the query matches.
//
// rate() and increase() extrapolate from the samples inside their window: a series that appears at
// its first count (1) has no 0 to rise from, so that count never shows. Review mon31 found
// errors_total and certificate_reloads_total appearing that way, this review the duration histogram
// and findings_total; each was fixed one by one. This checks the whole pack at once, so a new panel
// or alert over a counter that is not pre-initialised fails here rather than in a quiet on-call night.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { testApp } from '../support/app.js';

const FILES = join(DEPLOY_DIR, 'helm', 'ais-guard', 'files');
/** Labels the target adds (and Grafana's $job): not the guard's to pre-initialise. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint']);

const rules = (
  YAML.parse(readFileSync(join(FILES, 'prometheus-rules.yaml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  }
).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(join(FILES, 'dashboard.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const expressions = [
  ...rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr })),
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
];

/** Each `rate(name{matchers}[...])` (irate, increase too): the name and its = matchers on guard labels. */
function rated(expr: string): { metric: string; equal: [string, string][] }[] {
  return [...expr.matchAll(/\b(?:rate|irate|increase)\s*\(\s*([a-zA-Z_:][\w:]*)\s*(?:\{([^}]*)\})?/g)].map(
    (m) => ({
      metric: m[1]!,
      equal: [...(m[2] ?? '').matchAll(/(\w+)\s*=\s*"([^"]*)"/g)]
        .map((x): [string, string] => [x[1]!, x[2]!])
        .filter(([label]) => !TARGET_LABELS.has(label)),
    }),
  );
}

describe('review mon34: what the pack rates exists from the start', () => {
  it("every rated series, with the label values matched, is on a fresh guard's /metrics", async () => {
    const { app } = testApp();
    const text = (await request(app).get('/metrics').expect(200)).text;
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    const missing: string[] = [];
    let checked = 0;
    for (const { where, expr } of expressions)
      for (const { metric, equal } of rated(expr)) {
        checked++;
        const present = lines.some(
          (l) =>
            (l.startsWith(`${metric}{`) || l.startsWith(`${metric} `)) &&
            equal.every(([label, value]) => l.includes(`${label}="${value}"`)),
        );
        if (!present) missing.push(`${where}: ${metric}${equal.map(([l, v]) => ` ${l}="${v}"`).join('')}`);
      }
    expect(checked).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });
});
