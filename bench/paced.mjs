// Fixed-rate latency: an open-loop client that sends requests on a 1/rate schedule (checked every
// millisecond) over keep-alive HTTPS connections, whether or not earlier ones were answered, so a
// stalled server cannot slow the client down and hide its stall. Latency runs from the moment a
// request is sent, not from its slot in the schedule: each tick's timer fires up to a millisecond
// late, which would be the client's, not the server's; but a client that falls further behind (a
// busy machine deschedules it) sends late and hides that wait. `sendLagMs` (p99, max: how late
// sends left against their slots) shows how far the run can be trusted, and `fromSchedule` (p50,
// p99, p99.9) gives the latencies from each request's slot, the coordinated-omission-free reading,
// timer lateness included. (On this 2-core rig at load average 11, in one quick scale round B1's
// client ran 73 ms behind at its p99 while the p99 from the send read 17.5 ms.) autocannon's overallRate
// sends each second's quota in one burst, which measures its own queue rather than the server.
// The first `warmupSeconds` (default 1) run at the same rate but are not counted: they hold the TLS
// handshakes of every connection and the JIT warming up, on client and server alike.
// Quantiles are nearest-rank, null from too few samples (bench/stats.mjs); `samples: true` adds them all.
// Usage: node paced.mjs '<json: port, path, body, rate, seconds, connections, warmupSeconds, samples>'; prints JSON.
import { Agent, request } from 'node:https';
import { latencyQuantiles } from './stats.mjs';

const o = JSON.parse(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: o.connections ?? 16, rejectUnauthorized: false });
const body = Buffer.from(o.body);
const warmup = Math.round(o.rate * (o.warmupSeconds ?? 1));
const total = warmup + Math.round(o.rate * o.seconds);
const intervalNs = 1e9 / o.rate;
const latencies = new Float64Array(total);
const lags = new Float64Array(total);
let done = 0;
let errors = 0;
let sent = 0;
const start = process.hrtime.bigint();

function send(i, scheduled) {
  const req = request(
    {
      host: '127.0.0.1',
      port: o.port,
      path: o.path,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) errors++;
        latencies[i] = Number(process.hrtime.bigint() - scheduled) / 1e6;
        if (++done === total) finish();
      });
    },
  );
  req.on('error', () => {
    errors++;
    latencies[i] = Number(process.hrtime.bigint() - scheduled) / 1e6;
    if (++done === total) finish();
  });
  req.end(body);
}

function tick() {
  const now = process.hrtime.bigint();
  for (let due; sent < total && (due = start + BigInt(Math.round(sent * intervalNs))) <= now; sent++) {
    const at = process.hrtime.bigint();
    lags[sent] = Number(at - due) / 1e6;
    send(sent, at);
  }
  // A 1 ms timer rather than a busy loop: the client must not take the CPU the server needs.
  if (sent < total) setTimeout(tick, 1);
}

function finish() {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(
    JSON.stringify({
      requests: total - warmup,
      rps: Number((total / seconds).toFixed(1)),
      ...latencyQuantiles(latencies.subarray(warmup)),
      errors,
      sendLagMs: (({ p99, max }) => ({ p99, max }))(latencyQuantiles(lags.subarray(warmup))),
      fromSchedule: (({ p50, p99, p999 }) => ({ p50, p99, p999 }))(
        latencyQuantiles(latencies.subarray(warmup).map((ms, i) => ms + lags[warmup + i])),
      ),
      // Every counted latency (µs resolution), for a caller that pools runs (bench/stats.mjs).
      ...(o.samples && {
        samples: Array.from(latencies.subarray(warmup), (ms) => Math.round(ms * 1000) / 1000),
      }),
    }) + '\n',
  );
  agent.destroy();
}

tick();
