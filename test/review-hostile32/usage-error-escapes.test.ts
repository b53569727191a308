// review hostile32: a usage error quotes the file it refuses (a key of serve's config, a line of a
// --nodes-file, a node of plan's disk map), and wrote what it quoted raw to the terminal: an ESC
// sequence in the file cleared the screen or recoloured the line, a "\r" overwrote it, a quoted
// "\n" split the one line in two. check's report writes such text escaped (terminal.ts); so does
// every usage error now.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-usage-escapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

// eslint-disable-next-line no-control-regex -- what must not reach the terminal
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const oneSafeLine = (r: { code: number; stderr: string }, shown: RegExp) => {
  expect(r.code).toBe(2);
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(RAW_CONTROL);
  expect(lines[0]).toMatch(shown);
};

describe('usage errors quoting a file write its control characters escaped, in one line', () => {
  it('serve --config: an unknown key with an ESC sequence', async () => {
    const config = file('config.yaml', 'port: 8443\n"foo\\e[2J\\rbar": 1\n');
    oneSafeLine(await cli(['serve', '--config', config]), /unknown key "foo\\u001b\[2J\\u000dbar"/);
  });

  it('serve --config: a key with a line break', async () => {
    const config = file('config-nl.yaml', '"foo\\nbar": 1\n');
    oneSafeLine(await cli(['serve', '--config', config]), /unknown key "foo\\u000abar"/);
  });

  it('check --nodes-file: a node name with an ESC sequence', async () => {
    const nodes = file('nodes', 'node-1\nnode\u001b[31m2\n');
    oneSafeLine(
      await cli(['check', '--nodes-file', nodes, 'examples/ais-prod.yaml']),
      /"node\\u001b\[31m2" is not a node name/,
    );
  });
});
