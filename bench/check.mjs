// The CLI's numbers: `check` over 10,000 generated documents, as a YAML stream and as the one JSON
// List `kubectl get -o json` prints (read with JSON.parse, not the YAML reader), its cold start on
// one small file;
// then 100,000 against 10,000 documents (issue 16: per-document time within 2x; max RSS reported),
// in interleaved rounds so a slow spell of the shared machine hits both sizes alike; then one CR with
// 10,000 targets: `plan` of its PVs, and `check` of the CR with them (every PV judged beside the
// others of its deployment, which was quadratic until the PVs were indexed by claim, target and node),
// and those PVs reviewed one by one as a bulk apply through the webhook brings them (bench/bulk-apply.mjs),
// and one of them reviewed right after Node events (bench/node-events.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { bulkApply } from './bulk-apply.mjs';
import { nodeEvents } from './node-events.mjs';

function generated(count) {
  const docs = [];
  for (let c = 0; docs.length < count; c++) {
    const ns = `ais-${c}`;
    docs.push({
      apiVersion: 'ais.nvidia.com/v1beta1',
      kind: 'AIStore',
      metadata: { name: 'ais', namespace: ns },
      spec: {
        targetSpec: {
          size: 8,
          disablePodAntiAffinity: true,
          mounts: [{ path: '/data/aistore', size: '5Ti', storageClass: 'local' }],
        },
      },
    });
    for (let n = 0; n < 8 && docs.length < count; n++) {
      const claim = `ais-data-aistore-ais-target-${n}`;
      docs.push({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `${ns}-pv-${n}` },
        spec: {
          storageClassName: 'local',
          capacity: { storage: '6Ti' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: `/ais/disk${n}` },
          claimRef: { namespace: ns, name: claim },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: [`${ns}-node-${n % 4}`] },
                  ],
                },
              ],
            },
          },
        },
      });
      docs.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claim,
          namespace: ns,
          labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'local',
          volumeName: `${ns}-pv-${n}`,
          resources: { requests: { storage: '5Ti' } },
        },
      });
    }
  }
  return docs.slice(0, count);
}

const asYamlStream = (docs) => docs.map((d) => stringify(d)).join('---\n');
/** As `kubectl get -o json` prints a listing: one List, indented by four. */
const asJsonList = (docs) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs, metadata: {} }, null, 4);

const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

export function checkBench(root, quick) {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-check-bench-'));
  const big = join(dir, 'ten-thousand.yaml');
  const docs = generated(10_000);
  writeFileSync(big, asYamlStream(docs));
  const jsonList = join(dir, 'ten-thousand.json');
  writeFileSync(jsonList, asJsonList(docs));
  const small = join(root, 'test/fixtures/aistore/01-aistore-multitarget-valid.yaml');
  const cli = (file) => () => {
    try {
      execFileSync(
        process.execPath,
        [join(root, 'bin/ais-guard.js'), 'check', '-q', '--max-file-bytes=64Mi', file],
        {
          stdio: 'ignore',
          env: { ...process.env, NODE_OPTIONS: '' },
        },
      );
    } catch (err) {
      if (err.status !== 1) throw err; // 1 = findings; anything else is a broken run
    }
  };
  const bigRuns = [];
  const jsonRuns = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    bigRuns.push(time(cli(big)));
    jsonRuns.push(time(cli(jsonList)));
  }
  const coldRuns = Array.from({ length: quick ? 3 : 7 }, () => time(cli(small)));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    tenThousandDocsS: Number((median(bigRuns) / 1000).toFixed(2)),
    tenThousandJsonListS: Number((median(jsonRuns) / 1000).toFixed(2)),
    jsonListMb: Number((statSync(jsonList).size / 1e6).toFixed(1)),
    coldStartMs: Math.round(median(coldRuns)),
    coldRuns: coldRuns.length,
    ...manyDocuments(root, dir, big, quick ? 1 : 2),
    // 10,000 in the quick run too: at 2,000 the start-up alone puts it past 2x the small deployments.
    oneDeployment: oneDeployment(root, dir, 10_000),
  };
}

