// `ais-guard doctor` as a user runs it: help, usage errors, "could not run" (exit 2), the text and
// JSON renderings, the exit codes, and shell completion offering its flags.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLAGS } from '../../src/cli/doctor.js';
import { ansi, plain } from '../../src/cli/colour.js';
import { ASK_AGAIN } from '../../src/doctor/checks/common.js';
import { exitCodeOf, renderDoctorJson, renderDoctorText, type CheckResult } from '../../src/doctor/index.js';
import { cli } from '../support/cli.js';

/** A kubeconfig naming a port nothing listens on. */
async function deadKubeconfig(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-doctor-')), 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
  );
  return file;
}

const RESULTS: CheckResult[] = [
  { check: 'webhook-configurations', status: 'ok', message: 'both present' },
  {
    check: 'ca-bundle',
    status: 'warn',
    message: 'serving certificate not read',
    fix: 'let it get the Secret',
  },
  { check: 'aistore-crd', status: 'fail', message: 'CRD missing', fix: 'install the operator' },
  { check: 'rbac', status: 'skip', message: 'not asked' },
];

describe('ais-guard doctor', () => {
  it('prints its help, listing every check', async () => {
    const r = await cli(['doctor', '--help']);
    expect(r.code).toBe(0);
    for (const id of [
      'webhook-configurations',
      'webhook-service',
      'ca-bundle',
      'certificate-expiry',
      'rbac',
      'namespace-selector',
      'failure-policy',
      'aistore-crd',
      'audit-cronjob',
    ])
      expect(r.stdout).toContain(id);
  });

  it('refuses an unknown overlay or format (exit 2, one line)', async () => {
    for (const argv of [['--overlay', 'prod'], ['-o', 'yaml'], ['--bogus']]) {
      const r = await cli(['doctor', ...argv]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 2 when the apiserver does not answer', async () => {
    const r = await cli(['doctor', '--kubeconfig', await deadKubeconfig()]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^ais-guard doctor: cannot read the cluster: https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/,
      ),
    });
  });

  it('prints one line per check: status, check, finding, fix', () => {
    expect(renderDoctorText(RESULTS, plain)).toBe(
      [
        'ok    webhook-configurations  both present.',
        'warn  ca-bundle               serving certificate not read. Fix: let it get the Secret',
        'fail  aistore-crd             CRD missing. Fix: install the operator',
        'skip  rbac                    not asked.',
        '',
      ].join('\n'),
    );
    expect(renderDoctorText(RESULTS, ansi)).toContain('\x1b[31mfail\x1b[39m');
  });

  it('JSON: a summary and the checks as they are', () => {
    const json = JSON.parse(renderDoctorJson(RESULTS, { version: '0.1.0' })) as Record<string, unknown>;
    expect(json).toEqual({
      tool: 'ais-guard',
      version: '0.1.0',
      summary: { ok: 1, warn: 1, fail: 1, skip: 1 },
      checks: RESULTS,
    });
  });

  it.each([
    { statuses: ['ok', 'skip'], strict: false, code: 0 },
    { statuses: ['ok', 'warn'], strict: false, code: 0 },
    { statuses: ['ok', 'warn'], strict: true, code: 1 },
    { statuses: ['ok', 'fail'], strict: false, code: 1 },
  ] as const)('exit code $code for $statuses (strict: $strict)', ({ statuses, strict, code }) => {
    const results = statuses.map((status) => ({ check: 'rbac' as const, status, message: '' }));
    expect(exitCodeOf(results, strict)).toBe(code);
  });

  it('--strict counts no warn that only asks to run again (the CLI exits 2 for those reads)', () => {
    const unanswered = { check: 'rbac' as const, status: 'warn' as const, message: '', fix: ASK_AGAIN };
    expect(exitCodeOf([unanswered], true)).toBe(0);
    expect(exitCodeOf([unanswered, { ...unanswered, fix: `${ASK_AGAIN}; renew it` }], true)).toBe(1);
  });

  it('is offered by shell completion, with its flags', async () => {
    const script = (await cli(['completion', 'bash'])).stdout;
    const complete = (words: string[]) => {
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n_ais_guard; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
    };
    expect(complete(['ais-guard', 'do'])).toEqual(['doctor']);
    const flags = Object.entries(FLAGS).flatMap(([name, o]) => [
      `--${name}`,
      ...('short' in o ? [`-${o.short}`] : []),
    ]);
    expect(complete(['ais-guard', 'doctor', '-']).sort()).toEqual(flags.sort());
    expect((await cli(['completion', 'zsh'])).stdout).toContain(
      "'doctor:check a live ais-guard installation and say what to fix'",
    );
  });
});
