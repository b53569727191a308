// `npm run bench:peers` (issue 17): ais-guard side by side with the admission servers users would
// install instead, each serving the same single-object rules (bench/peers/<peer>/), and the bare
// baselines B0, B1, B2 (bench/baseline.mjs). Same certificate, same reviews (bench/reviews.mjs), same
// load generator and connections, rounds interleaved (A B C … A B C …) so a slow spell of this shared
// machine hits all alike. The table shows each server's best round (other work on the machine only
// ever slows a round down, and on a busy machine rounds differ many times over); the JSON has every
// round and the medians too. Prints a table, writes bench/results-peers.json.
//   --quick   one short round (a smoke check: every server starts, answers as ais-guard does, takes load)
// A peer is a bench/peers/<name>/peer.mjs, default export { name, version, prepare(), start() }:
// prepare() builds or installs it (cached) and returns a reason when it cannot; start({ certFile,
// keyFile, port }) gives { url (its validate endpoint), stop() }. An unavailable peer is listed with its
// reason. Exit status 1 when a server's verdict differs from ais-guard's, a load run had errors, or a
// peer could not be built or started (one that declares runsAsWebhook: false is only listed).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { captureAnswers, checkB2 } from '../answers.mjs';
import { CASES } from '../reviews.mjs';
import { discoverPeers } from './discover.mjs';
import {
  benchCertificate,
  freePort,
  guardServeArgs,
  load,
  median,
  productionNodeFlags,
  ROOT,
  startNode,
} from '../servers.mjs';

const QUICK = process.argv.includes('--quick');
const P = QUICK
  ? { rounds: 1, seconds: 2, warmupSeconds: 1, connections: 32 }
  : { rounds: 3, seconds: 5, warmupSeconds: 2, connections: 32 };
const NODE_FLAGS = productionNodeFlags();
// Peers judge the validating cases; the CR case is a mutation only ais-guard and the baselines do.
const PEER_CASES = new Set(['validate-target-pod', 'validate-target-pvc', 'validate-other-pod']);

/** One review sent with curl: the answer's JSON (null when it is not an AdmissionReview). */
function ask(url, body) {
  const out = execFileSync(
    'curl',
    ['-sk', '-X', 'POST', '-H', 'content-type: application/json', '--data-binary', '@-', url],
    { input: body, timeout: 10_000 },
  ).toString();
  try {
    return { text: out, review: JSON.parse(out) };
  } catch {
    return { text: out, review: null };
  }
}

/** The process listening on a URL's port (every server here is one process, threads included). */
function pidListeningOn(url) {
  const port = new URL(url).port;
  const line = execFileSync('ss', ['-ltnpH'])
    .toString()
    .split('\n')
    .find((l) => new RegExp(`:${port}\\s`).test(l));
  return Number(/pid=(\d+)/.exec(line ?? '')?.[1]) || undefined;
}

