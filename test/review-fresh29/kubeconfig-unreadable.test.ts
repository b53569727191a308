// Review fresh29: a kubeconfig that cannot be read at all (a mistyped --kubeconfig or $KUBECONFIG, a
// directory, YAML that does not parse) was reported with advice about incomplete entries of other
// contexts, which has nothing to do with it:
//   ais-guard doctor: nope: cannot be loaded: ENOENT: no such file or directory, open 'nope' (every
//   entry must be complete here, also those of other contexts: complete or remove it)
// That advice belongs to client-node's entry checks ("clusters[1].cluster.server is missing"), which
// kubectl does not make for contexts it does not use; a user with a wrong path reads it and goes
// looking for an entry to complete.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const ENTRY_ADVICE = 'every entry must be complete';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fresh29-kubeconfig-'));
  await writeFile(join(dir, 'broken.yaml'), 'clusters: [\n');
  await writeFile(
    join(dir, 'incomplete.yaml'),
    'apiVersion: v1\nkind: Config\nclusters:\n- name: staging\n  cluster: {}\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One line on stderr, exit 2, no stack trace. */
function oneLine(r: { code: number; stderr: string }): string {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  return r.stderr;
}

describe('review fresh29: a kubeconfig that cannot be read is said as such', () => {
  it.each([['doctor'], ['audit']])(
    '%s --kubeconfig MISSING: the file is missing, nothing about entries',
    async (command) => {
      const missing = join(dir, 'nope');
      const line = oneLine(await cli([command, '--kubeconfig', missing]));
      expect(line).toContain(`${missing}: cannot be loaded: `);
      expect(line).toContain('no such file or directory');
      expect(line).not.toContain(ENTRY_ADVICE);
    },
  );

  it('$KUBECONFIG naming a missing file: the same', async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = join(dir, 'gone');
    try {
      const line = oneLine(await cli(['doctor']));
      expect(line).toContain('no such file or directory');
      expect(line).not.toContain(ENTRY_ADVICE);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('a directory, or YAML that does not parse: no advice about entries', async () => {
    expect(oneLine(await cli(['doctor', '--kubeconfig', dir]))).not.toContain(ENTRY_ADVICE);
    expect(oneLine(await cli(['doctor', '--kubeconfig', join(dir, 'broken.yaml')]))).not.toContain(
      ENTRY_ADVICE,
    );
  });

  // An outside review (readme53): an empty file was "Cannot read properties of undefined (reading
  // 'clusters')", client-node's TypeError.
  it.each([
    ['empty', ''],
    ['a comment', '# kubeconfig\n'],
  ])('a kubeconfig that is %s: said so', async (_, text) => {
    const file = join(dir, 'empty.yaml');
    await writeFile(file, text);
    expect(oneLine(await cli(['audit', '--kubeconfig', file]))).toBe(
      `ais-guard audit: ${file}: cannot be loaded: not a kubeconfig: empty, or no map of clusters, users and contexts\n`,
    );
  });

  it('an incomplete entry still gets the advice (it is the way out there)', async () => {
    const line = oneLine(await cli(['doctor', '--kubeconfig', join(dir, 'incomplete.yaml')]));
    expect(line).toContain('clusters[0].cluster.server is missing');
    expect(line).toContain(ENTRY_ADVICE);
  });
});
