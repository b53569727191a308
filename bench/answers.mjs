// What ais-guard answers for each bench case, byte for byte, for the B2 baseline to answer the same
// (bench/baseline.mjs b2). Asked of the running guard once before the load, so B2 always matches the
// build under test; checkB2 then asks B2 and fails the bench if any answer differs.
import { request } from 'node:https';

/** The key B2 finds a review's answer under: path, kind and name, as baseline.mjs builds it. */
export const answerKey = (c) =>
  `${c.path} ${c.body.request.kind.kind} ${c.body.request.name ?? c.body.request.object.metadata.name}`;

function post(port, path, text) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString('utf8'))
            : reject(new Error(`${path}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** {key: {answer, uid}} for every case, from the guard at `port`. */
export async function captureAnswers(port, cases) {
  const out = {};
  for (const c of cases)
    out[answerKey(c)] = { answer: await post(port, c.path, c.text), uid: c.body.request.uid };
  return out;
}

/** B2's (or B3's) answer must be ours with the uid swapped: checked with a uid neither has seen. */
export async function checkB2(oursPort, b2Port, cases, name = 'B2') {
  for (const c of cases) {
    const body = { ...c.body, request: { ...c.body.request, uid: 'b2-check-0f3a' } };
    const text = JSON.stringify(body);
    const [ours, b2] = [await post(oursPort, c.path, text), await post(b2Port, c.path, text)];
    if (ours !== b2) throw new Error(`${name} answers ${c.id} differently from ais-guard:\n${ours}\n${b2}`);
  }
}
