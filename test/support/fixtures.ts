// The AIStore manifests the tests judge, kept in the project (test/fixtures/aistore/). Each file
// opens with a comment giving the verdict a guard must reach and why.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/aistore', import.meta.url));
export const FIXTURE_FILES = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** The path of the fixture whose name starts with this number, e.g. fixture('06'). */
export function fixture(prefix: string): string {
  const file = FIXTURE_FILES.find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no fixture ${prefix}-* in ${FIXTURES}`);
  return join(FIXTURES, file);
}
