// One review of each bench case, in process (no TLS, no sockets): the whole path `serve` runs for a
// request (body read, JSON.parse, decodeReview, review(): evaluate and the answer, answerText,
// metrics, the log line at info into /dev/null) through createApp's own handler with a stand-in
// request and response, and each stage alone. What B2 must do as well (JSON.parse of the body, the
// answer's bytes, through the same stand-ins) is timed as "floor". Several builds can be compared in one run, interleaved.
//
//   node bench/in-process.mjs [--roots DIR,DIR] [--n 20000] [--rounds 5] [--case ID] [--stages]
//
// DIR is a checkout (or a copy of its dist/ with package.json and node_modules beside it); the
// default is this one. Prints µs per review, the median of the rounds. Run `npm run build` first.
import { EventEmitter } from 'node:events';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers';
import { parseArgs } from 'node:util';
import { CASES } from './reviews.mjs';
import { median, ROOT } from './servers.mjs';

const { values: opts } = parseArgs({
  options: {
    roots: { type: 'string', default: ROOT },
    n: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    case: { type: 'string' },
    stages: { type: 'boolean', default: false },
  },
});
const N = Number(opts.n);
const roots = opts.roots.split(',');
const cases = CASES.filter((c) => !opts.case || c.id === opts.case);
const devNull = openSync('/dev/null', 'w');

/** A stand-in for IncomingMessage: what createApp and readBody read of it. */
function request(c, raw) {
  const req = new EventEmitter();
  req.method = 'POST';
  req.url = c.path;
  req.headers = { 'content-type': 'application/json', 'content-length': String(raw.length) };
  req.socket = { destroySoon() {} };
  req.resume = req.pause = () => {};
  return req;
}

/** A stand-in for ServerResponse: keeps the answer written. */
function response() {
  return {
    headersSent: false,
    shouldKeepAlive: true,
    text: '',
    setHeader() {},
    once() {},
    writeHead() {
      this.headersSent = true;
    },
    end(text) {
      this.text = text;
    },
  };
}

async function load(root) {
  const dist = (p) => import(join(root, 'dist', p));
  const [app, admission, reviewMod, config, clusterSource, metricsMod, logDest] = await Promise.all(
    [
      'server/app.js',
      'server/admission.js',
      'server/review.js',
      'server/config.js',
      'server/cluster-source.js',
      'server/metrics.js',
      'cli/log-destination.js',
    ].map(dist),
  );
  const { pino } = await import(join(root, 'node_modules/pino/pino.js'));
  const logger = pino(
    { level: 'info', base: { service: 'ais-guard' } },
    logDest.turnBatchedDestination(devNull),
  );
  const metrics = new metricsMod.Metrics();
  const deps = { config: config.DEFAULTS, cluster: clusterSource.noCluster() };
  const handler = app.createApp({
    ...deps,
    metrics,
    logger,
    state: { tlsReady: true, draining: false },
  });
  /** One request through serve's handler; returns the answer's text. */
  const whole = (c, raw) => {
    const req = request(c, raw);
    const res = response();
    handler(req, res);
    req.emit('data', raw);
    req.emit('end');
    req.emit('close');
    return res.text;
  };
  const parsed = (c) => JSON.parse(c.raw.toString('utf8'));
  const stages = {
    'JSON.parse': (c) => parsed(c),
    decodeReview: (c) => admission.decodeReview(c.body),
    'review()': (c) => reviewMod.review(c.path.slice(1), c.decoded, deps),
    answerText: (c) => admission.answerText(c.outcome.body),
    'metrics.observe': (c) => metrics.observe(c.path.slice(1), c.outcome.verdict, c.outcome.findings, 1e-4),
    'log line': (c) =>
      logger.info(
        {
          endpoint: c.path.slice(1),
          uid: c.decoded.uid,
          operation: c.decoded.operation,
          kind: c.decoded.kind.kind,
          namespace: c.decoded.namespace,
          name: c.decoded.object.metadata.name,
          verdict: c.outcome.verdict,
          rules: c.outcome.findings.length
            ? c.outcome.findings.map((f) => `${f.ruleId}=${f.action}`)
            : undefined,
          ms: 0.123,
        },
        'review',
      ),
  };
  return { whole, stages, admission, reviewMod, deps };
}

/** µs per call of fn over N calls, in batches of 64 with a turn between (the log destination writes then). */
async function time(fn) {
  const start = performance.now();
  for (let i = 0; i < N;) {
    for (const end = Math.min(N, i + 64); i < end; i++) fn(i);
    await new Promise(setImmediate);
  }
  return ((performance.now() - start) * 1000) / N;
}

/** What B2 (bench/baseline.mjs) does for a review, through the same stand-ins: the floor. */
function b2(c, raw) {
  const req = request(c, raw);
  const res = response();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const text = c.answer.replace(c.body.request.uid, review.request.uid);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  req.emit('data', raw);
  req.emit('end');
  req.emit('close');
  return res.text;
}

const builds = [];
for (const root of roots) builds.push({ root, ...(await load(root)) });

// Every build answers every case alike (the comparison is only fair then).
for (const c of cases) {
  const raw = Buffer.from(c.text);
  const answers = builds.map((b) => b.whole(c, raw));
  if (new Set(answers).size !== 1)
    throw new Error(`${c.id}: the builds answer differently:\n${answers.join('\n')}`);
  c.answer = answers[0];
  c.raw = raw;
}

const results = {}; // `${case} ${build} ${stage}` -> [µs per round]
const add = (key, us) => (results[key] ??= []).push(us);
for (const b of builds) for (const c of cases) await time(() => b.whole(c, c.raw)); // warm-up
for (let round = 0; round < Number(opts.rounds); round++)
  for (const c of cases) {
    add(`${c.id} floor`, await time(() => b2(c, c.raw)));
    for (const [i, b] of builds.entries()) {
      add(`${c.id} ${i} whole`, await time(() => b.whole(c, c.raw)));
      if (!opts.stages) continue;
      const ctx = { ...c, body: JSON.parse(c.text) };
      ctx.decoded = b.admission.decodeReview(ctx.body);
      ctx.outcome = b.reviewMod.review(c.path.slice(1), ctx.decoded, b.deps);
      for (const [stage, fn] of Object.entries(b.stages))
        add(`${c.id} ${i} ${stage}`, await time(() => fn(ctx)));
    }
  }

console.log(
  `µs per review, median of ${opts.rounds} rounds of ${N}; builds: ${roots.map((r, i) => `${i}=${r}`).join(' ')}`,
);
for (const [key, xs] of Object.entries(results))
  console.log(`${key.padEnd(48)} ${median(xs).toFixed(2).padStart(8)}`);