/**
 * One multi-target CR of `targets` targets on nodes of 4 disks each: `plan` of its PVs, then `check`
 * of the CR and those PVs, in ms per PV (next to the many small deployments' ms per document).
 */
function oneDeployment(root, dir, targets) {
  const disks = join(dir, 'disks.yaml');
  const nodes = Array.from({ length: targets / 4 }, (_, n) => [
    `node-${n}`,
    [0, 1, 2, 3].map((d) => ({ path: `/ais/d${d}`, size: '5Ti' })),
  ]);
  writeFileSync(disks, stringify(Object.fromEntries(nodes)));
  // The README's multi-target example, grown to `targets` and let onto every node of the map.
  const cr = join(dir, 'aistore.yaml');
  const example = parse(readFileSync(join(root, 'examples/multi-target/01-aistore.yaml'), 'utf8'));
  example.spec.targetSpec.size = targets;
  delete example.spec.targetSpec.nodeSelector;
  writeFileSync(cr, stringify(example));
  const volumes = join(dir, 'volumes.yaml');
  const cli = (args) =>
    spawnSync(process.execPath, [join(root, 'bin/ais-guard.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 1 << 30,
    });
  let planned;
  const planMs = time(() => (planned = cli(['plan', '--disks', disks, cr])));
  if (planned.status !== 0) throw new Error(`plan: exit ${planned.status}: ${planned.stderr.slice(0, 300)}`);
  writeFileSync(volumes, planned.stdout);
  let checked;
  const checkMs = time(() => (checked = cli(['check', '-q', '--max-file-bytes=64Mi', cr, volumes])));
  if (checked.status !== 0) throw new Error(`check: exit ${checked.status}: ${checked.stdout.slice(0, 300)}`);
  // The CR and the PVs plan made (one per target and mount, and state PVs with a state claim).
  const pvs = parseAllDocuments(planned.stdout)
    .map((d) => d.toJS())
    .filter((o) => o?.kind === 'PersistentVolume');
  const documents = 1 + pvs.length;
  return {
    targets,
    documents,
    planS: Number((planMs / 1000).toFixed(2)),
    checkS: Number((checkMs / 1000).toFixed(2)),
    checkMsPerDoc: Number((checkMs / documents).toFixed(4)),
    bulkApply: bulkApply(example, pvs),
    nodeEvents: nodeEvents(example, pvs),
  };
}

/** `check` of 100,000 documents next to 10,000: ms per document of each (median of `rounds`), max RSS. */
function manyDocuments(root, dir, tenThousand, rounds) {
  const hundred = join(dir, 'hundred-thousand.yaml');
  writeFileSync(hundred, asYamlStream(generated(100_000)));
  const maxRss = join(root, 'test/faults/support/max-rss.mjs');
  const run = (file) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      ['--import', maxRss, join(root, 'bin/ais-guard.js'), 'check', '-q', '--max-file-bytes=64Mi', file],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
        maxBuffer: 1 << 30,
      },
    );
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`check ${file}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
    return { ms, maxRssMb: Number(/maxRSS_KB (\d+)/.exec(r.stderr)?.[1]) / 1024 };
  };
  const ten = [];
  const hundredRuns = [];
  for (let i = 0; i < rounds; i++) {
    ten.push(run(tenThousand));
    hundredRuns.push(run(hundred));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perDocTen = median(ten.map((r) => r.ms)) / 10_000;
  const perDocHundred = median(hundredRuns.map((r) => r.ms)) / 100_000;
  return {
    manyDocs: {
      rounds,
      tenThousandMsPerDoc: Number(perDocTen.toFixed(4)),
      hundredThousandMsPerDoc: Number(perDocHundred.toFixed(4)),
      perDocRatio: Number((perDocHundred / perDocTen).toFixed(2)),
      tenThousandMaxRssMb: Math.round(Math.max(...ten.map((r) => r.maxRssMb))),
      hundredThousandMaxRssMb: Math.round(Math.max(...hundredRuns.map((r) => r.maxRssMb))),
    },
  };
}
