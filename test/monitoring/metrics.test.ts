// What /metrics says about the process: ais_guard_build_info, and Node's default metrics under the
// names stock Node.js dashboards query (unprefixed), each name once. Plus the PromQL name reader
// that test/monitoring/pack.test.ts checks the alerts and the dashboard with.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Metrics } from '../../src/server/metrics.js';
import { promqlMetricNames } from './promql.js';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('process metrics', () => {
  it('ais_guard_build_info names the version and Node.js', async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toContain(`ais_guard_build_info{version="${version}",node="${process.version}"} 1`);
  });

  it("Node's default metrics are unprefixed, and nothing is prefixed twice", async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).not.toMatch(/^ais_guard_(process|nodejs)_/m);
    expect(text).not.toMatch(/ais_guard_ais_guard_/);
    const types = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    expect(new Set(types).size).toBe(types.length);
  });
});

describe('promqlMetricNames', () => {
  it.each([
    ['ais_guard_cluster_cache_synced == 0', ['ais_guard_cluster_cache_synced']],
    [
      'ais_guard_certificate_expiry_timestamp_seconds - time() < 14 * 86400',
      ['ais_guard_certificate_expiry_timestamp_seconds'],
    ],
    [
      'histogram_quantile(0.99, sum by (job, le) (rate(x_bucket{job=~"$job", le!="a b"}[5m]))) > 0.025',
      ['x_bucket'],
    ],
    ['a > 3 * b offset 5m and on (job) c', ['a', 'b', 'c']],
    ['rate(process_cpu_seconds_total{job=~"$job"}[$__rate_interval])', ['process_cpu_seconds_total']],
    ['sum without (pod) (y) / ignoring(le) group_left z', ['y', 'z']],
    ['1e3 + 2', []],
  ])('%s', (expr, names) => {
    expect(promqlMetricNames(expr)).toEqual(names);
  });
});
