// Connection bookkeeping: shutdown does not wait on idle or never-used connections (the apiserver
// opens spare ones) and still answers a request that was in flight when it began; a connection that
// stops reading mid-response is cut after the idle limit, one that keeps talking is not.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/server/config.js';
import { trackConnections } from '../../src/server/connections.js';
import { createGuardServer } from '../../src/server/server.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

describe('graceful shutdown', () => {
  it('closes a never-used connection at once and finishes the request in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-drain-'));
    const warnings: string[] = [];
    const guard = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 20_000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }),
    });
    const { port } = await guard.listen();
    const ca = readFileSync(join(dir, 'ca.crt'));

    // A spare connection, as the apiserver keeps: TLS up, never a request.
    const spare = connect({ host: '127.0.0.1', port, ca });
    await new Promise((resolve) => spare.once('secureConnect', resolve));
    const spareClosed = new Promise((resolve) => spare.once('close', resolve));

    // A review whose body is still arriving when shutdown starts: the rest is sent only once the
    // spare connection is gone, so "at once" means before the request in flight, not after it.
    const body = JSON.stringify(reviewOf(aistore({ disable: true, hostPort: 1 }), { uid: 'in-flight' }));
    const arrived = once(guard.server, 'request');
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/validate',
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answer = new Promise<{ status: number; connection?: string; uid: string }>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            uid: JSON.parse(Buffer.concat(chunks).toString()).response.uid,
          }),
        );
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 100));
    await arrived;

    const done = guard.shutdown();
    await spareClosed;
    req.end(body.slice(100));
    expect(await answer).toEqual({ status: 200, connection: 'close', uid: 'in-flight' });
    await done;
    // Drained, not cut: waiting on the spare connection would have ended in the forced close at 20 s.
    expect(warnings.join('')).not.toMatch(/shutdown timeout/);
  }, 60_000);
});

describe('idle cut', () => {
  const IDLE_MS = 1_500;

  /** A guard whose only limit in reach is the idle cut: the others are far beyond any wait here. */
  async function startGuard() {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-idle-'));
    const guard = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 1_000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
      timeouts: { idleMs: IDLE_MS, headersMs: 600_000, requestMs: 600_000, keepAliveMs: 600_000 },
    });
    const { port } = await guard.listen();
    return { guard, port, ca: readFileSync(join(dir, 'ca.crt')) };
  }

  it('cuts a client that pipelines a flood and stops reading', async () => {
    const { guard, port, ca } = await startGuard();
    let deadline: NodeJS.Timeout | undefined;
    try {
      const serverSide = new Promise<TLSSocket>((resolve) => guard.server.once('secureConnection', resolve));
      const socket = connect({ host: '127.0.0.1', port, ca });
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => void serverSide.then((s) => s.once('close', resolve)));
      // Thousands of pipelined /metrics requests: far more answer than the socket buffers hold.
      socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(3_000));
      socket.pause();
      // A paused client cannot see the close: watch the server's side. Nothing but the idle cut can
      // close it within the 60 s bound (the other limits are 10 minutes).
      await Promise.race([
        closed,
        new Promise<never>((_, reject) => {
          deadline = setTimeout(
            () => reject(new Error('the stalled connection was not cut in 60 s')),
            60_000,
          );
        }),
      ]);
      socket.destroy();
    } finally {
      clearTimeout(deadline);
      await guard.shutdown();
    }
  }, 120_000);

  it('does not cut a connection that keeps talking for longer than the limit', async () => {
    // The sweep's clock is faked (its interval and Date.now), the sockets are real: a busy machine
    // that stalls this process for longer than the limit cannot make a talking client look idle.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'],
    });
    const { guard, port, ca } = await startGuard();
    try {
      const socket = connect({ host: '127.0.0.1', port, ca });
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      let answers = 0;
      const answered = new EventEmitter();
      socket.on('data', (chunk: Buffer) => {
        answers += chunk.toString().split('HTTP/1.1 200').length - 1;
        answered.emit('data');
      });
      let closed = false;
      socket.once('close', () => (closed = true));
      // 8 requests 500 ms apart on the sweep's clock: 4 s, well past the 1.5 s limit.
      for (let i = 1; i <= 8; i++) {
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        while (answers < i && !closed) await once(answered, 'data');
        jest.advanceTimersByTime(500);
      }
      expect(closed).toBe(false);
      expect(answers).toBe(8);
      socket.destroy();
    } finally {
      await guard.shutdown();
      jest.useRealTimers();
    }
  }, 60_000);
});

describe('idle sweep (fake clock)', () => {
  afterEach(() => void jest.useRealTimers());

  /** A stand-in for a TLS socket: the sweep reads only its byte counters and may destroy it. */
  function fakeSocket() {
    const socket = Object.assign(new EventEmitter(), {
      bytesRead: 100,
      bytesWritten: 100,
      destroyed: false,
      destroy() {
        socket.destroyed = true;
        socket.emit('close');
      },
      end() {},
    });
    return socket;
  }

  it.each([
    { what: 'no bytes move', everyMs: 0, cut: true },
    { what: 'bytes move every 500 ms', everyMs: 500, cut: false },
  ])('$what for 3 s with a 1.5 s limit: cut $cut', ({ everyMs, cut }) => {
    jest.useFakeTimers();
    const server = new EventEmitter();
    const connections = trackConnections(server as unknown as Server, 1_500);
    const socket = fakeSocket();
    server.emit('secureConnection', socket);
    for (let t = 0; t < 3_000; t += 100) {
      if (everyMs && t % everyMs === 0) socket.bytesWritten += 10;
      jest.advanceTimersByTime(100);
    }
    expect(socket.destroyed).toBe(cut);
    expect(connections.open()).toBe(cut ? 0 : 1);
    connections.stop();
  });
});
