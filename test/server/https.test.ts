// The guard over real HTTPS: the served certificate verifies against the generated CA, a rotated
// certificate is picked up with no failed request, and SIGTERM drains and exits.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { pino } from 'pino';
import { MAX_REVIEW_BYTES } from '../../src/server/body.js';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer, type GuardServer } from '../../src/server/server.js';
import { createServingCert } from '../../src/tls/index.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-https-'));
let guard: GuardServer;
let port: number;
/** Emits 'changed' each time the server reports that it swapped in a new certificate. */
const certificateChanges = new EventEmitter();
const ca = () => readFileSync(join(dir, 'ca.crt'), 'utf8');

function post(
  path: string,
  body: unknown,
  agent?: Agent,
): Promise<{ status: number; json: { response?: { uid: string; allowed: boolean } } }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca: ca(),
        agent: agent ?? false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** The certificate a fresh TLS connection is served, verified against the CA on disk. */
function servedCertificate(): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: ca(), servername: undefined }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  guard = await createGuardServer({
    config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
    cluster: fixedCluster(),
    logger: pino({ level: 'silent' }),
    onCertificateChange: () => certificateChanges.emit('changed'),
  });
  port = (await guard.listen()).port;
});

afterAll(async () => {
  await guard.shutdown();
});

describe('HTTPS', () => {
  it('serves a certificate that verifies against the generated CA, for 127.0.0.1', async () => {
    const served = await servedCertificate();
    const x509 = new X509Certificate(served.raw);
    expect(x509.verify(new X509Certificate(ca()).publicKey)).toBe(true);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('ais-guard.ais-guard.svc')).toBe('ais-guard.ais-guard.svc');
  });

  it('refuses clients that do not trust the CA', async () => {
    await expect(
      new Promise((resolve, reject) =>
        connect({ host: '127.0.0.1', port }, () => resolve(undefined)).on('error', reject),
      ),
    ).rejects.toThrow(/self[- ]signed|unable to verify/);
  });

  it('answers a review over TLS', async () => {
    const res = await post('/validate', reviewOf(aistore({ disable: true, hostPort: 1 }), { uid: 'tls-1' }));
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ uid: 'tls-1', allowed: false });
  });

  it('swaps in a rotated certificate with no failed request; new connections get it', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 4, ca: ca() });
    // Counted by events, not by time: requests run before the rotation, across it, and on until
    // AFTER_RELOAD more have been sent and answered once the server reported the reload.
    const BEFORE_RELOAD = 12;
    const AFTER_RELOAD = 10;
    const progress = new EventEmitter();
    let failures = 0;
    let answeredBefore = 0;
    let answeredAfter = 0;
    let reloadSeen = false;
    let abandoned = false;
    const load = (async () => {
      while (!abandoned && failures === 0 && !(reloadSeen && answeredAfter >= AFTER_RELOAD)) {
        const sentAfterReload = reloadSeen;
        const results = await Promise.allSettled([
          post('/validate', reviewOf(aistore()), keepAlive), // a connection opened before the reload
          post('/mutate', reviewOf(aistore())), // a new connection each time
        ]);
        for (const r of results) if (r.status === 'rejected' || r.value.status !== 200) failures++;
        if (sentAfterReload) answeredAfter += results.length;
        else answeredBefore += results.length;
        progress.emit('answered');
      }
    })();
    const loadEnded = load.then(() => undefined);
    await Promise.race([
      loadEnded,
      new Promise<void>((resolve) => {
        const check = () => (answeredBefore >= BEFORE_RELOAD ? resolve() : progress.once('answered', check));
        check();
      }),
    ]);

    // Rotate as `ais-guard certs` or a Secret update would: new files renamed into place, key first.
    const reloaded = once(certificateChanges, 'changed');
    const next = createServingCert(
      { cert: ca(), key: readFileSync(join(dir, 'ca.key'), 'utf8') },
      { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
    );
    writeFileSync(join(dir, '.tls.key.new'), next.key, { mode: 0o600 });
    renameSync(join(dir, '.tls.key.new'), join(dir, 'tls.key'));
    writeFileSync(join(dir, '.tls.crt.new'), next.cert);
    renameSync(join(dir, '.tls.crt.new'), join(dir, 'tls.crt'));
    // The watcher sees the rename at once (its poll is every 10 s): 60 s only bounds a broken reload.
    let noReload: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        loadEnded,
        reloaded,
        new Promise((_, reject) => {
          noReload = setTimeout(
            () => reject(new Error('no certificate reload reported within 60 s')),
            60_000,
          );
        }),
      ]);
      reloadSeen = true;
      await load;
    } finally {
      clearTimeout(noReload);
      abandoned = true;
      keepAlive.destroy();
    }

    expect(failures).toBe(0);
    expect(answeredBefore).toBeGreaterThanOrEqual(BEFORE_RELOAD);
    expect(answeredAfter).toBeGreaterThanOrEqual(AFTER_RELOAD);
    expect((await servedCertificate()).fingerprint256).toBe(new X509Certificate(next.cert).fingerprint256);
    const metrics = await guard.metrics.registry.metrics();
    expect(metrics).toMatch(/ais_guard_certificate_reloads_total\{result="ok"\} 1\b/);
  }, 120_000);
});

