// The goals `npm run bench` judges its results by (bench/results.json's `targets`): true met,
// false missed, null not measured in this run. Pure, for the unit tests (test/review-bench33/).
// A case's numbers count only if every review of it was answered 200, by the guard and by the
// baselines it is compared with: a 500 or a refused connection comes back fast, and would make a
// broken guard (or baseline) look quick.
const answeredAll = (c) => c.errors === 0 && (c.baselineErrors ?? 0) === 0;
const known = (x) => typeof x === 'number';

export function benchTargets(results) {
  const judged = results.cases.filter((c) => c.id !== 'validate-other-pod');
  const fastPath = results.cases.filter((c) => c.id === 'validate-other-pod');
  const long = results.rss.marks;
  const longClean = long && (results.rss.errors ?? 0) === 0;
  return {
    'every review answered (no errors, non-200s or timeouts)':
      results.cases.every(answeredAll) && (!long || longClean),
    'judged reviews >= 0.85 of B2':
      judged.length > 0 && judged.every((c) => answeredAll(c) && c.ratioB2 >= 0.85),
    'fast path >= 0.90 of B1': fastPath.length > 0 && fastPath.every((c) => answeredAll(c) && c.ratio >= 0.9),
    'p99 <= 5 ms at 1000 req/s': results.cases.every(
      (c) => answeredAll(c) && known(c.at1000.p99) && c.at1000.p99 <= 5,
    ),
    'RSS <= 100 MB after the long run': long ? longClean && Math.max(...long.map((m) => m.rss)) <= 100 : null,
    'RssAnon <= 64 MB after 1.5M reviews': long ? longClean && long[2].anon <= 64 : null,
    'no RSS growth in the last half-million (<= 5 MB)': long
      ? longClean && results.rss.growthLastHalfMb <= 5
      : null,
    'check 10,000 documents <= 3 s': results.cli.tenThousandDocsS <= 3,
    'check cold start <= 400 ms': results.cli.coldStartMs <= 400,
    // Its max RSS is printed, not judged here: 300 MB is held on its 18 MB file of 100,000 small claims by the fault
    // suite (test/faults/cli-input.test.ts); this file is 40 MB of CRs, PVs and claims.
    'check 100,000 documents within 2x the per-document time of 10,000':
      results.cli.manyDocs.perDocRatio <= 2,
    // One deployment's PVs judge each other: linear in them as the many small deployments' documents are.
    'check of one CR and its PVs within 2x the per-document time of 10,000 documents':
      results.cli.oneDeployment.checkMsPerDoc <= 2 * results.cli.manyDocs.tenThousandMsPerDoc,
    // The webhook's side of the same PVs, applied one by one: a review follows the PV's neighbours.
    'a PV review in a bulk apply of those PVs: the last 1,000 within 2x the time of the 1,001st-2,000th':
      results.cli.oneDeployment.bulkApply.denied === 0 && results.cli.oneDeployment.bulkApply.ratio <= 2,
    // A Node joining, leaving, labelled or tainted reads again the PVs on that Node, not the deployment's.
    'a PV review right after a Node event: in a deployment of 10,000 PVs within 2x one of 1,000':
      results.cli.oneDeployment.nodeEvents.ratio <= 2,
  };
}
