// review cli27: docs/plan.md shows two runs of `ais-guard plan` as "Real output, run in
// test/plan/fixtures/", and the built CLI prints more than that on stderr:
// 1. `plan --disks disks-3x4.yaml not-ready.yaml > pvs.yaml`: the doc shows the summary and two
//    warnings on the CR (anti-affinity-not-disabled, target-host-port); the CLI prints six more, one
//    per planned PV ("[pv-target-binding] ... every target of ais asks for host port 51081 ... Put the
//    PV on a node with no other target's disk"), which tell the user to move the PVs the plan itself
//    just placed; the fix is the CR's hostPort (the CR warning already says so).
// 2. `plan ... --diff ../../fixtures/aistore/04-pv-target-disks-one-node.yaml` ("real output; three
//    `missing` entries cut"): the CLI also prints "warning: ais-target-0 is planned on other disks:
//    disk storage-node-01:/ais/sda is not in the disk map; ..." and the same for ais-target-1, which
//    the doc's output does not have.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from './support/cli.js';

const FIXTURES = join(ROOT, 'test/plan/fixtures');
const DOC = readFileSync(join(ROOT, 'docs/plan.md'), 'utf8');

/** The lines of the fenced block that starts with `$ <command>`, after that line, up to the fence. */
function docBlock(command: string): string[] {
  const start = DOC.indexOf(`$ ${command}\n`);
  expect(start).toBeGreaterThan(-1);
  const body = DOC.slice(start + command.length + 3);
  return body.slice(0, body.indexOf('```')).trimEnd().split('\n');
}

const plan = (args: string[]) => runCli(['plan', ...args], { cwd: FIXTURES, env: { NO_COLOR: '1' } });

describe('review cli27: docs/plan.md real output of plan', () => {
  it('not-ready.yaml: stderr is what the doc shows', () => {
    const r = plan(['--disks', 'disks-3x4.yaml', 'not-ready.yaml']);
    expect(r.status).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual(
      docBlock('ais-guard plan --disks disks-3x4.yaml not-ready.yaml > pvs.yaml'),
    );
  });

  it('--diff against the shared fixture: stderr is the tail the doc shows after the YAML', () => {
    const command =
      'ais-guard plan --disks disks-3x4.yaml ais-6-targets.yaml --diff ../../fixtures/aistore/04-pv-target-disks-one-node.yaml';
    const r = plan(command.split(' ').slice(2));
    expect(r.status).toBe(1);
    const shown = docBlock(command);
    // The doc prints stdout (the YAML comparison) then stderr (from "planned ..." on), then `$ echo $?`.
    const tail = shown.slice(
      shown.findIndex((l) => l.startsWith('planned ')),
      shown.findIndex((l) => l.startsWith('$ echo')),
    );
    expect(r.stderr.trimEnd().split('\n')).toEqual(tail);
    // And stdout as shown: whole from "extra:" on (the conflicting fields drifted once), its first
    // missing entry before the "# …" line that stands for the three cut ones.
    const yaml = shown.slice(
      0,
      shown.findIndex((l) => l.startsWith('planned ')),
    );
    const out = r.stdout.trimEnd().split('\n');
    const cut = yaml.findIndex((l) => l.trim().startsWith('# …'));
    expect(out.slice(0, cut)).toEqual(yaml.slice(0, cut));
    expect(out.slice(out.indexOf('extra: []'))).toEqual(yaml.slice(yaml.indexOf('extra: []')));
  });
});
