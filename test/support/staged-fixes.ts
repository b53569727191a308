// Two CR files a and b in a fresh directory, each with a fix ready to write: for the tests that
// change a file while `--fix --write` stages the other (src/cli/write.ts writeFixes' stage hook).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInput } from '../../src/cli/load.js';
import { fixture } from './fixtures.js';

export function twoFixedFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-staged-'));
  for (const name of ['a', 'b'])
    writeFileSync(
      join(dir, `${name}.yaml`),
      readFileSync(fixture('03'), 'utf8').replace('name: ais', `name: ${name}`),
    );
  const errors: never[] = [];
  const fixes = ['a', 'b'].map((name) => {
    const file = join(dir, `${name}.yaml`);
    const { source } = parseInput({ file, argument: 0, bytes: readFileSync(file) }, errors);
    return { source, bytes: Buffer.from('fixed\n'), objects: 1 };
  });
  return { dir, fixes };
}
