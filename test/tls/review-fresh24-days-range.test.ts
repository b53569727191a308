// review fresh24: `ais-guard certs --days / --ca-days` with a very large whole number.
//
// DEFECT: since 5feb356 positiveDays (src/cli/certs.ts) takes any run of decimal digits
// (usage.ts wholeNumber) and checks only > 0; tls/issue.ts checkDays checks only isFinite. A day
// count whose end lies past what a certificate can say (X.509 GeneralizedTime ends at 9999-12-31;
// JS Date at +275760) is signed anyway: `--ca-days 3000000` (year ~10240) or `--days 99999999`
// writes ca.crt / tls.crt whose notAfter is "Bad time value" (openssl x509 -dates; node's
// X509Certificate.validTo likewise), then crashes printing `RangeError: Invalid time value` with a
// stack trace (Date.toISOString in runCerts). The broken files stay: every later `ais-guard certs
// --dir` on that directory crashes the same way until they are deleted by hand.
// IMPACT: a stack trace instead of a usage error, and unusable key material written to the
// directory the Secret is made from (`kubectl create secret tls ... --cert tls.crt`).
// EXPECTED: exit 2 with a one-line reason naming the flag, and nothing written (as for --days 0).
import { describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { main } from '../../src/cli/main.js';
import { captureIo, withTempDir } from './support.js';

async function certs(...argv: string[]) {
  const io = captureIo();
  try {
    const code = await main(['certs', ...argv], io);
    return { code, out: io.out(), err: io.err() };
  } catch (e) {
    // What bin/ais-guard prints for an error main() throws: "ais-guard: <stack>", exit 2.
    return { code: 2, out: io.out(), err: `ais-guard: ${(e as Error).stack}` };
  }
}

describe('review fresh24: certs with a day count no certificate can hold', () => {
  it.each([
    ['--ca-days', '3000000'],
    ['--days', '99999999'],
  ])('%s %s is a usage error and writes nothing', (flag, days) =>
    withTempDir(async (dir) => {
      const { code, err } = await certs('--dir', dir, flag, days);
      expect({ code, stack: /\n\s+at /.test(err) }).toEqual({ code: 2, stack: false });
      expect(err).toContain(flag);
      expect(await readdir(dir)).toEqual([]);
    }),
  );
});
