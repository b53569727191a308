// review upgrade33: a rolling restart as the apiserver sees it, behind a stand-in for kube-proxy.
//
// Two replicas (same certificate, as from one Secret) behind a TCP proxy that sends each NEW
// connection to a replica whose /readyz answers 200 (polled every 100 ms: endpoints and kube-proxy)
// and leaves established connections where they are, as kube-proxy's conntrack does. The client is
// the apiserver: kept-alive connections, a review after each answer, no readiness of its own, no
// retry of a POST. One replica gets SIGTERM with --shutdown-delay (deploy/base passes 5 s).
// Before the fix the kept-alive connections stayed on the terminating replica for the whole delay
// and were closed when it ended, some under a review being written: failed calls, i.e. refused
// AIStore writes on the Fail entries. Expected: none fails.
// Run: npm run build, then
// NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.js test/faults/review-upgrade33
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aistore } from '../support/builders.js';
import { reviewOf } from '../support/review.js';
import { errorCode, isAnswer, keepAlive, pool, send, sleep, until, type Target } from './support/client.js';
import { spawnGuard, type ChildGuard } from './support/guard.js';
import { record } from './support/report.js';

const dir = mkdtempSync(join(tmpdir(), 'upgrade33-rolling-'));
const children: ChildGuard[] = [];
let proxy: Server | undefined;
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(2000)));
  proxy?.close();
});

const start = async (...flags: string[]) => {
  const g = await spawnGuard(['--port=0', '--host=127.0.0.1', `--cert-dir=${dir}`, '--no-cluster', ...flags]);
  children.push(g);
  return g;
};

describe('review upgrade33: rolling restart with kept-alive connections', () => {
  it('no review fails while one replica terminates', async () => {
    // deploy/base's delay: the prober below must see /readyz fail and route new connections away
    // before the listener closes, and on a busy machine it can take a second or two (2 s was close).
    const DELAY_S = 5;
    const old = await start(`--shutdown-delay=${DELAY_S}`, '--shutdown-timeout=3');
    const other = await start();
    const ca = readFileSync(join(dir, 'ca.crt'));
    const backends = [old.port, other.port];
    const ready = new Map<number, boolean>(backends.map((p) => [p, true]));

    let probing = true;
    const prober = (async () => {
      while (probing) {
        for (const port of backends) {
          const res = await send({ port, ca }, undefined, {
            path: '/readyz',
            method: 'GET',
            timeoutMs: 1_000,
          }).catch(() => undefined);
          ready.set(port, res?.status === 200);
        }
        await sleep(100);
      }
    })();

    let turn = 0;
    const routed = new Map<number, number>();
    proxy = createServer((client: Socket) => {
      const candidates = backends.filter((p) => ready.get(p));
      const port = candidates[turn++ % Math.max(1, candidates.length)] ?? other.port;
      routed.set(port, (routed.get(port) ?? 0) + 1);
      const upstream = tcpConnect({ host: '127.0.0.1', port });
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', close);
      client.on('error', close);
      upstream.on('close', () => client.end());
    });
    await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
    const target: Target = { port: (proxy.address() as { port: number }).port, ca };
    const agent = keepAlive(target, 8);

    const review = JSON.stringify(reviewOf(aistore({})));
    const failures: string[] = [];
    let answered = 0;
    let stop = false;
    const load = pool(
      1_000_000,
      8,
      async () => {
        const res = await send(target, review, { agent, timeoutMs: 10_000 }).catch((e: unknown) => e);
        if (isAnswer(res) && res.status === 200) answered++;
        else failures.push(isAnswer(res) ? String(res.status) : errorCode(res));
      },
      { stop: () => stop, deadline: Date.now() + 60_000 },
    );

    // Answers counted, not time slept: before the signal, and after the old replica is gone.
    const answers = (n: number) => {
      const goal = answered + n;
      return until(`${n} more answers`, () => answered >= goal || failures.length > 0, 60_000);
    };
    await answers(60);
    const signalAt = Date.now();
    old.child.kill('SIGTERM');
    const exit = await old.exited;
    await answers(60);
    stop = true;
    await load;
    probing = false;
    await prober;
    agent.destroy();

    record('upgrade33-rolling-restart', {
      delayS: DELAY_S,
      answered,
      failed: failures.length,
      failures: [...new Set(failures)],
      exitedAfterMs: exit.at - signalAt,
      connectionsRouted: Object.fromEntries(
        [...routed].map(([p, n]) => [p === old.port ? 'old' : 'other', n]),
      ),
    });
    expect(exit.code).toBe(0);
    expect(answered).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
