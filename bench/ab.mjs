// Two builds of `ais-guard serve` and B2 on the same bench cases, their runs interleaved (A B B2 A B
// B2 ...): the server CPU a review costs and the request rate, the median run of each. For a change's
// gain on the served path, which the full bench (run.mjs) measures for one build only.
//
//   node bench/ab.mjs BASE_ROOT [--runs 5] [--seconds 4] [--case ID,ID] [--rate R] [--pin]
//
// --rate R loads each server at a fixed R requests/s instead of as fast as it answers: the CPU a
// review costs then depends less on how the server and the load generator share the two cores.
// --pin runs the servers on CPU 0 and the load generator on CPU 1 (taskset): no sharing of a core
// between them (docs/performance.md: the ratios to B2 came out the same both ways).
// BASE_ROOT is another checkout (or a copy of its dist/, package.json and node_modules); B is this
// one. Both must answer every case with the same bytes. Run `npm run build` in both first.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { captureAnswers } from './answers.mjs';
import { CASES } from './reviews.mjs';
import {
  benchCertificate,
  freePort,
  guardServeArgs,
  load,
  median,
  productionNodeFlags,
  ROOT,
  startNode,
} from './servers.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '4' },
    case: { type: 'string' },
    rate: { type: 'string' },
    pin: { type: 'boolean', default: false },
  },
});
const [baseRoot] = positionals;
if (!baseRoot)
  throw new Error(
    'usage: node bench/ab.mjs BASE_ROOT [--runs N] [--seconds S] [--case ID,ID] [--rate R] [--pin]',
  );
const [serverCpus, loadCpus] = opts.pin ? ['0', '1'] : [];
const cases = CASES.filter((c) => !opts.case || opts.case.split(',').includes(c.id));
const nodeFlags = productionNodeFlags();
const { cert, key, dir } = benchCertificate();

/** CPU time (user + system) the process has used, in microseconds. */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks (USER_HZ 100)
}

const servers = [];
process.on('exit', () => servers.forEach((s) => s.child.kill('SIGTERM')));
const guard = async (name, root) => {
  const port = await freePort();
  const args = guardServeArgs({ port, cert, key, root });
  const server = await startNode({ name, nodeFlags, args, port, cpus: serverCpus });
  servers.push(server);
  return server;
};
const a = await guard('A', baseRoot);
const b = await guard('B', ROOT);
const answersA = await captureAnswers(a.port, cases);
const answersB = await captureAnswers(b.port, cases);
if (JSON.stringify(answersA) !== JSON.stringify(answersB)) throw new Error('A and B answer differently');
const answersFile = join(dir, 'answers.json');
writeFileSync(answersFile, JSON.stringify(answersB));
const b2Port = await freePort();
const b2 = await startNode({
  name: 'B2',
  nodeFlags,
  args: [join(ROOT, 'bench/baseline.mjs'), 'b2', String(b2Port), cert, key, answersFile],
  port: b2Port,
  cpus: serverCpus,
});
servers.push(b2);

const list = [a, b, b2];
const seconds = Number(opts.seconds);
const rate = opts.rate === undefined ? undefined : Number(opts.rate);
for (const server of list)
  for (const c of cases) load({ port: server.port, path: c.path, body: c.text, duration: 1 }, loadCpus);
console.log(
  `A = ${baseRoot}, B = ${ROOT}; ${opts.runs} interleaved runs of ${seconds} s${rate ? ` at ${rate} req/s` : ''}${opts.pin ? ', servers on CPU 0, load on CPU 1' : ''}, medians`,
);
console.log(
  'case                      | A req/s | B req/s | B2 req/s | CPU µs/review A / B / B2 | A/B2 | B/B2',
);
for (const c of cases) {
  const runs = list.map(() => []);
  for (let i = 0; i < Number(opts.runs); i++)
    list.forEach((server, k) => {
      const before = cpuUs(server.child.pid);
      const r = load({ port: server.port, path: c.path, body: c.text, duration: seconds, rate }, loadCpus);
      runs[k].push({ rps: r.rps, cpu: (cpuUs(server.child.pid) - before) / Math.max(1, r.requests) });
    });
  const [ra, rb, r2] = runs.map((rs) => ({
    rps: median(rs.map((r) => r.rps)),
    cpu: median(rs.map((r) => r.cpu)),
  }));
  console.log(
    `${c.id.padEnd(25)} | ${ra.rps.toFixed(0).padStart(7)} | ${rb.rps.toFixed(0).padStart(7)} | ${r2.rps.toFixed(0).padStart(8)} | ${[
      ra,
      rb,
      r2,
    ]
      .map((r) => r.cpu.toFixed(0))
      .join(' / ')
      .padStart(24)} | ${(ra.rps / r2.rps).toFixed(2)} | ${(rb.rps / r2.rps).toFixed(2)}`,
  );
}
process.exit(0);
