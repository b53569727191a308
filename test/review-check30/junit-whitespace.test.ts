// Review check30: `check -o junit` as an XML parser reads it back. XML 1.0 normalises attribute
// values (3.3.3: a literal tab, line feed or carriage return becomes a space) and line ends in text
// (2.11: "\r\n" and a lone "\r" become "\n"); only a character reference (&#10;, &#13;, &#9;)
// survives either. junit.ts wrote them raw, so a file found as `a\nb.yaml` was named `a b.yaml`
// in the suite and case of every JUnit consumer (Jenkins, GitLab), a file no one can open, and a
// "\r" a message quotes from a manifest was read as a line feed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROD = readFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), 'utf8');

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const references = (s: string) =>
  s.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (_m, hex?: string, dec?: string, name?: string) =>
    hex
      ? String.fromCodePoint(parseInt(hex, 16))
      : dec
        ? String.fromCodePoint(Number(dec))
        : ENTITIES[name!]!,
  );
/** An attribute's value as a conforming parser hands it over (XML 1.0 2.11, then 3.3.3, CDATA type). */
const attribute = (raw: string) => references(raw.replace(/\r\n?/g, '\n').replace(/[\t\n\r]/g, ' '));
/** Character data as a conforming parser hands it over (XML 1.0 2.11). */
const text = (raw: string) => references(raw.replace(/\r\n?/g, '\n'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'check30-junit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('review check30: check -o junit keeps tabs, line feeds and carriage returns', () => {
  it('a file name with a line feed and a tab names its suite and cases as found', async () => {
    const file = join(dir, 'we\tird\nname.yaml');
    writeFileSync(file, PROD);
    const r = await cli(['check', '-o', 'junit', file]);
    expect(r.code).toBe(1);
    const suites = [...r.stdout.matchAll(/<testsuite name="([^"]*)"/g)].map((m) => attribute(m[1]!));
    const classes = [...r.stdout.matchAll(/<testcase classname="([^"]*)"/g)].map((m) => attribute(m[1]!));
    expect(suites).toEqual([file]);
    expect(classes).toEqual([file, file]);
  });

  it('a carriage return a message quotes stays one, in the failure text and its message', async () => {
    const input = PROD.replace('- path: /data/aistore', '- path: "/data/ais\\rtore"');
    const r = await cli(['check', '-o', 'junit', '-'], input);
    const failure = /<failure type="[^"]*" message="([^"]*)">([^<]*)<\/failure>/.exec(r.stdout);
    expect(failure).not.toBeNull();
    expect(attribute(failure![1]!)).toContain('/data/ais\rtore');
    expect(text(failure![2]!)).toContain('/data/ais\rtore');
  });
});
