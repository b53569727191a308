// `ais-guard check` as CI pipelines use it: exit codes, formats, inputs, --fix.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { RULES } from '../../src/policy/index.js';
import { aistore, HOST_ANTI_AFFINITY, targetStatefulSet } from '../support/builders.js';
import { cli } from '../support/cli.js';
import { fixture, FIXTURES } from '../support/fixtures.js';

const F = FIXTURES;
const fx = fixture;
const VALID_SET = ['01', '04', '05', '07', '09'].map(fx);
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-check-'));

describe('exit codes', () => {
  it('0 on the valid multi-target set', async () => {
    const r = await cli(['check', ...VALID_SET]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6 object\(s\) checked: 0 denied/);
  });

  it.each([
    ['02', 'target-host-port', /hostPort 51081/],
    ['06', 'pvc-name', /Name it ais-data-aistore-ais-target-0\./],
    ['08', 'target-host-port', /hostPort 51081\/TCP/],
    ['10', 'target-host-path-shared', /share one data directory/],
  ])('1 on fixture %s, naming %s', async (prefix, rule, detail) => {
    const r = await cli(['check', fx(prefix)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`DENY  ${rule}`);
    expect(r.stdout).toMatch(detail);
  });

  it('warnings pass, unless --strict', async () => {
    expect((await cli(['check', fx('03')])).code).toBe(0);
    expect((await cli(['check', '--strict', fx('03')])).code).toBe(1);
  });

  it('2 with file:line on broken YAML, and the good documents are still judged', async () => {
    const dir = tmp();
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      readFileSync(fx('02'), 'utf8') + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n',
    );
    const r = await cli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`${file.replaceAll('/', '\\/')}:\\d+: error: `));
    expect(r.stdout).toContain('DENY  target-host-port');
  });

  it('2 on a document that is not an object', async () => {
    const r = await cli(['check', '-'], '- a\n- b\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/-:1: error: document 1 is not a Kubernetes object/);
  });

  it.each([
    [['check'], /no input/],
    [['check', '-o', 'xml', 'x'], /unknown output format "xml"/],
    [['check', '--bogus', 'x'], /Unknown option '--bogus'/],
    [['check', '--write', 'x'], /--write goes with --fix/],
    [['check', '--nodes=-1', 'x'], /--nodes takes a whole number/],
    [['check', '--nodes=', 'x'], /--nodes takes a whole number/],
    [['check', '--nodes=1e3', 'x'], /--nodes takes a whole number/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('2 on usage errors: %j', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('2 on a missing file', async () => {
    const r = await cli(['check', '/nonexistent/x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\/nonexistent\/x.yaml: error: no such file or directory/);
  });
});

describe('inputs', () => {
  it('reads directories recursively, only manifest files', async () => {
    const dir = tmp();
    cpSync(F, join(dir, 'nested', 'fixtures'), { recursive: true });
    writeFileSync(join(dir, 'README.md'), '# not yaml: {');
    const r = await cli(['check', '-o', 'json', dir]);
    const report = JSON.parse(r.stdout);
    expect(report.summary.documents).toBe(12);
    // The fixtures are alternatives of one another (three AIStore ais/ais): as one cluster's
    // context that is an input error, naming both places (issue 14 class 9).
    expect(r.code).toBe(2);
    expect(report.errors[0].message).toMatch(/AIStore ais\/ais is given twice: also at .*01-aistore/);
  });

  it('given twice from two folders: names --context-per-dir, the way to judge each folder alone', async () => {
    const dir = tmp();
    for (const cluster of ['prod', 'staging']) cpSync(F, join(dir, 'clusters', cluster), { recursive: true });
    const r = await cli(['check', '-o', 'json', join(dir, 'clusters')]);
    expect(r.code).toBe(2);
    const { errors } = JSON.parse(r.stdout) as { errors: { file: string; message: string }[] };
    const across = errors.find(
      (e) => /staging/.test(e.file) && /given twice: also at .*prod/.test(e.message),
    );
    expect(across?.message).toMatch(
      new RegExp(`separate clusters\\? .*--context-per-dir ${join(dir, 'clusters')}/\\*/$`),
    );
    // Twice within one folder: no folder to split by.
    const within = errors.find((e) => /prod/.test(e.file) && /given twice: also at .*prod/.test(e.message));
    expect(within?.message).not.toMatch(/context-per-dir/);
  });

  it('reads stdin, and List kinds (as kubectl get -o yaml prints them)', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        JSON.parse(
          execFileSync(
            'node',
            [
              '-e',
              `console.log(JSON.stringify(require('yaml').parse(require('fs').readFileSync(${JSON.stringify(fx('02'))}, 'utf8'))))`,
            ],
            { encoding: 'utf8' },
          ),
        ),
      ],
    };
    const r = await cli(['check', '-'], JSON.stringify(list));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('-:1 (document 1) AIStore ais/ais');
  });

  it('judges the whole set together: a PVC against the CR from another file', async () => {
    const dir = tmp();
    const [cr, claim] = readFileSync(fx('06'), 'utf8').split(/^---$/m);
    writeFileSync(join(dir, 'cr.yaml'), cr as string);
    writeFileSync(join(dir, 'claim.yaml'), claim as string);
    const alone = await cli(['check', join(dir, 'claim.yaml')]);
    // Without the CR, a claim with only the selector labels carries no operator evidence: left alone.
    expect(alone.stdout).not.toContain('pvc-name');
    const together = await cli(['check', dir]);
    expect(together.code).toBe(1);
    expect(together.stdout).toContain('DENY  pvc-name');
  });

  it('--nodes stands in for Node objects', async () => {
    const dir = tmp();
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, stringify(aistore({ size: 2, hostPort: 51081 })));
    expect((await cli(['check', file])).code).toBe(0);
    const r = await cli(['check', '--nodes', '1', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 targets but only 1 node\(s\) they can be scheduled on/);
  });
});

describe('formats', () => {
  it('text names file, document, line of the offending field', async () => {
    const r = await cli(['check', fx('06')]);
    expect(r.stdout).toContain(
      `${fx('06')}:34 (document 2) PersistentVolumeClaim ais-prod/ais-prod-data-aistore-ais-target-0`,
    );
    expect(r.stdout).toMatch(/DENY {2}pvc-name \(line 37\)/);
  });

  it('json', async () => {
    const r = await cli(['check', '-o', 'json', fx('06')]);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ documents: 2, denied: 1, errors: 0 });
    expect(report.results[1]).toMatchObject({
      kind: 'PersistentVolumeClaim',
      role: 'target-claim',
      allowed: false,
      line: 34,
    });
    expect(report.results[1].findings[0]).toMatchObject({
      ruleId: 'pvc-name',
      action: 'deny',
      path: '/metadata/name',
    });
  });

  it('junit: a failure per denied object, parse errors as errors', async () => {
    const r = await cli(['check', '-o', 'junit', fx('02'), fx('01')]);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(r.stdout.match(/<testsuite /g)).toHaveLength(2);
    expect(r.stdout.match(/<failure type="target-host-port"/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/tests="1" failures="1" errors="0"/);
    // The notes the text output prints are the suite's output, not a test.
    expect(r.stdout).toMatch(
      /<\/testcase>\n {4}<system-out>note \(line 2\): node count unknown \(no Node objects, --nodes or --nodes-file\)[^<]*<\/system-out>\n {2}<\/testsuite>/,
    );
    const xmllint = spawnSync('xmllint', ['--noout', '-'], { input: r.stdout });
    if (!xmllint.error) expect(xmllint.status).toBe(0);
  });

  it('sarif 2.1.0 with rules, levels and regions', async () => {
    const r = await cli(['check', '-o', 'sarif', fx('02'), fx('03')]);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
    expect(run.results).toEqual([
      expect.objectContaining({
        ruleId: 'target-host-port',
        level: 'error',
        locations: [
          expect.objectContaining({
            physicalLocation: {
              artifactLocation: { uri: expect.stringMatching(/02-.*\.yaml$/) },
              region: { startLine: 22 },
            },
          }),
        ],
      }),
      expect.objectContaining({ ruleId: 'legacy-anti-affinity-field', level: 'warning' }),
    ]);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    // The notes the text output prints, as notifications: an upload is all some users read.
    expect(run.invocations[0].toolExecutionNotifications).toContainEqual({
      level: 'note',
      message: { text: expect.stringMatching(/^node count unknown \(no Node objects/) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: expect.stringMatching(/02-.*\.yaml$/) },
            region: { startLine: 2 },
          },
        },
      ],
    });
  });
});

