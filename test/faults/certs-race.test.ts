// `ais-guard certs` run three times at once on an empty directory (issue 15): before the directory
// lock, each run created its own CA and the set left behind could hold a serving certificate not
// signed by ca.crt (6 of 20 trials). Now the runs take turns: whatever the interleaving, the
// directory ends with one consistent set, and every run printed the caBundle of that CA.
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from './support/report.js';

const TRIALS = 20;
const RUNS = 3;
const root = mkdtempSync(join(tmpdir(), 'ais-guard-certs-race-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function certs(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/ais-guard.js', 'certs', `--dir=${dir}`, '--ip=127.0.0.1'],
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What is wrong with the set in `dir`, or [] when it is consistent. */
function problems(dir: string, bundles: string[]): string[] {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const ca = new X509Certificate(read('ca.crt'));
  const serving = new X509Certificate(read('tls.crt'));
  const out: string[] = [];
  if (!ca.ca) out.push('ca.crt is not a CA');
  if (!ca.checkPrivateKey(createPrivateKey(read('ca.key')))) out.push('ca.key does not match ca.crt');
  if (!serving.checkPrivateKey(createPrivateKey(read('tls.key')))) out.push('tls.key does not match tls.crt');
  if (!(serving.checkIssued(ca) && serving.verify(ca.publicKey))) out.push('tls.crt is not signed by ca.crt');
  const bundle = Buffer.from(read('ca.crt')).toString('base64');
  for (const [i, printed] of bundles.entries())
    if (printed !== bundle) out.push(`run ${i} printed another caBundle`);
  if (existsSync(join(dir, '.ais-guard.lock'))) out.push('the lock was left behind');
  return out;
}

describe('concurrent `ais-guard certs`', () => {
  it(`${RUNS} runs at once on an empty directory, ${TRIALS} times: always one consistent set`, async () => {
    const failed: string[] = [];
    let created = 0;
    let badTrials = 0;
    let unsignedTrials = 0;
    for (let t = 0; t < TRIALS; t++) {
      const dir = join(root, `trial-${t}`);
      const runs = await Promise.all(Array.from({ length: RUNS }, () => certs(dir)));
      for (const r of runs) if (r.code !== 0) failed.push(`trial ${t}: exit ${r.code}: ${r.stderr.trim()}`);
      created += runs.filter((r) => /^CA .*: created/m.test(r.stdout)).length;
      const bundles = runs.map((r) => r.stdout.trim().split('\n').pop() ?? '');
      const found = problems(dir, bundles);
      if (found.length) badTrials++;
      if (found.some((p) => p.includes('not signed'))) unsignedTrials++;
      for (const p of found) failed.push(`trial ${t}: ${p}`);
    }
    record('certs-race', {
      trials: TRIALS,
      runsPerTrial: RUNS,
      casCreated: created,
      badTrials,
      unsignedTrials,
      problems: failed.slice(0, 6),
    });
    expect(failed).toEqual([]);
    // One CA per trial: the other runs found it and kept it.
    expect(created).toBe(TRIALS);
  });
});
