// Review fresh29: README promises that `check --fix --write` writes no file "reached through a
// symbolic link (a link to the file, or a PATH that is a link to a directory) ... unless
// --follow-symlinks is given". `check --fix --write link` keeps it; `check --fix --write link/`,
// the same PATH as shell completion writes it for a link to a directory, rewrote the files in the
// link's target: lstat("link/") follows the link (a trailing slash asks for the directory), so the
// PATH was not seen as a link.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
// A CR the guard changes (the removed top-level field moves into targetSpec).
const CR = readFileSync(
  join(ROOT, 'test/fixtures/aistore/03-aistore-legacy-toplevel-antiaffinity-mutate.yaml'),
  'utf8',
);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fresh29-link-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function layout(name: string): { link: string; file: string } {
  const real = join(root, name, 'real');
  mkdirSync(real, { recursive: true });
  writeFileSync(join(real, 'cr.yaml'), CR);
  symlinkSync('real', join(root, name, 'link'));
  return { link: join(root, name, 'link'), file: join(real, 'cr.yaml') };
}

describe('review fresh29: --fix --write and a PATH that is a link to a directory', () => {
  it.each([
    ['link', ''],
    ['link/', '/'],
    ['link//', '//'],
  ])('%s is not written without --follow-symlinks', async (name, slash) => {
    const { link, file } = layout(`no-follow-${name.length}`);
    const r = await cli(['check', '--fix', '--write', link + slash]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cr\.yaml: error: reached through a symbolic link: not written/);
    expect(readFileSync(file, 'utf8')).toBe(CR);
  });

  it('link/ with --follow-symlinks is written', async () => {
    const { link, file } = layout('follow');
    const r = await cli(['check', '--fix', '--write', '--follow-symlinks', `${link}/`]);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('    disablePodAntiAffinity: true');
  });
});
