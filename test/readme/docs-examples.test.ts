// The examples of docs/*.md that test/readme/examples.test.ts does not run (it reads README.md only)
// and that need no cluster to hold to the code: what the shown output says about objects, counts and
// messages the CLI prints here, and that the files a command names exist where it is run.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';
import { builderCases, fixtureCases } from '../vap/cases.js';
import { mapCases } from '../map/cases.js';
import { coverage } from '../../src/vap/index.js';

const ROOT = join(import.meta.dirname, '../..');
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');
const objects = (yaml: string) =>
  YAML.parseAllDocuments(yaml)
    .map(
      (d) =>
        d.toJS() as {
          apiVersion: string;
          kind: string;
          metadata: { name: string };
          spec?: { mutations?: unknown[] };
        },
    )
    .filter(Boolean);

/** The lines of the fenced block that starts with `$ <command>` (its output, up to the next `$ `). */
function shownOutput(markdown: string, command: string): string[] {
  const lines = markdown.split('\n').map((l) => l.replace(/^ {3}/, ''));
  const start = lines.findIndex((l) => l.startsWith(`$ ${command}`));
  if (start < 0) throw new Error(`no "$ ${command}" in the page`);
  const out: string[] = [];
  for (
    let i = start + 1;
    i < lines.length && !lines[i]!.startsWith('$ ') && !lines[i]!.startsWith('```');
    i++
  )
    out.push(lines[i]!);
  return out;
}

describe('docs/deploy.md', () => {
  it('the server dry run of `render --cert-dir certs --image …` shows one line per object render prints', async () => {
    const rendered = await cli(['render', '--image', 'registry.example.com/ais-guard:0.1.0']);
    expect(rendered.code).toBe(0);
    // kubectl names each object <kind lowercased>[.<group>]/<name>.
    const expected = objects(rendered.stdout).map((o) => {
      const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
      return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
    });
    const shown = shownOutput(
      doc('deploy.md'),
      'ais-guard render --cert-dir certs --image registry.example.com/ais-guard:0.1.0 | kubectl apply --dry-run=server',
    )
      .filter((l) => l.endsWith('(server dry run)'))
      .map((l) => l.split(' ')[0]);
    expect(shown).toEqual(expected);
  });
});

describe('docs/map.md', () => {
  it('`kubectl get mutatingadmissionpolicies` shows as many MUTATIONS per policy as `render --map` gives it', async () => {
    const rendered = await cli(['render', '--map']);
    const real = Object.fromEntries(
      objects(rendered.stdout)
        .filter((o) => o.kind === 'MutatingAdmissionPolicy')
        .map((o) => [o.metadata.name, String(o.spec?.mutations?.length)]),
    );
    const shown = Object.fromEntries(
      shownOutput(doc('map.md'), 'kubectl get mutatingadmissionpolicies')
        .slice(1)
        .filter((l) => l.trim())
        .map((l) => l.split(/\s+/).slice(0, 2)),
    );
    expect(shown).toEqual(real);
  });

  it('the v1.36 agreement result counts the cases the e2e file sends today', () => {
    const cases = mapCases();
    const creates = cases.filter((c) => c.operation === 'CREATE').length;
    const shown = /\*\*(\d+) of (\d+) agree\*\* \((\d+) CREATE, (\d+) UPDATE\)/.exec(doc('map.md'));
    expect(shown?.slice(1).map(Number)).toEqual([
      cases.length,
      cases.length,
      creates,
      cases.length - creates,
    ]);
  });
});

describe('docs/vap.md and README.md', () => {
  it('the apiserver agreement result counts the cases test/e2e/11-vap-agreement sends today', () => {
    const covered = new Set(coverage().map((c) => c.kind));
    const n = [...fixtureCases(), ...builderCases()].filter((c) => covered.has(c.object.kind ?? '')).length;
    const vap = /\*\*(\d+) of (\d+) agree, none skipped\*\*/.exec(doc('vap.md'));
    const readme = /the (\d+) VAP agreement cases/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect({ vap: vap?.slice(1).map(Number), readme: Number(readme?.[1]) }).toEqual({
      vap: [n, n],
      readme: n,
    });
  });
});

describe('docs/gitops.md', () => {
  it("the job log shown for examples/ais-prod.yaml has the action's real annotation", () => {
    const bin = mkdtempSync(join(tmpdir(), 'ais-guard-docs-'));
    writeFileSync(
      join(bin, 'ais-guard'),
      `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/ais-guard.js')}" "$@"\n`,
    );
    chmodSync(join(bin, 'ais-guard'), 0o755);
    const run = spawnSync('scripts/action/check.sh', [], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        NODE_OPTIONS: '',
        INPUT_PATHS: 'examples/ais-prod.yaml',
        INPUT_SARIF_FILE: join(bin, 'out.sarif'),
        GITHUB_OUTPUT: join(bin, 'github-output'),
      },
    });
    const real = run.stdout.split('\n').find((l) => l.startsWith('::error file=examples/ais-prod.yaml'));
    const page = doc('gitops.md');
    const shown = page.split('\n').find((l) => l.startsWith('::error file=examples/ais-prod.yaml'));
    // The page cuts the message short with "...": what it shows must be the start of the real line.
    expect(real).toBeDefined();
    const prefix = shown!.replace(/ ?\.\.\.$/, '');
    expect(real!.slice(0, prefix.length)).toBe(prefix);
  });
});

describe('docs/plan.md', () => {
  it("every file the examples' commands read exists in one directory: the root, or the fixtures' own", () => {
    const commands = doc('plan.md')
      .split('\n')
      .filter((l) => l.startsWith('$ ais-guard '))
      .map((l) => l.slice(2));
    expect(commands.length).toBeGreaterThan(0);
    const missingFrom = (dir: string) => {
      const written = new Set<string>();
      const missing: string[] = [];
      for (const command of commands) {
        const [args, redirect] = command.split(/\s>\s/) as [string, string | undefined];
        for (const word of args.split(/\s+/))
          if (/\.ya?ml$/.test(word) && !written.has(word) && !existsSync(join(dir, word)))
            missing.push(`${word} (in: ${command})`);
        if (redirect) written.add(redirect.trim());
      }
      return missing;
    };
    const tries = [ROOT, join(ROOT, 'test/plan/fixtures')].map((dir) => ({ dir, missing: missingFrom(dir) }));
    // Passes when one directory has them all; else shows what each one lacks.
    expect(tries.some((t) => t.missing.length === 0) ? [] : tries).toEqual([]);
  });
});
