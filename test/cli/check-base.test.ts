// `check --base DIR`: a pull request judged as the webhook judges its apply. An object found under
// DIR (a checkout of the target branch) is the UPDATE from that version, the others are creates.
// Review "gitops": without it, check judged the scale-out of a live CR as a create and refused what
// the webhook admits (evaluate.ts fixedAtCreation), and --fix wrote changes the operator refuses.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, pv } from '../support/builders.js';
import { cli } from '../support/cli.js';

// --base reads each PATH again at the same place under DIR, so PATHs are relative to the
// repository checkout the run starts in: each test runs in a fresh one.
let repo: string;
const home = process.cwd();
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'ais-guard-base-'));
  mkdirSync(join(repo, 'main'));
  mkdirSync(join(repo, 'pr'));
  process.chdir(join(repo, 'pr'));
});
afterEach(() => process.chdir(home));

/** Writes `object` at `file` in the PR's checkout, and `before` (if any) at the same place in main's. */
function change(file: string, object: KubeObject, before?: KubeObject): void {
  for (const [root, o] of [
    ['pr', object],
    ['main', before],
  ] as const) {
    if (!o) continue;
    const path = join(repo, root, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, stringify(o));
  }
}

const live = aistore({ size: 1, disable: true, hostPort: 51081 });
const scaledOut = aistore({ size: 2, disable: true, hostPort: 51081 });

