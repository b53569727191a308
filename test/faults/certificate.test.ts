// Certificate faults (issue 15), on the real CLI started with --tls-cert/--tls-key:
// - the certificate directory disappears (a volume unmounted, a temp dir removed): the guard keeps
//   serving the last good pair, says so once in the log, in /readyz and in
//   ais_guard_certificate_reload_failing, retries with a capped backoff instead of spinning, and
//   picks up the pair that comes back;
// - a broken pair under a storm of file events: still one log line, reads bounded;
// - an expired or soon expiring certificate: a log line at start, the expiry metric, and /readyz
//   not ready (expired: the apiserver refuses the handshake) or degraded (expiring).
// Every wait is on an event (a metric, a served fingerprint), never on a sleep.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCA, pairValid, servingPair } from './support/certs.js';
import { servedFingerprint, sleep, until, type Target } from './support/client.js';
import { spawnGuard, type ChildGuard } from './support/guard.js';
import { record } from './support/report.js';

const DAY_MS = 86_400_000;
const root = mkdtempSync(join(tmpdir(), 'ais-guard-certfaults-'));
let guard: ChildGuard | undefined;
let n = 0;

afterEach(async () => {
  await guard?.stop();
  guard = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** GET over TLS without verifying (the certificate may be expired on purpose). */
function fetchText(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

async function metric(port: number, name: string): Promise<number | undefined> {
  const { text } = await fetchText(port, '/metrics');
  const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

async function readyz(port: number) {
  const res = await fetchText(port, '/readyz');
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> };
}

/** Writes the pair into `dir` as `ais-guard certs` does: each file renamed into place. */
function writePair(dir: string, pair: { cert: string; key: string }): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of [
    ['tls.key', pair.key],
    ['tls.crt', pair.cert],
  ] as const) {
    writeFileSync(join(dir, `.${name}.new`), text, { mode: 0o600 });
    renameSync(join(dir, `.${name}.new`), join(dir, name));
  }
}

async function start(dir: string): Promise<ChildGuard> {
  guard = await spawnGuard(
    [
      '--port=0',
      '--host=127.0.0.1',
      `--tls-cert=${join(dir, 'tls.crt')}`,
      `--tls-key=${join(dir, 'tls.key')}`,
      '--no-cluster',
    ],
    { keep: (line) => line.includes('certificate') },
  );
  return guard;
}

const certLines = (g: ChildGuard) => g.logs(/certificate/).map((l) => String(l.msg));
const failedReads = async (port: number) =>
  (await metric(port, 'ais_guard_certificate_reloads_total{result="error"}')) ?? 0;

describe('the certificate directory disappears', () => {
  it('serves the last good pair, logs once per change of state, backs off, says so in /readyz and the metric, and takes the pair that comes back', async () => {
    const ca = newCA();
    const first = servingPair(ca);
    const second = servingPair(ca);
    const dir = join(root, `gone-${n++}`, 'tls');
    writePair(dir, first);
    const g = await start(dir);
    const target: Target = { port: g.port, ca: ca.cert };
    expect(await metric(g.port, 'ais_guard_certificate_reload_failing')).toBe(0);

    rmSync(join(dir, '..'), { recursive: true });
    await until(
      'reload failing',
      async () => (await metric(g.port, 'ais_guard_certificate_reload_failing')) === 1,
      30_000,
      100,
    );
    // Five failed reads: 0.2 + 0.4 + 0.8 + 1.6 s of backoff (each ±20 %) after the first.
    await until('five failed reads', async () => (await failedReads(g.port)) >= 5, 30_000, 100);
    const failing = await readyz(g.port);
    expect(await servedFingerprint(target)).toBe(first.fingerprint);
    const linesWhileGone = g.lineStats().lines;
    const readsWhileGone = await failedReads(g.port);

    writePair(dir, second);
    await until(
      'the returning pair served',
      async () => (await servedFingerprint(target)) === second.fingerprint,
      90_000,
      100,
    );
    const back = await readyz(g.port);
    const reloadFailingAfter = await metric(g.port, 'ais_guard_certificate_reload_failing');
    record('certificate-dir-gone', {
      failedReadsWhileGone: readsWhileGone,
      logLinesTotalWhileGone: linesWhileGone,
      certificateLogLines: certLines(g),
      readyzWhileGone: [failing.status, failing.body.status],
      readyzAfter: [back.status, back.body.status],
    });
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({ status: 'degraded', certificate: { reloadFailing: true } });
    expect(String((failing.body.degraded as string[])[0])).toMatch(/reload failing.*ENOENT/);
    expect(back).toMatchObject({
      status: 200,
      body: { status: 'ready', certificate: { reloadFailing: false } },
    });
    expect(reloadFailingAfter).toBe(0);
    expect(certLines(g)).toEqual([
      'serving certificate files unreadable: serving the last good certificate, retrying with backoff',
      'serving certificate files readable again',
      'serving certificate reloaded',
    ]);
    // Startup (4 lines) and the one line above: nothing per read.
    expect(linesWhileGone).toBeLessThanOrEqual(6);
  });

  it('a pair that does not match, under a storm of 300 file events: one log line, reads at most one a second', async () => {
    const ca = newCA();
    const good = servingPair(ca);
    const dir = join(root, `storm-${n++}`);
    writePair(dir, good);
    const g = await start(dir);
    writePair(dir, { cert: good.cert, key: servingPair(ca).key });
    await until(
      'reload failing',
      async () => (await metric(g.port, 'ais_guard_certificate_reload_failing')) === 1,
      30_000,
      50,
    );
    const countFrom = Date.now();
    const before = await failedReads(g.port);
    const stormStarted = Date.now();
    for (let i = 0; i < 300; i++) {
      writeFileSync(join(dir, 'unrelated'), String(i));
      if (i % 10 === 9) await sleep(10); // let the guard see the events as they come
    }
    const stormSeconds = (Date.now() - stormStarted) / 1000;
    writePair(dir, good);
    await until(
      'readable again',
      async () => (await metric(g.port, 'ais_guard_certificate_reload_failing')) === 0,
      90_000,
      50,
    );
    const reads = (await failedReads(g.port)) - before;
    // The reads are counted until the pair is readable again, not only through the storm: bounded
    // by the time they were counted in, which a busy machine can only make longer.
    const countedSeconds = (Date.now() - countFrom) / 1000;
    record('certificate-event-storm', {
      events: 300,
      stormSeconds,
      failedReadsDuringStorm: reads,
      certificateLogLines: certLines(g),
    });
    expect(certLines(g)).toEqual([
      'serving certificate files unreadable: serving the last good certificate, retrying with backoff',
      'serving certificate files readable again',
    ]);
    // One read a second at most while failing (plus the backoff's own), never one per event.
    expect(reads).toBeLessThanOrEqual(Math.ceil(countedSeconds) + 3);
  });
});

describe('certificate expiry', () => {
  it('an expired --tls-cert: an error line at start, the expiry metric, /readyz not ready with the reason', async () => {
    const now = Date.now();
    const expired = pairValid(new Date(now - 30 * DAY_MS), new Date(now - DAY_MS));
    const dir = join(root, `expired-${n++}`);
    writePair(dir, expired);
    const g = await start(dir);
    const ready = await readyz(g.port);
    const expiry = await metric(g.port, 'ais_guard_certificate_expiry_timestamp_seconds');
    record('certificate-expired', { readyz: ready, expiry, lines: certLines(g) });
    expect(expiry).toBeLessThan(now / 1000);
    expect(g.logs(/has expired/)).toHaveLength(1);
    expect(g.logs(/has expired/)[0]).toMatchObject({ level: 50 });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not ready',
      checks: { tls: false },
      certificate: { expiry: 'expired' },
    });
    expect(String(ready.body.reason)).toMatch(/^certificate expired at /);
  });

  it('a --tls-cert that expires in 5 days (a 90-day certificate): a warning at start, /readyz ready but degraded', async () => {
    const now = Date.now();
    const soon = pairValid(new Date(now - 85 * DAY_MS), new Date(now + 5 * DAY_MS));
    const dir = join(root, `soon-${n++}`);
    writePair(dir, soon);
    const g = await start(dir);
    const ready = await readyz(g.port);
    expect(g.logs(/expires soon/)).toEqual([expect.objectContaining({ level: 40, daysLeft: 4 })]);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      checks: { tls: true },
      certificate: { expiry: 'expiring' },
    });
  });
});
