// The helm of test/helm/build.sh (cached; HELM names another) run on the chart, for the tests of
// test/review-helm31.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { builtTool } from '../support/promtool.js';

export const CHART = join(DEPLOY_DIR, 'helm', 'ais-guard');

/** `--set` pairs as helm arguments. */
const sets = (values: Record<string, string>) =>
  Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

/** helm with `args`: exit status, stdout and stderr. */
export function helm(args: string[]) {
  const r = spawnSync(builtTool('HELM', 'test/helm/build.sh'), args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart with `values`. */
export const template = (values: Record<string, string> = {}) =>
  helm(['template', 'ais-guard', CHART, '--namespace', 'ais-guard', ...sets(values)]);

/** NOTES.txt as `helm install` prints it (client-side dry run: no cluster). */
export function notes(values: Record<string, string> = {}): string {
  const r = helm(['install', 'ais-guard', CHART, '--dry-run=client', '-o', 'json', ...sets(values)]);
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { info: { notes: string } }).info.notes;
}