describe('check --base', () => {
  it('judges the scale-out of a live CR with a hostPort as the update the webhook admits', async () => {
    change('deploy/cr.yaml', scaledOut, live);
    const asCreate = await cli(['check', '--nodes', '3', 'deploy']);
    expect(asCreate.code).toBe(1);
    expect(asCreate.stdout).toContain('DENY  target-host-port');
    const asUpdate = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(asUpdate.stdout).toContain('WARN  target-host-port (line');
    expect(asUpdate.stdout).toContain('fixed at creation, kept');
    expect(asUpdate.stdout).toContain('../main: note: --base: 1 of 1 object(s) judged as updates');
    expect(asUpdate.code).toBe(0);
    expect((await cli(['check', '--strict', '--nodes', '3', '--base', '../main', 'deploy'])).code).toBe(1);
    // A changed hostPort is the update's own doing: refused, as the webhook refuses it.
    change('deploy/cr.yaml', aistore({ size: 2, disable: true, hostPort: 9999 }), live);
    const changed = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(changed.stdout).toContain('DENY  target-host-port');
    expect(changed.code).toBe(1);
  });

  it('--fix writes what the webhook would on that update, not what a create gets', async () => {
    // Scale-out beyond the nodes: a create gets disablePodAntiAffinity, which the operator refuses
    // to change on a live CR; the update is only warned about (targets-exceed-nodes).
    change('deploy/cr.yaml', aistore({ size: 4 }), aistore({ size: 1 }));
    const created = await cli(['check', '--fix', '--nodes', '2', 'deploy']);
    expect(created.stdout).toContain('disablePodAntiAffinity: true');
    const updated = await cli(['check', '--fix', '--nodes', '2', '--base', '../main', 'deploy']);
    expect(updated.stdout).not.toContain('disablePodAntiAffinity');
    expect(updated.stderr).toContain('WARN  targets-exceed-nodes');
    // A true the live CR has, dropped from the manifest: the webhook keeps it, and so does --fix.
    change('deploy/cr.yaml', aistore({ size: 4 }), aistore({ size: 4, disable: true }));
    const kept = await cli(['check', '--fix', '--nodes', '2', '--base', '../main', 'deploy']);
    expect(kept.stdout).toContain('disablePodAntiAffinity: true');
  });

  it('with --context-per-dir, each folder is an update of its own counterpart; a new folder is created', async () => {
    change('clusters/prod/cr.yaml', scaledOut, live);
    change('clusters/lab/cr.yaml', scaledOut); // not in main yet: a new cluster, created
    const r = await cli([
      'check',
      '--nodes',
      '3',
      '--context-per-dir',
      '--base',
      '../main',
      'clusters/prod',
      'clusters/lab',
    ]);
    expect(r.stdout).toContain('note: --base: 1 of 2 object(s) judged as updates');
    expect(r.stdout).toMatch(/clusters\/prod\/cr\.yaml:1 [^\n]*\n {2}WARN {2}target-host-port/);
    expect(r.stdout).toMatch(/clusters\/lab\/cr\.yaml:1 [^\n]*\n {2}DENY {2}target-host-port/);
    expect(r.code).toBe(1);
  });

  it('an unchanged object keeps a violation it already had as a warning, as the webhook ratchets', async () => {
    const broken = aistore({ size: 2, disable: true, hostPort: 51081 });
    change('deploy/cr.yaml', broken, broken);
    const r = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(r.stdout).toMatch(/WARN {2}target-host-port/);
    expect(r.code).toBe(0);
  });

  it('refuses a DIR that cannot be a base, with exit 2 and one line', async () => {
    change('deploy/cr.yaml', scaledOut, live);
    const stdin = await cli(['check', '--base', '../main', '-'], stringify(scaledOut));
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/--base reads each PATH again under its DIR: stdin has no path there/);
    const missing = await cli(['check', '--base', '../nowhere', 'deploy']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--base: \.\.\/nowhere is not a directory/);
    const outside = await cli(['check', '--base', '../main', join(repo, 'main', 'deploy')]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/is outside the current directory/);
    // Review "base1" F1: judged against itself every denial is "already so" and the run passes.
    const self = await cli(['check', '--base', '.', 'deploy']);
    expect([self.code, self.stderr]).toEqual([
      2,
      expect.stringMatching(/--base: \. is the current directory/),
    ]);
    // A base inside a PATH would be read as input too; a hidden one is not (folder walks skip it).
    mkdirSync(join(repo, 'pr', 'deploy', 'base'));
    const inside = await cli(['check', '--base', 'deploy/base', 'deploy']);
    expect([inside.code, inside.stderr]).toEqual([
      2,
      expect.stringMatching(/is inside deploy, so it would be read/),
    ]);
    mkdirSync(join(repo, 'pr', '.base', 'deploy'), { recursive: true });
    writeFileSync(join(repo, 'pr', '.base', 'deploy', 'cr.yaml'), stringify(live));
    const hidden = await cli(['check', '--nodes', '3', '--base', '.base', '.']);
    expect(hidden.stdout).toContain('1 of 1 object(s) judged as updates');
  });

  // Review "base1" F2: the pull request that repairs a broken target branch must be able to pass.
  it('a base it cannot read is a note, and what it held is judged as created (never more lenient)', async () => {
    change('deploy/cr.yaml', scaledOut, live);
    writeFileSync(join(repo, 'main', 'deploy', 'broken.yaml'), 'kind: [\n');
    const broken = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(broken.stdout).toMatch(/\.\.\/main\/deploy\/broken\.yaml:\d+: note: --base: .*judged as created/);
    expect(broken.stdout).toContain('WARN  target-host-port'); // cr.yaml was read: an update
    expect(broken.code).toBe(0);
    // The same object twice in the base: which one is applied cannot be told, so it is a create.
    writeFileSync(join(repo, 'main', 'deploy', 'broken.yaml'), stringify(live));
    const twice = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(twice.stdout).toMatch(/note: --base: AIStore ais is given twice here .*judged as a create/);
    expect(twice.stdout).toContain('DENY  target-host-port');
    expect(twice.code).toBe(1);
  });

  // Review "base1" F3 and F6: kubectl apply deletes nothing, and a pruned PV stays while bound.
  it('an object only in the base stays in the context, and is named', async () => {
    const boundTo = (name: string, target: number, host: string) =>
      pv(name, { claim: `ais-data-aistore-ais-target-${target}`, host, path: '/ais/sda' });
    const cr = aistore({ size: 2 });
    change('deploy/cr.yaml', cr, cr);
    change('deploy/pv-a.yaml', boundTo('pv-a', 0, 'node-01'), boundTo('pv-a', 0, 'node-01'));
    change('deploy/pv-b.yaml', boundTo('pv-c', 1, 'node-03'), boundTo('pv-b', 1, 'node-02'));
    const r = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(r.stdout).toMatch(/PVs pv-c and pv-b are both pre-bound to claim ais-data-aistore-ais-target-1/);
    expect(r.stdout).toContain(
      'note: --base: 1 object(s) only here, kept in the context (kubectl apply deletes nothing; a pruning sync deletes them): PersistentVolume pv-b',
    );
    expect(r.code).toBe(1);
  });

  // Review "base1" F4 and "today3": the base is taken as written. A live CR reached its layout by
  // updates too, which get none of the guard's CREATE changes: assuming its disablePodAntiAffinity:
  // true would hide Pending targets, and advise a change the operator refuses.
  it('a base CR is taken as written: no change of the guard is assumed on the live CR', async () => {
    change('deploy/cr.yaml', aistore({ size: 4 }), aistore({ size: 3 }));
    const r = await cli(['check', '--nodes', '2', '--base', '../main', 'deploy']);
    expect(r.stdout).toMatch(/WARN {2}targets-exceed-nodes .*4 targets with required anti-affinity/);
    expect(r.stdout).not.toContain('in the stored CR');
    // Written in the manifest, as the guard's CREATE warning asks: nothing to say.
    change('deploy/cr.yaml', aistore({ size: 4, disable: true }), aistore({ size: 3, disable: true }));
    const written = await cli(['check', '--nodes', '2', '--base', '../main', 'deploy']);
    expect(written.stdout).toContain('0 denied, 0 with warnings');
  });

  // Review "base1" F7, as a pull request: size 2 to 4 on 3 nodes is refused, as 1 to 4 is.
  it('a hostPort CR scaled past its nodes is refused from any stored size', async () => {
    change('deploy/cr.yaml', aistore({ size: 4, disable: true, hostPort: 51081 }), scaledOut);
    const r = await cli(['check', '--nodes', '3', '--base', '../main', 'deploy']);
    expect(r.stdout).toMatch(/DENY {2}target-host-port .*This update cannot place every target/);
    expect(r.code).toBe(1);
  });
});
