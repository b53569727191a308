// Review report25: the GitHub Action's job log as the runner reads it. A failing test per defect.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('review report25: action check.sh and workflow commands', () => {
  // DEFECT: check.sh prints check's text output into the job log ("Readable findings in the job
  // log": `ais-guard check ... 2>&1`), and every line of it starts with the file's path as found.
  // With the default `paths: .` the walk names files at the repository root by their bare name, so
  // a file a pull request adds, named `::stop-commands::tok.yaml` (any bytes but "/" are allowed in
  // a name), puts the line `::stop-commands::tok.yaml:1: note: ...` at the start of a log line: the
  // runner reads it as the stop-commands workflow command (GitHub docs, "Workflow commands for
  // GitHub Actions": "Stopping and starting workflow commands"), and every `::error file=...`
  // annotation sarif-summary.mjs prints afterwards for the denials is ignored: the pull request
  // shows none of them (README/docs/gitops.md: the findings are annotated on the files). A file
  // named `::warning file=README.md,line=1::all clear.yaml` adds an annotation the author chose.
  // terminalSafe() escapes control characters only; the SARIF path of the same step escapes
  // properly (sarif-summary.mjs prop()). Expected: no line of text the manifests or their names
  // control starts a workflow command in the log (escape a leading "::", or wrap the readable
  // output in `::stop-commands::<random token>` ... `::<token>::`, as the docs recommend).
  // Not only at the repository root: the runner also parses the legacy form `##[command]` ANYWHERE
  // in a line (actions/runner src/Runner.Worker/ActionCommandManager.cs TryProcessCommand falls
  // through from ActionCommand.TryParseV2 to ActionCommand.TryParse, which takes
  // message.IndexOf("##[")), so `deploy/a##[stop-commands]tok.yaml` in any folder does the same.
  it.each([['::stop-commands::tok.yaml'], ['deploy/a##[stop-commands]tok.yaml']])(
    'a file named %s cannot issue a workflow command in the job log',
    (name) => {
      const work = mkdtempSync(join(tmpdir(), 'ais-guard-report25-action-'));
      copyFileSync(
        join(ROOT, 'test', 'fixtures', 'aistore', '02-aistore-multitarget-target-hostport-deny.yaml'),
        join(work, 'aistore.yaml'),
      );
      mkdirSync(join(work, 'deploy'));
      writeFileSync(join(work, name), 'a: 1\n');
      const out = mkdtempSync(join(tmpdir(), 'ais-guard-report25-out-'));
      const outputFile = join(out, 'github-output');
      writeFileSync(outputFile, '');
      const r = spawnSync('bash', [join(ROOT, 'scripts', 'action', 'check.sh')], {
        cwd: work,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AIS_GUARD: `${process.execPath} ${join(ROOT, 'bin', 'ais-guard.js')}`,
          GITHUB_OUTPUT: outputFile,
          INPUT_SARIF_FILE: join(out, 'ais-guard.sarif'),
        },
      });
      expect(readFileSync(outputFile, 'utf8')).toContain('exit-code=1');
      const log = (r.stdout + r.stderr).split('\n');
      const command = (l: string) => /^\s*::/.test(l) || /##\[[a-z-]+[\] ]/.test(l);
      // The lines the runner processes as commands: none after `::stop-commands::T` until the line
      // `::T::` (ActionCommandManager.TryProcessCommand ignores every other command meanwhile).
      const processed: string[] = [];
      let stopped: string | undefined;
      for (const l of log) {
        if (stopped !== undefined) {
          if (l.trim() === `::${stopped}::`) stopped = undefined;
          continue;
        }
        if (!command(l)) continue;
        processed.push(l);
        stopped = /^\s*::stop-commands::(.*)$/.exec(l)?.[1];
      }
      // The denial is annotated (sarif-summary.mjs) ...
      expect(processed.some((l) => l.startsWith('::error file=aistore.yaml,line=22'))).toBe(true);
      // ... and the only commands are sarif-summary.mjs's own annotations, and check.sh's own
      // stop-commands with a random token (the resuming line is consumed above).
      const own = (l: string) =>
        /^::(error|warning|notice) file=/.test(l) || /^::stop-commands::[0-9a-f]{32}$/.test(l);
      expect(processed.filter((l) => !own(l))).toEqual([]);
    },
  );
});