describe('the set as the guard admits it', () => {
  it("pods and StatefulSets are judged against each CR with the guard's own changes made", async () => {
    // Pinned to one host with anti-affinity unset: the guard turns it off on the CR, so the target
    // StatefulSet's required anti-affinity (rendered before) is what keeps targets apart.
    const cr = aistore({ size: 2, nodeSelector: { 'kubernetes.io/hostname': 'n1' } });
    const sts = targetStatefulSet({ affinity: HOST_ANTI_AFFINITY() });
    const r = await cli(['check', '--nodes', '3', '-'], [cr, sts].map((o) => stringify(o)).join('---\n'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/StatefulSet ais\/ais-target[^\n]*\n\s+DENY {2}target-anti-affinity/);
  });
});

describe('--fix', () => {
  it('fixes the legacy anti-affinity CR: output passes check and a second --fix changes nothing', async () => {
    const first = await cli(['check', '--fix', fx('03')]);
    expect(first.code).toBe(0);
    expect(first.stdout).not.toMatch(/^ {2}disablePodAntiAffinity/m);
    expect(first.stdout).toMatch(/targetSpec:\n(\s+.+\n)*\s+disablePodAntiAffinity: true/);
    expect(first.stdout).toMatch(/^# AIStore CR written the seed-era way/); // comments kept
    const again = await cli(['check', '--strict', '-'], first.stdout);
    expect(again.code).toBe(0);
    const second = await cli(['check', '--fix', '-'], first.stdout);
    expect(second.stdout).toBe(first.stdout);
  });

  it('binds claim and pod to their disks; stable under a second --fix', async () => {
    const first = await cli(['check', '--fix', ...VALID_SET]);
    expect(first.stdout).toContain('volumeName: storage-node-01-pv-ais-sdb');
    expect(first.stdout).toContain('ais-guard/disks: storage-node-01-pv-ais-sdb=storage-node-01:/ais/sdb');
    const again = await cli(['check', '--strict', '-'], first.stdout);
    expect(again.code).toBe(0);
    expect((await cli(['check', '--fix', '-'], first.stdout)).stdout).toBe(first.stdout);
  });

  it('--write rewrites only the files that change', async () => {
    const dir = tmp();
    cpSync(fx('03'), join(dir, 'legacy.yaml'));
    cpSync(fx('04'), join(dir, 'valid.yaml'));
    const before = readFileSync(join(dir, 'valid.yaml'), 'utf8');
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('rewrote 1 file(s)');
    expect(readFileSync(join(dir, 'valid.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'legacy.yaml'), 'utf8')).toContain('disablePodAntiAffinity: true');
    expect((await cli(['check', '--strict', dir])).code).toBe(0);
  });

  it('joins the files into one valid stream', async () => {
    const dir = tmp();
    cpSync(fx('03'), join(dir, 'a-legacy.yaml'));
    writeFileSync(join(dir, 'b-separator.yaml'), '---\n' + readFileSync(fx('04'), 'utf8'));
    writeFileSync(join(dir, 'c-comment.yaml'), '# a comment first\n' + readFileSync(fx('05'), 'utf8'));
    const r = await cli(['check', '--fix', dir]);
    const docs = parseAllDocuments(r.stdout);
    expect(docs.map((d) => d.errors.map((e) => e.message))).toEqual(docs.map(() => []));
    expect(docs.map((d) => (d.toJS() as { kind?: string } | null)?.kind).filter(Boolean)).toEqual(
      [...r.stdout.matchAll(/^kind: (\w+)/gm)].map((m) => m[1]),
    );
    expect((await cli(['check', '--strict', '-'], r.stdout)).code).toBe(0);
  });

  it('refuses a file with a %YAML directive, which kubectl cannot read, naming its line', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'd.yaml'),
      '# a comment first\n%YAML 1.1\n---\n' + readFileSync(fx('05'), 'utf8'),
    );
    const r = await cli(['check', '--fix', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(
      /d\.yaml:2: error: a YAML directive \(%YAML, %TAG\): kubectl cannot read the file/,
    );
  });

  it('-q --fix --write on input it fixes cleanly prints nothing at all', async () => {
    const dir = tmp();
    cpSync(fx('03'), join(dir, 'legacy.yaml'));
    const r = await cli(['check', '-q', '--fix', '--write', dir]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(readFileSync(join(dir, 'legacy.yaml'), 'utf8')).toContain('disablePodAntiAffinity: true');
  });

  it('a deny stays a deny after --fix', async () => {
    expect((await cli(['check', '--fix', fx('02')])).code).toBe(1);
  });
});

describe('the installed command', () => {
  it('runs from bin/ without loading the Kubernetes client, express or node-forge', () => {
    const trace = join(tmp(), 'trace');
    writeFileSync(trace, '');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        join(process.cwd(), 'test/support/trace-imports.mjs'),
        'bin/ais-guard.js',
        'check',
        fx('02'),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, AIS_GUARD_TRACE: trace, NODE_OPTIONS: '' },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('DENY  target-host-port');
    const loaded = readFileSync(trace, 'utf8');
    expect(loaded).toContain('/dist/cli/check.js');
    expect(loaded).not.toMatch(/@kubernetes\/client-node|\/express\/|node-forge|pino/);
  });
});
