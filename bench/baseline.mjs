// Baselines on bare node:https, same certificate as the guard:
//   b0: a fixed "allowed" AdmissionReview, body not read (TLS + HTTP only);
//   b1: reads and JSON.parses the review, answers allowed with its uid (the unavoidable work);
//   b1spin: b1 plus SPIN_US microseconds of busy CPU per request, a calibration: how much throughput
//     a fixed amount of policy work costs on this machine (more than its share: see the README);
//   b2: reads and parses the review like b1, then answers with the exact bytes ais-guard answered for
//     that review (ANSWERS: a JSON file of { path, kind, name, answer } the caller recorded from the
//     guard), its uid swapped in: the guard's answer size and TLS write without its policy work.
// Usage: node baseline.mjs b0|b1|b1spin|b2 PORT CERT KEY [SPIN_US | ANSWERS]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [mode, port, certFile, keyFile, extra = '0'] = process.argv.slice(2);
const spinMs = mode === 'b1spin' ? Number(extra) / 1000 : 0;
/** b2: answer bytes around the uid, by path, kind and name of the review. */
const answers = new Map(
  mode === 'b2'
    ? JSON.parse(readFileSync(extra, 'utf8')).map(({ path, kind, name, answer }) => {
        const uid = JSON.parse(answer).response.uid;
        const at = answer.indexOf(JSON.stringify(uid));
        return [
          `${path} ${kind} ${name}`,
          [answer.slice(0, at), answer.slice(at + JSON.stringify(uid).length)],
        ];
      })
    : [],
);
const FIXED = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: 'fixed', allowed: true },
});

const server = createServer(
  { cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' },
  (req, res) => {
    if (mode === 'b0' || req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(FIXED) });
      res.end(FIXED);
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (spinMs > 0) for (const until = performance.now() + spinMs; performance.now() < until;);
      const recorded = answers.get(`${req.url} ${review.request.kind.kind} ${review.request.name}`);
      const text = recorded
        ? recorded[0] + JSON.stringify(review.request.uid) + recorded[1]
        : JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: review.request.uid, allowed: true },
          });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  },
);
server.keepAliveTimeout = 95_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
