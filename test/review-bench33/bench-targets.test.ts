// The goals `npm run bench` and its scale bench print as met or missed (bench/targets.mjs,
// scaleTargets in bench/scale.mjs): a run whose reviews failed must not meet a goal with the
// numbers of its failures (a 500 or a refused connection comes back fast).
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

type Targets = Record<string, boolean | null>;
const ROOT = new URL('../..', import.meta.url).pathname;
const { benchTargets } = (await import(join(ROOT, 'bench/targets.mjs'))) as {
  benchTargets(results: unknown): Targets;
};
const { scaleTargets } = (await import(join(ROOT, 'bench/scale.mjs'))) as {
  scaleTargets(scale: unknown): Targets;
};

/** One case of bench/results.json, every ratio and latency inside its goal. */
const benchCase = (id: string, errors = 0) => ({
  id,
  ratio: 0.95,
  ratioB2: 0.9,
  at1000: { p99: 1.2 },
  errors,
});
const results = (errors: number) => ({
  cases: [benchCase('validate-target-pod', errors), benchCase('validate-other-pod')],
  rss: {},
  cli: {
    tenThousandDocsS: 2,
    coldStartMs: 200,
    manyDocs: { tenThousandMsPerDoc: 0.25, perDocRatio: 1.1, hundredThousandMaxRssMb: 250 },
    oneDeployment: { checkMsPerDoc: 0.4, bulkApply: { denied: 0, ratio: 1.1 }, nodeEvents: { ratio: 1.2 } },
  },
});

describe('npm run bench: goals', () => {
  it('a clean run with good numbers meets the throughput and latency goals', () => {
    const t = benchTargets(results(0));
    expect(t['judged reviews >= 0.85 of B2']).toBe(true);
    expect(t['p99 <= 5 ms at 1000 req/s']).toBe(true);
  });

  it("check's scale goals: 100,000 documents against 10,000, and one deployment's PVs against both", () => {
    const goals = (cli: Record<string, unknown>) => {
      const r = results(0);
      const t = benchTargets({ ...r, cli: { ...r.cli, ...cli } });
      return Object.entries(t)
        .filter(([k]) => k.startsWith('check ') && !/10,000 documents <= 3 s|cold start/.test(k))
        .map(([, v]) => v);
    };
    expect(goals({})).toEqual([true, true]);
    const many = results(0).cli.manyDocs;
    expect(goals({ manyDocs: { ...many, perDocRatio: 2.4 } })).toEqual([false, true]);
    // A quadratic walk of one deployment's PVs: 50 s for 10,001 documents, 5 ms each.
    const one = results(0).cli.oneDeployment;
    expect(goals({ oneDeployment: { ...one, checkMsPerDoc: 5 } })).toEqual([true, false]);
  });

  it('the bulk apply goal: reviews that grow with the PVs before them, or deny one, miss it', () => {
    const bulk = (bulkApply: Record<string, number>) => {
      const r = results(0);
      const one = { ...r.cli.oneDeployment, bulkApply };
      return Object.entries(benchTargets({ ...r, cli: { ...r.cli, oneDeployment: one } })).find(([k]) =>
        k.startsWith('a PV review in a bulk apply'),
      )?.[1];
    };
    expect(bulk({ denied: 0, ratio: 1.1 })).toBe(true);
    // Each review walking all the PVs before it: 9,500 against 1,500 on average.
    expect(bulk({ denied: 0, ratio: 6.3 })).toBe(false);
    // A review that denies is not the webhook's path for a clean deployment.
    expect(bulk({ denied: 1, ratio: 1 })).toBe(false);
  });

  it('the Node event goal: a review after a Node event that grows with the deployment misses it', () => {
    const afterNodeEvent = (ratio: number) => {
      const r = results(0);
      const one = { ...r.cli.oneDeployment, nodeEvents: { ratio } };
      return Object.entries(benchTargets({ ...r, cli: { ...r.cli, oneDeployment: one } })).find(([k]) =>
        k.startsWith('a PV review right after a Node event'),
      )?.[1];
    };
    expect(afterNodeEvent(1.2)).toBe(true);
    // Each Node event making the set's record afresh: 13.6x for 10x the PVs (2026-12-07).
    expect(afterNodeEvent(13.6)).toBe(false);
  });

  it('a run whose guard failed reviews under load meets no throughput or latency goal', () => {
    const t = benchTargets(results(120));
    expect(t['judged reviews >= 0.85 of B2']).toBe(false);
    expect(t['p99 <= 5 ms at 1000 req/s']).toBe(false);
  });
});

/** A scale result (bench/results-scale.json's shape) with every goal met. */
function scale({ churnErrors = 0, churnP99 = 0.8 as number | null } = {}) {
  const window = (p99: number | null, errors = 0) => ({
    'validate-target-pod': { p99, errors },
    'validate-target-pvc': { p99, errors },
  });
  return {
    empty: { reviews: window(0.7) },
    cluster: {
      syncS: 4,
      rssMb: 200,
      cpu: { eventsShareOfCore: 0.03 },
      reviews: window(churnP99, churnErrors),
    },
  };
}

describe('npm run bench -- --scale: goals', () => {
  it('a clean run with good numbers meets the latency goals', () => {
    const t = scaleTargets(scale());
    const latency = Object.entries(t).filter(([k]) => /p99/.test(k));
    expect(latency.length).toBe(2);
    expect(latency.every(([, v]) => v === true)).toBe(true);
  });

  it('reviews that failed under churn meet no latency goal', () => {
    const t = scaleTargets(scale({ churnErrors: 40 }));
    expect(Object.entries(t).filter(([k, v]) => /p99/.test(k) && v !== false)).toEqual([]);
  });

  it('a p99 the run could not give (too few samples) is not a met goal', () => {
    const t = scaleTargets(scale({ churnP99: null }));
    expect(Object.entries(t).filter(([k, v]) => /p99/.test(k) && v === true)).toEqual([]);
  });
});

describe('a bench run that lost reviews fails', () => {
  const answered = (t: Targets) =>
    Object.entries(t).find(([k]) => k.startsWith('every review answered'))?.[1];

  it('npm run bench: a goal of its own, false when the guard or a baseline failed reviews', () => {
    expect(answered(benchTargets(results(0)))).toBe(true);
    expect(answered(benchTargets(results(3)))).toBe(false);
    const baselineFailed = results(0);
    Object.assign(baselineFailed.cases[1]!, { baselineErrors: 2 });
    expect(answered(benchTargets(baselineFailed))).toBe(false);
  });

  it('the scale bench: a goal of its own, false when any window (B1 too) lost reviews', () => {
    const withB1 = (errors: number) => {
      const s = scale();
      const window = {
        'validate-target-pod': { p99: 1, errors },
        'validate-target-pvc': { p99: 1, errors: 0 },
      };
      return {
        ...s,
        cluster: { ...s.cluster, quietReviews: scale().empty.reviews, b1: { quiet: window, churn: window } },
      };
    };
    expect(answered(scaleTargets(withB1(0)))).toBe(true);
    expect(answered(scaleTargets(withB1(7)))).toBe(false);
  });
});
