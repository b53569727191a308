// `npm run bench`: the guard against two bare node:https baselines, same certificate, same machine,
// load from a separate process, all on 127.0.0.1. Prints a table and writes bench/results.json.
//   --quick        every case briefly (the whole run well under a minute), for a smoke check
//   --node PATH    run the three servers on another Node binary (e.g. Node 24, the image's runtime:
//                  `PATH=$(scripts/node24.sh):$PATH npm run bench` does the same for everything)
//   --scale        only the scale bench (bench/scale.mjs): the guard before a 5,000-node,
//                  100,000-PV cluster under watch churn; with --quick a tenth of that, which
//                  --quick alone also runs after the cases
// Every server runs with the Node flags of the Dockerfile's ENTRYPOINT, as production does.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { CASES } from './reviews.mjs';
import { checkBench } from './check.mjs';
import { scaleBench, scaleTable, scaleTargets } from './scale.mjs';

const QUICK = process.argv.includes('--quick');
const SCALE = process.argv.includes('--scale');
const nodeAt = process.argv.indexOf('--node');
const NODE = nodeAt > 0 ? process.argv[nodeAt + 1] : process.execPath;
const ROOT = new URL('..', import.meta.url).pathname;
const P = QUICK
  ? { repeats: 1, seconds: 2, rateSeconds: 2, leakRequests: 0 }
  : { repeats: 3, seconds: 6, rateSeconds: 10, leakRequests: 1_500_000 };