/** The handshake's outcome for a client limited to `o` (TLS version and cipher list). */
function handshake(o: { ciphers?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3' }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca: ca(), ...o }, () => {
      const cipher = socket.getCipher();
      socket.end();
      resolve(`${socket.getProtocol()} ${cipher.name}`);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
  });
}

describe('TLS parameters', () => {
  it('negotiates TLS 1.3 with a client that offers it', async () => {
    expect(await handshake({})).toMatch(/^TLSv1\.3 TLS_/);
  });

  it('accepts TLS 1.2 with ECDHE and AEAD (the apiserver on an old cluster)', async () => {
    for (const cipher of [
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-RSA-CHACHA20-POLY1305',
    ])
      expect(await handshake({ ciphers: cipher, maxVersion: 'TLSv1.2' })).toBe(`TLSv1.2 ${cipher}`);
  });

  it('refuses TLS 1.2 suites without forward secrecy or without AEAD', async () => {
    for (const cipher of [
      'AES128-SHA',
      'AES128-GCM-SHA256',
      'AES256-SHA256',
      'ECDHE-RSA-AES128-SHA',
      'ECDHE-RSA-AES256-SHA384',
    ])
      expect(await handshake({ ciphers: cipher, maxVersion: 'TLSv1.2' })).toMatch(
        /^error .*(HANDSHAKE|ALERT)/,
      );
  });
});

