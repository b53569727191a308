// The policy core stays pure: no I/O, no clock, no cluster client (the lint rule says so too).
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CORE = join(process.cwd(), 'src', 'policy');
const FORBIDDEN =
  /from ['"](node:[a-z_/]+|fs|https?|net|child_process|express|@kubernetes\/client-node|pino|prom-client)['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('policy core purity', () => {
  const files = sources(CORE);
  it('has sources', () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [f.slice(CORE.length + 1), f]))('%s imports nothing impure', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    // node:path/posix is pure string work (disk path normalisation); every other node: module is not.
    expect(text.replaceAll("from 'node:path/posix'", '')).not.toMatch(FORBIDDEN);
    expect(text).not.toMatch(/\b(process\.|Date\.now|new Date\(|setTimeout|Math\.random)/);
  });
});
