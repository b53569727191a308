// The chart (deploy/helm/ais-guard) through the helm CLI that run.sh builds from Go modules
// (test/helm/build.sh) and names in $HELM.
import { join } from 'node:path';
import YAML from 'yaml';
import type { KObject } from '../../../src/deploy/index.js';
import { ROOT } from './env.js';
import { ok, run, type RunResult } from './run.js';

export const CHART = join(ROOT, 'deploy', 'helm', 'ais-guard');

const helmBinary = process.env.HELM;
if (!helmBinary)
  throw new Error(
    '$HELM is not set: the chart tests need the helm binary that test/e2e/run.sh builds (npm run test:e2e), ' +
      'or HELM=$(test/helm/build.sh | tail -n1)',
  );
export const HELM: string = helmBinary;

export function helm(args: string[], input?: string): Promise<RunResult> {
  return run(HELM, args, input);
}

/** `--set` pairs, as a user types them. */
export type Values = Record<string, string | number | boolean>;

function setArgs(values: Values): string[] {
  return Object.entries(values).flatMap(([key, value]) => [
    typeof value === 'string' ? '--set-string' : '--set',
    `${key}=${String(value)}`,
  ]);
}

/** `helm template` of the chart: the YAML stream, and its objects (YAML 1.1, as kubectl reads it). */
export async function template(
  values: Values = {},
  release = 'ais-guard',
  extra: string[] = [],
): Promise<{ yaml: string; objects: KObject[] }> {
  const result = ok(await helm(['template', release, CHART, ...setArgs(values), ...extra]), 'helm template');
  const objects = YAML.parseAllDocuments(result.stdout, { version: '1.1' })
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`helm template printed bad YAML: ${d.errors[0]!.message}`);
      return d.toJS() as KObject | null;
    })
    .filter((o): o is KObject => o !== null);
  return { yaml: result.stdout, objects };
}

/** `helm template` that must fail: its error output. */
export async function templateFails(values: Values): Promise<string> {
  const result = await helm(['template', 'ais-guard', CHART, ...setArgs(values)]);
  if (result.code === 0) throw new Error(`helm template succeeded with ${JSON.stringify(values)}`);
  return result.stderr;
}

/** `--set-file` for the three files `ais-guard certs` wrote into dir. */
export function certFiles(dir: string): string[] {
  return [
    ['tlsCrt', 'tls.crt'],
    ['tlsKey', 'tls.key'],
    ['caCrt', 'ca.crt'],
  ].flatMap(([value, file]) => ['--set-file', `certificates.files.${value}=${join(dir, file!)}`]);
}

export { setArgs };
