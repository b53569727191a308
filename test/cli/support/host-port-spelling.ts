// A multi-target CR (fixture 02) whose target hostPort is spelt as go-yaml v2 (kubectl's reader)
// reads an int and the guard's reader might not: the review-gitops and review-fresh22y cases.
import { expect } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluate, type KubeObject } from '../../../src/policy/index.js';
import { cli } from '../../support/cli.js';
import { fixture } from '../../support/fixtures.js';

/** Fixture 02 with `hostPort: 51081` written as `hostPort: <hostPort>`. */
export const hostPortCr = (hostPort: string) =>
  readFileSync(fixture('02'), 'utf8').replace('hostPort: 51081', `hostPort: ${hostPort}`);

/**
 * `check -o json` of that CR with hostPort spelt `text` (written into `dir`), once the webhook has
 * been seen to deny the object kubectl sends for it (hostPort the int `port`).
 */
export async function checkHostPortSpelt(dir: string, text: string, port: number) {
  const file = join(dir, 'ais.yaml');
  writeFileSync(file, hostPortCr(text));
  // The webhook's verdict on the object kubectl sends (hostPort the int go-yaml v2 makes of it).
  const sent = parse(hostPortCr(String(port))) as KubeObject;
  expect(evaluate({ operation: 'CREATE', object: sent }).allowed).toBe(false);
  const r = await cli(['check', '-o', 'json', file]);
  const report = JSON.parse(r.stdout) as {
    results: { allowed: boolean; findings: { ruleId: string }[] }[];
  };
  return { r, report };
}