describe('capacity', () => {
  let small: GuardServer;
  let smallPort: number;
  beforeAll(async () => {
    small = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
      capacity: { maxConnections: 3, maxBytesInFlight: 64 * 1024 },
    });
    smallPort = (await small.listen()).port;
  });
  afterAll(() => small.shutdown());
  /** Until the connections of the test before are gone (maxConnections is 3). */
  const noConnections = async (pollMs = 20) => {
    const count = () => new Promise<number>((resolve) => small.server.getConnections((_e, n) => resolve(n)));
    while ((await count()) > 0) await new Promise((r) => setTimeout(r, pollMs));
  };

  it('closes connections over maxConnections as they are accepted, and takes new ones once others close', async () => {
    const open = () =>
      new Promise<ReturnType<typeof connect>>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: smallPort, ca: ca() }, () => resolve(s));
        s.on('error', reject);
      });
    const held = [await open(), await open(), await open()];
    await expect(open()).rejects.toThrow(/ECONNRESET|socket disconnected|EPIPE/);
    held.pop()!.destroy();
    // The server counts the close when it sees it: retry until the freed place is taken.
    let fourth: Awaited<ReturnType<typeof open>> | undefined;
    while (!fourth) fourth = await open().catch(() => undefined);
    for (const s of [...held, fourth]) s.destroy();
  });

  it('gives the budget back when a client goes away mid-body', async () => {
    await noConnections();
    const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: smallPort, ca: ca() }, () => resolve(s));
      s.on('error', reject);
    });
    socket.write(
      'POST /validate HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 50000\r\n\r\n{"a":',
    );
    const bytes = async () =>
      Number(/^ais_guard_review_bytes_in_flight (\S+)$/m.exec(await small.metrics.registry.metrics())?.[1]);
    while ((await bytes()) === 0) await new Promise((r) => setTimeout(r, 20)); // reserved on the headers
    expect(await bytes()).toBe(50000);
    socket.destroy();
    while ((await bytes()) !== 0) await new Promise((r) => setTimeout(r, 20));
  });

  it('answers 429 with Retry-After once the bytes in flight would pass the budget, and keeps the connection', async () => {
    await noConnections();
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: ca() });
    const big = JSON.stringify({ ...reviewOf(aistore(), { uid: 'big' }), padding: 'x'.repeat(70 * 1024) });
    const answer = await new Promise<{ status: number; retryAfter?: string; text: string }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: smallPort,
            path: '/validate',
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                retryAfter: res.headers['retry-after'] as string,
                text,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(big);
      },
    );
    expect(answer).toMatchObject({ status: 429, retryAfter: '1' });
    expect(answer.text).toMatch(/too many review bytes in flight/);
    // The same connection then carries a review that fits; the budget was given back.
    const res = await new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const text = JSON.stringify(reviewOf(aistore(), { uid: 'small' }));
      const req = request(
        {
          host: '127.0.0.1',
          port: smallPort,
          path: '/validate',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        },
        (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode ?? 0, reused: req.reusedSocket }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
    agent.destroy();
    expect(res).toEqual({ status: 200, reused: true });
    const metrics = await small.metrics.registry.metrics();
    expect(metrics).toMatch(/ais_guard_errors_total\{endpoint="validate",reason="overloaded"\} 1/);
    expect(metrics).toMatch(/ais_guard_review_bytes_in_flight 0/);
  });

  // A refusal written before the body is read, on a connection that closes after it (the client
  // said Connection: close; shutdown has begun): closed with the body's bytes unread, the socket
  // sends a reset, and the client's kernel throws the answer away with the connection.
  it.each([
    ['429, over the budget', 'application/json', 70 * 1024, false, 'HTTP/1.1 429'],
    ['415, not JSON', 'text/plain', 32 * 1024, false, 'HTTP/1.1 415'],
    ['429, chunked', 'application/json', 70 * 1024, true, 'HTTP/1.1 429'],
    ['415, chunked', 'text/plain', 32 * 1024, true, 'HTTP/1.1 415'],
  ])(
    'a Connection: close client refused before its body is read gets the answer (%s)',
    async (_, type, size, chunked, status) => {
      const piece = (text: string) => (chunked ? `${text.length.toString(16)}\r\n${text}\r\n` : text);
      const once = () =>
        new Promise<string>((resolve) => {
          let answer = '';
          // A client that reads only once it has sent its whole body (a blocking one): the answer
          // waits in its kernel's buffer while the body's pieces are still going out.
          const socket = connect({ host: '127.0.0.1', port: smallPort, ca: ca() }, async () => {
            socket.pause();
            const length = chunked ? 'transfer-encoding: chunked' : `content-length: ${size}`;
            socket.write(
              `POST /validate HTTP/1.1\r\nHost: x\r\ncontent-type: ${type}\r\n${length}\r\nconnection: close\r\n\r\n`,
            );
            for (let sent = 0; sent < size && !socket.destroyed; sent += 8192) {
              await new Promise((r) => setTimeout(r, 10));
              socket.write(piece('x'.repeat(Math.min(8192, size - sent))));
            }
            if (chunked && !socket.destroyed) socket.write('0\r\n\r\n');
            socket.resume();
          });
          socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
          socket.on('error', (err: NodeJS.ErrnoException) => (answer ||= `error: ${err.code}`));
          socket.on('close', () => resolve(answer.split('\r\n', 1)[0] || 'closed without an answer'));
        });
      const answers: string[] = [];
      for (let i = 0; i < 12; i++) {
        await noConnections(5);
        answers.push(await once());
      }
      expect(answers.filter((a) => !a.startsWith(status))).toEqual([]);
    },
  );

  /** The first line of the answer to `head` (a request with no body sent), once the server closes. */
  const answerTo = (port: number, head: string) =>
    new Promise<string>((resolve) => {
      let text = '';
      const socket = connect({ host: '127.0.0.1', port, ca: ca() }, () => socket.write(head));
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('close', () => resolve(text.split('\r\n', 1)[0]!));
    });

  it('does not wait for a body longer than a review may be before refusing it, on Connection: close', async () => {
    const answer = await answerTo(
      smallPort,
      `POST /validate HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\n` +
        `content-length: ${MAX_REVIEW_BYTES + 1}\r\nconnection: close\r\n\r\n`,
    );
    expect(answer).toBe('HTTP/1.1 415 Unsupported Media Type');
  });

  // Not the request limit's 408 30 s later, nor (in shutdown, when Node stops enforcing that limit)
  // nothing until the shutdown timeout: the refusal, once an admitted body would have been late.
  it('answers a refusal on Connection: close at the body pace when the body never comes', async () => {
    const paced = await createGuardServer({
      config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
      cluster: fixedCluster(),
      logger: pino({ level: 'silent' }),
      timeouts: { bodyGraceMs: 300 },
    });
    const { port } = await paced.listen();
    try {
      const answer = await answerTo(
        port,
        `POST /validate HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\n` +
          `content-length: 1000\r\nconnection: close\r\n\r\n`,
      );
      expect(answer).toBe('HTTP/1.1 415 Unsupported Media Type');
    } finally {
      await paced.shutdown();
    }
  });
});