/** The V8 flags production runs with: the ones between node and the script in the ENTRYPOINT. */
function productionNodeFlags() {
  const line = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^ENTRYPOINT\s+(\[.*\])\s*$/m);
  if (!line) throw new Error('Dockerfile: no exec-form ENTRYPOINT');
  return JSON.parse(line[1]).filter((arg) => arg.startsWith('--'));
}
const NODE_FLAGS = productionNodeFlags();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function start(name, args, port) {
  const child = spawn(NODE, [...NODE_FLAGS, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  for (let i = 0; i < 200; i++) {
    try {
      execFileSync('curl', ['-sk', '-o', '/dev/null', `https://127.0.0.1:${port}/healthz`], {
        timeout: 2000,
      });
      return { name, child, port };
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${name} did not start`);
}

/** The guard's live JS heap, from its own /metrics. */
function heapUsedMb(port) {
  const text = execFileSync('curl', ['-sk', `https://127.0.0.1:${port}/metrics`]).toString();
  const m = /^(?:ais_guard_)?nodejs_heap_size_used_bytes (\d+)/m.exec(text);
  return m ? Math.round(Number(m[1]) / 2 ** 20) : null;
}

function load(options) {
  const out = execFileSync(process.execPath, [join(ROOT, 'bench/load.mjs'), JSON.stringify(options)], {
    maxBuffer: 1 << 20,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out.toString());
}

function paced(options) {
  const out = execFileSync(process.execPath, [join(ROOT, 'bench/paced.mjs'), JSON.stringify(options)], {
    maxBuffer: 1 << 20,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out.toString());
}

/** Max throughput of several servers on one case, their runs interleaved (A B A B A B) so a slow
 * spell of this shared machine hits all of them alike; the median run of each. */
function maxThroughputs(list, c) {
  const runs = list.map(() => []);
  for (let i = 0; i < P.repeats; i++)
    list.forEach((server, k) =>
      runs[k].push(load({ port: server.port, path: c.path, body: c.text, duration: P.seconds })),
    );
  return runs.map((serverRuns) => {
    const rps = median(serverRuns.map((r) => r.rps));
    const pick = serverRuns.find((r) => r.rps === rps);
    return {
      rps,
      runs: serverRuns.map((r) => Math.round(r.rps)),
      p50: pick.p50,
      p99: pick.p99,
      p999: pick.p999,
      errors: serverRuns.reduce((s, r) => s + r.errors + r.non2xx + r.timeouts, 0),
    };
  });
}

const certDir = mkdtempSync(join(tmpdir(), 'ais-guard-bench-'));
execFileSync(
  process.execPath,
  [join(ROOT, 'dist/cli/main.js'), 'certs', '--dir', certDir, '--ip', '127.0.0.1'],
  { stdio: 'ignore' },
);
const [cert, key] = [join(certDir, 'tls.crt'), join(certDir, 'tls.key')];

async function runScale() {
  const scale = await scaleBench(ROOT, {
    quick: QUICK,
    node: NODE,
    nodeFlags: NODE_FLAGS,
    cert,
    key,
    freePort,
  });
  scale.node = execFileSync(NODE, ['--version']).toString().trim();
  scale.date = new Date().toISOString();
  scale.loadavg = loadavg().map((l) => Number(l.toFixed(2)));
  scale.targets = scaleTargets(scale);
  return scale;
}

function printScale(scale) {
  console.log(
    `scale bench (${QUICK ? 'quick' : 'full'}) on ${cpus().length} cores, guard on Node ${scale.node.replace(/^v/, '')}, load average after ${scale.loadavg.join(' ')}, ${scale.date}`,
  );
  console.log(scaleTable(scale));
  console.log('scale targets:');
  for (const [name, met] of Object.entries(scale.targets))
    console.log(`  ${met ? 'met    ' : 'MISSED '} ${name}`);
}

if (SCALE) {
  const scale = await runScale();
  writeFileSync(join(ROOT, 'bench/results-scale.json'), JSON.stringify(scale, null, 2) + '\n');
  printScale(scale);
  process.exit(0);
}

const SPIN_US = 10;
const ports = { ours: await freePort(), b0: await freePort(), b1: await freePort(), spin: await freePort() };
const servers = {};
process.on('exit', () => Object.values(servers).forEach((s) => s.child.kill('SIGTERM')));
Object.assign(servers, {
  ours: await start(
    'ais-guard',
    [
      join(ROOT, 'dist/cli/main.js'),
      'serve',
      '--port',
      String(ports.ours),
      '--host',
      '127.0.0.1',
      '--tls-cert',
      cert,
      '--tls-key',
      key,
      '--no-cluster',
      '--log-level',
      'info',
    ],
    ports.ours,
  ),
  b0: await start('B0', [join(ROOT, 'bench/baseline.mjs'), 'b0', String(ports.b0), cert, key], ports.b0),
  b1: await start('B1', [join(ROOT, 'bench/baseline.mjs'), 'b1', String(ports.b1), cert, key], ports.b1),
  spin: await start(
    'B1+spin',
    [join(ROOT, 'bench/baseline.mjs'), 'b1spin', String(ports.spin), cert, key, String(SPIN_US)],
    ports.spin,
  ),
});
const results = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
  node: execFileSync(NODE, ['--version']).toString().trim(),
  nodeFlags: NODE_FLAGS,
  date: new Date().toISOString(),
  quick: QUICK,
  params: P,
  cases: [],
};

try {
  const rssBefore = rssMb(servers.ours.child.pid);
  const [b0] = maxThroughputs([servers.b0], CASES[0]);
  let spin;
  for (const c of CASES) {
    // The calibration server runs beside the first case, interleaved with it and B1.
    const [ours, b1, spun] = maxThroughputs(
      c === CASES[0] ? [servers.ours, servers.b1, servers.spin] : [servers.ours, servers.b1],
      c,
    );
    spin ??= spun;
    const fixedRate = { path: c.path, body: c.text, seconds: P.rateSeconds, rate: 1000, connections: 16 };
    const atRate = paced({ ...fixedRate, port: ports.ours });
    const b1AtRate = paced({ ...fixedRate, port: ports.b1 });
    results.cases.push({
      id: c.id,
      bodyBytes: c.text.length,
      rps: Math.round(ours.rps),
      b1Rps: Math.round(b1.rps),
      b0Rps: Math.round(b0.rps),
      ratio: Number((ours.rps / b1.rps).toFixed(3)),
      ratioB0: Number((ours.rps / b0.rps).toFixed(3)),
      runs: ours.runs,
      b1Runs: b1.runs,
      max: { p50: ours.p50, p99: ours.p99, p999: ours.p999 },
      at1000: { rps: Math.round(atRate.rps), p50: atRate.p50, p99: atRate.p99, p999: atRate.p999 },
      b1At1000: { p50: b1AtRate.p50, p99: b1AtRate.p99, p999: b1AtRate.p999 },
      errors: ours.errors + atRate.errors,
    });
    process.stderr.write(
      `${c.id}: ${Math.round(ours.rps)} req/s (B1 ${Math.round(b1.rps)}, B0 ${Math.round(b0.rps)})\n`,
    );
  }
  // Calibration: B1 plus a fixed 10 us of CPU per request, on the first case. What a perfect policy
  // costing only that would score shows how much a microsecond weighs on this machine.
  const b1First = results.cases[0].b1Rps;
  results.calibration = {
    case: CASES[0].id,
    spinUs: SPIN_US,
    rps: Math.round(spin.rps),
    ratio: Number((spin.rps / b1First).toFixed(3)),
  };
  results.rss = { beforeMb: Math.round(rssBefore), afterCasesMb: Math.round(rssMb(servers.ours.child.pid)) };

  if (P.leakRequests > 0) {
    // Memory over a long run: RSS after each half-million of the same case (the largest review),
    // and the JS heap in use then; no growth between the 2nd and 3rd half-million.
    const half = P.leakRequests / 3;
    const c = CASES[0];
    const marks = [];
    const heap = [];
    for (let i = 0; i < 3; i++) {
      load({ port: ports.ours, path: c.path, body: c.text, amount: half, connections: 32 });
      marks.push(Math.round(rssMb(servers.ours.child.pid)));
      heap.push(heapUsedMb(ports.ours));
    }
    results.rss.halfMillionMarksMb = marks;
    results.rss.heapUsedMarksMb = heap;
    results.rss.growthLastHalfMb = marks[2] - marks[1];
  }
} finally {
  for (const s of Object.values(servers)) s.child.kill('SIGTERM');
}

results.cli = checkBench(ROOT, QUICK);
if (QUICK) results.scale = await runScale();

const targets = {
  'validate/mutate >= 0.80 of B1': results.cases
    .filter((c) => c.id !== 'validate-other-pod')
    .every((c) => c.ratio >= 0.8),
  'fast path >= 0.90 of B1': results.cases
    .filter((c) => c.id === 'validate-other-pod')
    .every((c) => c.ratio >= 0.9),
  'p99 <= 5 ms at 1000 req/s': results.cases.every((c) => c.at1000.p99 <= 5),
  'RSS <= 100 MB after the long run': results.rss.halfMillionMarksMb
    ? Math.max(...results.rss.halfMillionMarksMb) <= 100
    : null,
  'no RSS growth in the last half-million (<= 5 MB)': results.rss.halfMillionMarksMb
    ? results.rss.growthLastHalfMb <= 5
    : null,
  'check 10,000 documents <= 3 s': results.cli.tenThousandDocsS <= 3,
  'check cold start <= 400 ms': results.cli.coldStartMs <= 400,
};
results.targets = targets;
writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');

const row = (cells) => `| ${cells.join(' | ')} |`;
const lines = [
  row([
    'case',
    'body B',
    'req/s',
    'B1 req/s',
    'B0 req/s',
    'ours/B1',
    'ours/B0',
    'p50/p99/p99.9 ms (max)',
    'p50/p99/p99.9 ms (1000/s)',
  ]),
  row(Array(9).fill('---')),
  ...results.cases.map((c) =>
    row([
      c.id,
      c.bodyBytes,
      c.rps,
      c.b1Rps,
      c.b0Rps,
      c.ratio.toFixed(2),
      c.ratioB0.toFixed(2),
      `${c.max.p50}/${c.max.p99}/${c.max.p999}`,
      `${c.at1000.p50}/${c.at1000.p99}/${c.at1000.p999}`,
    ]),
  ),
];
console.log(
  `ais-guard bench (${QUICK ? 'quick' : 'full'}) on ${results.machine.cpus} cores, servers on Node ${results.node.replace(/^v/, '')} ${NODE_FLAGS.join(' ')}, ${results.date}`,
);
console.log(lines.join('\n'));
console.log(
  `calibration: B1 + ${SPIN_US} us of busy CPU per request (${results.calibration.case}): ${results.calibration.rps} req/s = ${results.calibration.ratio.toFixed(2)} of B1`,
);
console.log(
  `RSS: ${results.rss.beforeMb} MB before, ${results.rss.afterCasesMb} MB after the cases${results.rss.halfMillionMarksMb ? `, ${results.rss.halfMillionMarksMb.join(' / ')} MB after each half-million (heap used ${results.rss.heapUsedMarksMb.join(' / ')} MB)` : ''}`,
);
console.log(
  `check: ${results.cli.tenThousandDocsS} s for 10,000 documents; cold start ${results.cli.coldStartMs} ms (median of ${results.cli.coldRuns})`,
);
if (results.scale) printScale(results.scale);
console.log('targets:');
for (const [name, met] of Object.entries(targets))
  console.log(`  ${met === null ? 'skipped' : met ? 'met    ' : 'MISSED '} ${name}`);
