// Baselines on bare node:https, same certificate as the guard:
//   b0: a fixed "allowed" AdmissionReview, body not read (TLS + HTTP only);
//   b1: reads and JSON.parses the review, answers allowed with its uid (the unavoidable work);
//   b2: reads and JSON.parses the review, answers with the exact bytes ais-guard answers for that
//     review (its warnings, audit annotations, patch), the request's uid swapped in: B1 plus the
//     cost of the guard's larger answer on the wire, none of the guard's own work;
//   b3: B2's server with the guard's own review in it: decodeReview(), review() (evaluate() and the
//     answer) and the answer's text, as `serve` runs them, but none of serve's bookkeeping (body
//     limits, metrics, the log line, connection tracking): B3 - B2 is the policy, ours - B3 the rest;
//   b1spin: b1 plus SPIN_US microseconds of busy CPU per request, a calibration: how much throughput
//     a fixed amount of policy work costs on this machine (docs/performance.md).
// Usage: node baseline.mjs b0|b1|b1spin|b2|b3 PORT CERT KEY [SPIN_US | ANSWERS_JSON]
//   ANSWERS_JSON (b2): a file {"<path> <kind> <name>": {"answer": "<ais-guard's answer>", "uid": "<its uid>"}}
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [mode, port, certFile, keyFile, extra = '0'] = process.argv.slice(2);
const spinMs = mode === 'b1spin' ? Number(extra) / 1000 : 0;
const FIXED = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: 'fixed', allowed: true },
});

/** Each answer split around its uid, so the request's own uid goes in between. */
const answers = new Map();
if (mode === 'b2')
  for (const [key, { answer, uid }] of Object.entries(JSON.parse(readFileSync(extra, 'utf8')))) {
    const quoted = JSON.stringify(uid);
    const at = answer.indexOf(quoted);
    if (at < 0) throw new Error(`b2: the answer for ${key} does not hold its uid`);
    answers.set(key, [answer.slice(0, at), answer.slice(at + quoted.length)]);
  }

/** b3 only: the guard's build, as `serve --no-cluster` judges (the bench serves it so). */
const guard =
  mode === 'b3'
    ? await Promise.all([
        import('../dist/server/admission.js'),
        import('../dist/server/review.js'),
        import('../dist/server/config.js'),
        import('../dist/server/cluster-source.js'),
      ]).then(([admission, review, config, clusterSource]) => {
        const deps = { config: config.DEFAULTS, cluster: clusterSource.noCluster() };
        return (path, body) =>
          admission.answerText(review.review(path.slice(1), admission.decodeReview(body), deps).body);
      })
    : undefined;

function reply(res, text) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer(
  { cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' },
  (req, res) => {
    if (mode === 'b0' || req.method !== 'POST') return reply(res, FIXED);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (guard) return reply(res, guard(req.url, review));
      const { uid } = review.request;
      if (spinMs > 0) for (const until = performance.now() + spinMs; performance.now() < until;);
      if (mode === 'b2') {
        const r = review.request;
        const parts = answers.get(`${req.url} ${r.kind.kind} ${r.name ?? r.object?.metadata?.name}`);
        if (parts) return reply(res, parts[0] + JSON.stringify(uid) + parts[1]);
      }
      reply(
        res,
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid, allowed: true },
        }),
      );
    });
  },
);
server.keepAliveTimeout = 95_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