describe('ais-guard serve (the command)', () => {
  it('serves with a generated certificate and exits 0 on SIGTERM', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'ais-guard-serve-'));
    const child = spawn(
      process.execPath,
      [
        'bin/ais-guard.js',
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--cert-dir',
        certDir,
        '--no-cluster',
      ],
      {
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Waits on the log line itself, however long a busy machine takes to start the process.
    const serving = await new Promise<string | undefined>((resolve) => {
      const look = () => {
        const line = out.split('\n').find((l) => l.includes('"msg":"ais-guard serving"'));
        if (line) resolve(line);
      };
      child.stdout.on('data', look);
      void exit.then(() => resolve(undefined));
    });
    expect(serving).toBeDefined();
    const servedPort = JSON.parse(serving as string).port as number;
    const health = await new Promise<number>((resolve, reject) =>
      request(
        { host: '127.0.0.1', port: servedPort, path: '/healthz', ca: readFileSync(join(certDir, 'ca.crt')) },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end(),
    );
    expect(health).toBe(200);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/"msg":"stopped"/);
    // Drained, not cut: a shutdown that waited on something would end at the 20 s limit, saying so.
    expect(out).not.toMatch(/shutdown timeout/);
  }, 120_000);

  it('exits 2 with the reason when it cannot listen (port in use), instead of hanging on its watchers', async () => {
    const taken = createNetServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const busyPort = (taken.address() as { port: number }).port;
    const certDir = mkdtempSync(join(tmpdir(), 'ais-guard-serve-'));
    const child = spawn(
      process.execPath,
      [
        'bin/ais-guard.js',
        'serve',
        '--port',
        String(busyPort),
        '--host',
        '127.0.0.1',
        '--cert-dir',
        certDir,
        '--no-cluster',
      ],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // Only against a hang: far beyond a slow start, well inside the test's own limit.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    taken.close();
    expect(code).toBe(2);
    expect(err).toMatch(/EADDRINUSE/);
  }, 120_000);
});
