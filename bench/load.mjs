// One load run with autocannon, in its own process (the server under test never shares its event
// loop with the load generator). Usage: node load.mjs '<json options>'; prints the result as JSON.
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2]);
// Only the options given: autocannon treats an explicit `duration: undefined` as invalid.
const defined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const result = await autocannon(
  defined({
    // A peer's full URL (its own validate path), else the guard's port and path.
    url: o.url ?? `https://127.0.0.1:${o.port}${o.path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: o.body,
    connections: o.connections ?? 32,
    pipelining: 1,
    duration: o.duration,
    amount: o.amount,
    overallRate: o.rate,
    timeout: 10,
  }),
);

const l = result.latency;
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    durationS: result.duration,
    p50: l.p50,
    p99: l.p99,
    p999: l.p99_9,
    max: l.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }) + '\n',
);
