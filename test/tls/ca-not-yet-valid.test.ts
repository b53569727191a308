// A CA made by a clock ahead of this one (a node whose clock ran fast, a CA copied from such a
// machine) is still kept: the caBundle may trust it, and a client whose clock agrees with that one
// accepts it. But a client whose clock agrees with this one refuses every call until the CA's start
// (Go's crypto/x509: "certificate has expired or is not yet valid"), and `certs` said only "kept".
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { main } from '../../src/cli/main.js';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer } from '../../src/server/server.js';
import { fixedCluster } from '../support/review.js';
import { captureIo, withTempDir } from './support.js';

async function certs(...argv: string[]) {
  const io = captureIo();
  const code = await main(['certs', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('certs with a CA that is not valid yet by this clock', () => {
  it('keeps it and warns, naming its start and what to do', () =>
    withTempDir(async (dir) => {
      const realNow = Date.now();
      const spy = jest.spyOn(Date, 'now').mockReturnValue(realNow + 2 * 86_400_000);
      expect((await certs('--dir', dir)).code).toBe(0);
      spy.mockRestore();

      const again = await certs('--dir', dir);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/ca\.crt: kept;/);
      expect(again.err).toMatch(
        /warning: the CA .*ca\.crt is not valid until 20\d\d-\S+ by this machine's clock.*--force/,
      );
    }));

  it('says nothing of a CA whose start has passed', () =>
    withTempDir(async (dir) => {
      expect((await certs('--dir', dir)).err).toBe('');
    }));
});

describe('serve --cert-dir with a CA that is not valid yet by this clock', () => {
  it('serves with it and logs a warning naming its start', () =>
    withTempDir(async (dir) => {
      const realNow = Date.now();
      const spy = jest.spyOn(Date, 'now').mockReturnValue(realNow + 2 * 86_400_000);
      expect((await certs('--dir', dir)).code).toBe(0);
      spy.mockRestore();

      const lines: { level: number; msg: string; caNotBefore?: string }[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
          done();
        },
      });
      const guard = await createGuardServer({
        config: { ...DEFAULTS, host: '127.0.0.1', port: 0, certDir: dir, shutdownTimeoutMs: 2000 },
        cluster: fixedCluster(),
        logger: pino({ level: 'info' }, sink),
      });
      await guard.shutdown();
      const warning = lines.find((l) => l.level === 40 && /CA is not valid yet/.test(l.msg));
      expect(warning?.caNotBefore).toMatch(/^20\d\d-/);
    }));
});
