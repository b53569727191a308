// The webhook peers (Pepr's capability, Kyverno's admission controller with policy.yaml) give the shared
// verdict set's verdicts (bench/peers/verdicts.mjs) through their own admission servers: the side-by-side
// benches compare equal work. Each needs its peer prepared (Pepr installed, Kyverno's controller built:
// prepare() does it, cached) and a control plane for its state (up.sh, started by prepare() unless
// AIS_GUARD_PEERS_KUBECONFIG names one), and dist/ for the certificate: `npm run test:peers`
// (test/peers/run.sh builds dist/), not `npm test`.
import { request } from 'node:https';
import { join } from 'node:path';
import type { Peer } from '../../bench/peers/index.mjs';

interface Verdict {
  name: string;
  review: { request: { uid: string } };
  allowed: boolean;
}

const ROOT = new URL('../..', import.meta.url).pathname;
// .mjs modules without type declarations: imported by path.
const load = async <T>(path: string): Promise<T> => (await import(join(ROOT, path))) as T;

/** One review to the peer; its answer's response (the certificate is our own, for 127.0.0.1). */
function ask(
  url: string,
  body: unknown,
): Promise<{ uid?: string; allowed?: boolean; status?: { message?: string } }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      url,
      { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve((JSON.parse(Buffer.concat(chunks).toString()) as { response: never }).response);
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

// test/peers/run.sh's PEERS picks the Go-built peers of a run: Kyverno's controller runs only when it
// names kyverno (or is unset). Pepr is installed from npm by its own prepare() and always runs.
const picked = process.env.PEERS?.split(/\s+/).filter(Boolean);
const WEBHOOK_PEERS: { goPeer?: string; path: string; name: string; message: RegExp }[] = [
  // Pepr answers with the policy's message as it is; Kyverno puts the policy's name before it.
  {
    path: 'bench/peers/pepr/peer.mjs',
    name: 'Pepr',
    message: /^\[(target-host-port|target-host-network|pvc-name)\] /,
  },
  {
    goPeer: 'kyverno',
    path: 'bench/peers/kyverno/peer.mjs',
    name: 'Kyverno',
    message: /\[(target-host-port|target-host-network|pvc-name)\] /,
  },
];

let verdicts: Verdict[];
beforeAll(async () => {
  verdicts = (await load<{ VERDICTS: Verdict[] }>('bench/peers/verdicts.mjs')).VERDICTS;
});
afterAll(async () => {
  (await load<{ stopControlPlane(): void }>('bench/peers/cluster.mjs')).stopControlPlane();
});

const PEERS = WEBHOOK_PEERS.filter((p) => !p.goPeer || !picked || picked.includes(p.goPeer));

describe.each(PEERS)('$name', ({ path, name, message }) => {
  let server: { url: string; stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    const peer = (await load<{ default: Peer }>(path)).default;
    const reason = await peer.prepare();
    if (reason) throw new Error(`${name} unavailable: ${reason}`);
    // The benches' own serving pair and port, as bench:peers gives them to a peer.
    const { benchCertificate, freePort } = await load<{
      benchCertificate(): { cert: string; key: string };
      freePort(): Promise<number>;
    }>('bench/servers.mjs');
    const pair = benchCertificate();
    server = await peer.start({ certFile: pair.cert, keyFile: pair.key, port: await freePort() });
  }, 900_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('gives every verdict of the shared set, each answer for its own review', async () => {
    const got: string[] = [];
    for (const v of verdicts) {
      const response = await ask(server!.url, v.review);
      expect(response.uid).toBe(v.review.request.uid);
      // A denial names its rule, as ais-guard's do.
      if (!response.allowed) expect(response.status?.message).toMatch(message);
      got.push(`${v.name}: ${response.allowed ? 'allowed' : 'denied'}`);
    }
    expect(got).toEqual(verdicts.map((v) => `${v.name}: ${v.allowed ? 'allowed' : 'denied'}`));
  });
});
