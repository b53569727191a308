// The agreement tables of docs/vap.md and docs/map.md are the output of their agreement tests:
// the text between `<!-- agreement:start ... -->` and `<!-- agreement:end -->` must be the table the
// test builds. AIS_GUARD_WRITE_DOCS=1 rewrites it first.
import { expect } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';

/** `doc` is the path from the repository's root (docs/vap.md). */
export function expectAgreementTable(doc: string, table: string): void {
  const file = new URL(`../../${doc}`, import.meta.url);
  const text = readFileSync(file, 'utf8');
  const block = /(<!-- agreement:start[^\n]*-->\n)[\s\S]*?(<!-- agreement:end -->)/;
  const wanted = text.replace(block, `$1${table}\n$2`);
  if (process.env.AIS_GUARD_WRITE_DOCS === '1') writeFileSync(file, wanted);
  expect(text).toMatch(block);
  expect(text).toBe(wanted);
}
