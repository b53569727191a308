// What a directory walk skips is said, as the README and `check --help` promise (an outside read of
// the docs against the tool found two gaps): a link to a directory whose name has no manifest
// extension (`prod -> ../common/prod`) passed unread in silence, and a chart's charts/ folder was
// called its templates. node_modules stays silent, as hidden folders are (.git is everywhere).
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const notesOf = async (args: string[]) => {
  const r = await cli(['check', '-o', 'json', ...args]);
  expect(JSON.parse(r.stdout).errors).toEqual([]);
  return (JSON.parse(r.stdout) as { notes: { file: string; message: string }[] }).notes;
};

describe('a directory walk names what it skips', () => {
  const root = mkdtempSync(join(tmpdir(), 'ais-guard-walk-notes-'));
  const shared = join(root, 'shared', 'prod');
  mkdirSync(shared, { recursive: true });
  writeFileSync(join(shared, 'cr.yaml'), readFileSync(fixture('01'), 'utf8'));
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'chart', 'templates'), { recursive: true });
  mkdirSync(join(repo, 'chart', 'charts', 'sub'), { recursive: true });
  mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(repo, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
  writeFileSync(join(repo, 'chart', 'templates', 'cr.yaml'), '{{ .Values.cr }}\n');
  writeFileSync(join(repo, 'chart', 'charts', 'sub', 'cr.yaml'), '{{ .Values.cr }}\n');
  writeFileSync(join(repo, 'node_modules', 'pkg', 'data.json'), '[1, 2]\n');
  writeFileSync(join(repo, 'cr.yaml'), readFileSync(fixture('01'), 'utf8'));
  symlinkSync(shared, join(repo, 'prod'));
  symlinkSync(shared, join(repo, 'prod.yaml'));
  symlinkSync(join(root, 'nowhere'), join(repo, 'dangling')); // no manifest's name: not ours to say
  symlinkSync(join(root, 'nowhere'), join(repo, 'BROKEN.YAML')); // upper case: the case note
  mkdirSync(join(repo, 'linked'));
  mkdirSync(join(root, 'ws-modules'));
  mkdirSync(join(root, 'tpl'));
  symlinkSync(join(root, 'ws-modules'), join(repo, 'linked', 'node_modules')); // a workspace's
  writeFileSync(join(repo, 'linked', 'Chart.yaml'), 'apiVersion: v2\nname: l\nversion: 1.0.0\n');
  symlinkSync(join(root, 'tpl'), join(repo, 'linked', 'templates'));

  it('links to a directory, with or without a manifest name; subcharts and templates by their names', async () => {
    const notes = await notesOf(['--allow-empty', repo]);
    const said = (file: string) => notes.filter((n) => n.file === join(repo, file)).map((n) => n.message);
    expect(said('prod')).toEqual(['skipped: a link to a directory (name it as a PATH to check it)']);
    expect(said('prod.yaml')).toEqual(said('prod'));
    expect(said('chart/charts')).toEqual([expect.stringMatching(/^skipped: a Helm chart's subcharts \(/)]);
    expect(said('chart/templates')).toEqual([expect.stringMatching(/^skipped: a Helm chart's templates \(/)]);
    expect(notes.filter((n) => /node_modules|dangling/.test(n.file))).toEqual([]);
    expect(said('BROKEN.YAML')).toEqual([
      expect.stringMatching(/^skipped: kubectl apply -f of its folder skips it/),
    ]);
    expect(said('linked/templates')).toEqual(said('chart/templates'));
  });

  it('a file in charts/ named as a PATH (a hook passing staged files) is a subchart too', async () => {
    const file = join(repo, 'chart', 'charts', 'sub', 'cr.yaml');
    const notes = await notesOf(['--allow-empty', file]);
    expect(notes).toEqual([
      { file, message: expect.stringMatching(/^skipped: a Helm chart's subcharts \(/) },
    ]);
  });

  it('the link named as a PATH is walked: what the note asks for', async () => {
    const r = await cli(['check', '-o', 'json', join(repo, 'prod')]);
    expect(JSON.parse(r.stdout).results).toHaveLength(1);
  });
});