/** CPU time (user + system, all threads) a process has used, in microseconds (USER_HZ 100). */
function cpuUs(pid) {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

const { cert, key } = benchCertificate();
const running = [];
const stopAll = async () => {
  for (const s of running.splice(0)) await s.stop().catch(() => {});
};
process.on('exit', () => running.forEach((s) => s.kill?.()));

/** A Node server of ours (the guard, a baseline) in the shape peers' start() gives. */
async function nodeServer(name, args, port, path) {
  const s = await startNode({ name, nodeFlags: NODE_FLAGS, args, port });
  const server = {
    name,
    version: name === 'ais-guard' ? JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version : '',
    urlFor: (c) => `https://127.0.0.1:${port}${path ?? c.path}`,
    cases: null,
    pid: s.child.pid,
    kill: () => s.child.kill('SIGTERM'),
    stop: async () => {
      s.child.kill('SIGTERM');
      await new Promise((r) => (s.child.exitCode !== null ? r() : s.child.once('exit', r)));
    },
  };
  running.push(server);
  return server;
}

const servers = [];
const unavailable = [];
try {
  const ports = { ours: await freePort(), b0: await freePort(), b1: await freePort(), b2: await freePort() };
  const ours = await nodeServer('ais-guard', guardServeArgs({ port: ports.ours, cert, key }), ports.ours);
  // B2 answers with the guard's own answer bytes (bench/answers.mjs): recorded first, checked after.
  const answersFile = join(mkdtempSync(join(tmpdir(), 'ais-guard-b2-')), 'answers.json');
  writeFileSync(answersFile, JSON.stringify(await captureAnswers(ports.ours, CASES)));
  const baseline = (mode, port, extra = []) =>
    nodeServer(
      mode.toUpperCase(),
      [join(ROOT, 'bench/baseline.mjs'), mode, String(port), cert, key, ...extra],
      port,
    );
  servers.push(
    ours,
    await baseline('b0', ports.b0),
    await baseline('b1', ports.b1),
    await baseline('b2', ports.b2, [answersFile]),
  );
  await checkB2(ports.ours, ports.b2, CASES);

  for (const { peer, reason } of await discoverPeers()) {
    if (reason) {
      unavailable.push({
        name: peer.name,
        version: peer.version,
        reason,
        expected: peer.runsAsWebhook === false,
      });
      continue;
    }
    try {
      const s = await peer.start({ certFile: cert, keyFile: key, port: await freePort() });
      const server = {
        name: peer.name,
        version: peer.version,
        urlFor: () => s.url,
        cases: PEER_CASES,
        stop: s.stop,
        pid: s.pid ?? pidListeningOn(s.url),
        // On an abrupt exit (the finally below does not run) no peer process is left behind.
        kill: () => {
          try {
            if (server.pid) process.kill(server.pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        },
      };
      running.push(server);
      servers.push(server);
    } catch (e) {
      unavailable.push({
        name: peer.name,
        version: peer.version,
        reason: `start failed: ${e.message.split('\n')[0]}`,
      });
    }
  }

  // Equal work: on every case a server takes, its verdict is the guard's (B0 answers a fixed review).
  const verdicts = Object.fromEntries(
    CASES.map((c) => [c.id, ask(ours.urlFor(c), c.text).review?.response?.allowed]),
  );
  for (const server of servers.slice(1)) {
    server.verdictMismatches = [];
    if (server.name === 'B0') continue;
    for (const c of CASES.filter((c) => !server.cases || server.cases.has(c.id))) {
      const got = ask(server.urlFor(c), c.text).review?.response;
      if (got?.allowed !== verdicts[c.id] || got?.uid !== c.body.request.uid)
        server.verdictMismatches.push(`${c.id}: ${JSON.stringify(got ?? null).slice(0, 200)}`);
    }
    if (server.verdictMismatches.length)
      process.stderr.write(
        `peers: ${server.name} answers differently: ${server.verdictMismatches.join('; ')}\n`,
      );
  }

  const results = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadavgBefore: loadavg().map((l) => Number(l.toFixed(2))),
    },
    node: process.version,
    nodeFlags: NODE_FLAGS,
    date: new Date().toISOString(),
    quick: QUICK,
    params: P,
    servers: servers.map((s) => ({
      name: s.name,
      version: s.version,
      verdictMismatches: s.verdictMismatches ?? [],
    })),
    unavailable,
    cases: [],
  };

  for (const c of CASES) {
    const list = servers.filter((s) => !s.cases || s.cases.has(c.id));
    const runs = list.map(() => []);
    // Unmeasured first: JIT-compiled paths and warm connections for every server alike.
    for (const s of list)
      load({ url: s.urlFor(c), body: c.text, duration: P.warmupSeconds, connections: P.connections });
    for (let round = 0; round < P.rounds; round++)
      list.forEach((s, k) => {
        const before = cpuUs(s.pid);
        const r = load({ url: s.urlFor(c), body: c.text, duration: P.seconds, connections: P.connections });
        runs[k].push({ ...r, cpuUs: s.pid ? (cpuUs(s.pid) - before) / Math.max(1, r.requests) : null });
      });
    const rows = list.map((s, k) => {
      const rps = Math.max(...runs[k].map((r) => r.rps));
      const pick = runs[k].find((r) => r.rps === rps);
      return {
        server: s.name,
        rps: Math.round(rps),
        medianRps: Math.round(median(runs[k].map((r) => r.rps))),
        rounds: runs[k].map((r) => Math.round(r.rps)),
        p50: pick.p50,
        p99: pick.p99,
        cpuUsPerRequest: s.pid ? Math.round(median(runs[k].map((r) => r.cpuUs))) : null,
        errors: runs[k].reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts, 0),
      };
    });
    const guard = rows[0];
    for (const row of rows) {
      row.guardOverThis = Number((guard.rps / row.rps).toFixed(2));
      row.p99OverGuard = Number((row.p99 / guard.p99).toFixed(2));
    }
    results.cases.push({ id: c.id, bodyBytes: c.text.length, rows });
    process.stderr.write(`${c.id}: ${rows.map((r) => `${r.server} ${r.rps}`).join(', ')}\n`);
  }
  results.machine.loadavgAfter = loadavg().map((l) => Number(l.toFixed(2)));
  writeFileSync(join(ROOT, 'bench/results-peers.json'), JSON.stringify(results, null, 2) + '\n');

  const row = (cells) => `| ${cells.join(' | ')} |`;
  const versionOf = Object.fromEntries(servers.map((s) => [s.name, s.version]));
  console.log(
    `ais-guard side by side (${QUICK ? 'quick' : 'full'}): ${results.machine.cpus} cores (${results.machine.cpu}), load average ${results.machine.loadavgBefore[0]} before / ${results.machine.loadavgAfter[0]} after; Node ${process.version.slice(1)}; ${P.connections} connections, best of ${P.rounds} interleaved round(s) of ${P.seconds} s; ${results.date}`,
  );
  console.log(
    row([
      'case',
      'server',
      'req/s',
      'p50 ms',
      'p99 ms',
      'ais-guard req/s ÷ this',
      'p99 ÷ ais-guard p99',
      'server CPU µs/req',
    ]),
  );
  console.log(row(Array(8).fill('---')));
  for (const c of results.cases)
    for (const r of c.rows)
      console.log(
        row([
          c.id,
          `${r.server}${versionOf[r.server] ? ` ${versionOf[r.server]}` : ''}`,
          r.errors ? `${r.rps} (${r.errors} errors)` : r.rps,
          r.p50,
          r.p99,
          r.guardOverThis.toFixed(2),
          r.p99OverGuard.toFixed(2),
          r.cpuUsPerRequest ?? '',
        ]),
      );
  for (const u of unavailable)
    console.log(row(['—', `${u.name} ${u.version}`, `unavailable: ${u.reason}`, '', '', '', '', '']));
  const mismatched = servers.filter((s) => s.verdictMismatches?.length);
  for (const s of mismatched) console.log(`VERDICTS DIFFER: ${s.name}: ${s.verdictMismatches.join('; ')}`);
  const errored = results.cases.flatMap((c) =>
    c.rows.filter((r) => r.errors).map((r) => `${c.id}/${r.server}`),
  );
  if (errored.length) console.log(`ERRORS under load: ${errored.join(', ')}`);
  // A peer that should serve but could not be built or started is a failure, not a footnote.
  const missing = unavailable.filter((u) => !u.expected);
  if (missing.length) console.log(`PEERS NOT RUN: ${missing.map((u) => u.name).join(', ')}`);
  const failed = mismatched.length || errored.length || missing.length;
  console.log(
    `bench:peers: ${servers.length} servers measured, ${unavailable.length} unavailable${failed ? ', FAILED' : ''}`,
  );
  process.exitCode = failed ? 1 : 0;
} finally {
  await stopAll();
}
