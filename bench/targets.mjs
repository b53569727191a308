// The goals `npm run bench` judges its results by (bench/results.json's `targets`): true met,
// false missed, null not measured in this run. Pure, for the unit tests (test/review-bench33/).
export function benchTargets(results) {
  const judged = results.cases.filter((c) => c.id !== 'validate-other-pod');
  const fastPath = results.cases.filter((c) => c.id === 'validate-other-pod');
  const long = results.rss.marks;
  return {
    'judged reviews >= 0.85 of B2': judged.every((c) => c.ratioB2 >= 0.85),
    'fast path >= 0.90 of B1': fastPath.every((c) => c.ratio >= 0.9),
    'p99 <= 5 ms at 1000 req/s': results.cases.every((c) => c.at1000.p99 <= 5),
    'RSS <= 100 MB after the long run': long ? Math.max(...long.map((m) => m.rss)) <= 100 : null,
    'RssAnon <= 64 MB after 1.5M reviews': long ? long[2].anon <= 64 : null,
    'no RSS growth in the last half-million (<= 5 MB)': long ? results.rss.growthLastHalfMb <= 5 : null,
    'check 10,000 documents <= 3 s': results.cli.tenThousandDocsS <= 3,
    'check cold start <= 400 ms': results.cli.coldStartMs <= 400,
  };
}
