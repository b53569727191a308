// Review "fix24": `check --fix --write` and the permissions around the files it rewrites. Each test
// fails on main. First: the README promises "all files or none" ("--fix --write judges and fixes
// every file in memory first and writes only when all of them can be written"), but a rename
// refusal that is certain before the first rename is not looked for.
//
// Defect: write.ts prepare() checks that each file is writable and that its directory is writable
// and searchable (access W_OK|X_OK), but not the sticky bit. In a sticky directory (mode 1777, or a
// shared group checkout with +t) rename(2) over a file owned by someone else fails with EPERM even
// though the file and the directory are writable (Linux fs/namei.c may_delete -> check_sticky:
// only the file's owner, the directory's owner or CAP_FOWNER may unlink or replace an entry). So
// both files pass prepare and are staged, the first rename succeeds, the second fails: a half-done
// batch ("rewrote 1 file(s)"), and the message "cannot write: permission denied" names a file the
// user can write.
// Impact: the promise "no half-done batches" is broken in shared checkouts (a sticky shared folder
// such as /tmp/ci-work or a group workspace with +t); one of two related manifests (the CR and its
// PVs, say) is fixed and the other is not.
// Expected: the refusal is found before anything is renamed (the directory is sticky, the file is
// neither the user's nor in a directory the user owns): nothing is rewritten, exit 2, one line
// naming b.yaml and why.
// Needs root to set up the owners and run the CLI as another user (skipped otherwise); run with
// `npm run test:faults` (it builds dist/ first) or `npm run build` and jest -c jest.faults.config.js.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv, legacyCR } from './support/cli.js';

/**
 * The other user may read and search every directory (CAP_DAC_READ_SEARCH, ambient so it survives the
 * uid change), never write one it lacks the right to: a checkout under a 0700 directory (a mktemp
 * clone in CI) is then still loadable, and what is judged is only the right to write.
 */
const READ_THE_CHECKOUT = ['--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
const asRoot = process.getuid?.() === 0 ? it : it.skip;

/** `ais-guard check ARGS` as uid/gid 65534 with these supplementary groups (`--clear-groups` or `--groups=N`). */
const checkAsNobody = (groups: string, args: string[]) =>
  spawnSync(
    'setpriv',
    ['--reuid=65534', '--regid=65534', ...READ_THE_CHECKOUT, groups, process.execPath, BIN, 'check', ...args],
    { encoding: 'utf8', env: childEnv() },
  );

const cr = (name: string) => legacyCR(name, true);

describe('check --fix --write in a sticky directory', () => {
  asRoot('a file the rename may not replace is refused before any file is renamed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix24-sticky-'));
    chmodSync(dir, 0o1777);
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, cr('ais-a'));
    writeFileSync(b, cr('ais-b'));
    // a.yaml is the running user's; b.yaml is a colleague's, writable by all.
    chownSync(a, 65534, 65534);
    chownSync(b, 1234, 1234);
    chmodSync(a, 0o666);
    chmodSync(b, 0o666);
    const run = checkAsNobody('--clear-groups', ['--fix', '--write', a, b]);
    expect(run.status).toBe(2);
    // On main: a.yaml is rewritten, b.yaml is not ("rewrote 1 file(s)").
    expect(readFileSync(a, 'utf8')).toBe(cr('ais-a'));
    expect(readFileSync(b, 'utf8')).toBe(cr('ais-b'));
    expect(run.stderr).toMatch(/^.*b\.yaml: error: .+$/m);
    expect(run.stderr).toContain('rewrote 0 file(s)');
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
  });
});

describe('check --fix --write of a file shared through its group', () => {
  // Defect: write.ts keeps the file's owner only when run as root (`owner: runningAsRoot() ? ...`);
  // otherwise the renamed-in file gets the writer's uid AND primary gid. A user may not give a file
  // away, but may give it any group they belong to (chown(2) with uid -1): the group, which is what
  // shares the file, could be kept and is not. Here alice's manifest (1234:2345, 0664) in a group
  // workspace (root:2345, 0775) is fixed by bob (65534, a member of 2345): afterwards it is
  // 65534:65534 0664, so alice and the rest of group 2345 can only read it; their next edit or
  // `git pull` fails with "Permission denied". The README says each file is written "with its mode
  // kept", and the mode bits are, but the permission they grant is lost with the group.
  // (vim's 'backupcopy=auto' writes in place when it cannot keep owner and group, for this reason.)
  // Impact: "loses nothing" broken for shared checkouts: a fix silently takes write access away.
  // Expected: the group is kept when the writer is a member of it (or the file is refused / written
  // in place when the owner or group cannot be kept); here the file stays in group 2345.
  asRoot('the group is kept when the writer belongs to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix24-group-'));
    chownSync(dir, 0, 2345);
    chmodSync(dir, 0o775);
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, cr('ais'));
    chownSync(file, 1234, 2345);
    chmodSync(file, 0o664);
    const run = checkAsNobody('--groups=2345', ['-q', '--fix', '--write', file]);
    expect(run.status).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe(cr('ais'));
    const info = statSync(file);
    expect(info.mode & 0o7777).toBe(0o664);
    // On main: 65534.
    expect(info.gid).toBe(2345);
  });
});

describe('check --fix --write of a writable file in a directory the user may not write', () => {
  // Defect: write.ts prepare() checks access(dirname, W_OK | X_OK) because the new content is
  // staged in a temporary file beside the target, but a refusal there is reported exactly like a
  // read-only file: "FILE: error: cannot write: permission denied". The user's own file, mode 0644,
  // is writable; `chmod u+w FILE` (what the message suggests) changes nothing. Only the directory
  // is the problem, and the message does not say so.
  // Impact: a misleading one-line error (the promise is "a one-line error with its place"): the
  // place is right, the reason points at the wrong object.
  // Expected: the message says the directory cannot be written (it names it, or says "directory").
  asRoot('the error says it is the directory, not the file, that cannot be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix24-rodir-'));
    chmodSync(dir, 0o755); // root's: others may enter and read, not create
    const file = join(dir, 'cr.yaml');
    writeFileSync(file, cr('ais'));
    chownSync(file, 65534, 65534);
    chmodSync(file, 0o644);
    const run = checkAsNobody('--clear-groups', ['-q', '--fix', '--write', file]);
    expect(run.status).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(cr('ais'));
    const line = run.stderr.split('\n').find((l) => l.startsWith(`${file}: error:`));
    // On main: "<file>: error: cannot write: permission denied".
    expect(line).toMatch(/director|folder/i);
  });
});
