// Review audit24: `ais-guard audit` and `ais-guard doctor` as an SRE runs them against a kubeconfig.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

/**
 * A kubeconfig with several clusters and no current-context: what `kubectl config unset
 * current-context` leaves, and how many teams ship merged kubeconfigs so that nobody acts on prod by
 * default (kubectl then answers one line: "error: current-context is not set").
 */
const NO_CURRENT_CONTEXT = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://127.0.0.1:1"}
- name: stage
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: sre
  user: {token: x}
contexts:
- name: prod
  context: {cluster: prod, user: sre}
- name: stage
  context: {cluster: stage, user: sre}
`;

describe('review audit24: a kubeconfig without a current context', () => {
  // Defect: src/k8s/kubeconfig.ts detectKubeConfig throws a plain Error ("…: the current context
  // names no cluster") that neither runAudit nor runDoctor turns into a UsageError or an exit-2
  // line; main() rethrows it and the process prints "ais-guard: Error: … at detectKubeConfig
  // (file:///…/dist/k8s/kubeconfig.js:55:15) at Object.runAudit …" (a stack trace, checked with
  // `node dist/cli/main.js audit --kubeconfig <this file>`). The same for a current-context naming
  // a context that does not exist. docs/audit.md and docs/doctor.md promise exit 2 with a reason for
  // a cluster that cannot be read; a stack trace reads as a crash of the tool, and says nothing of
  // the fix (--context NAME, `kubectl config use-context NAME`, or a kubeconfig that sets one). A CronJob's log then holds a trace instead of the reason.
  // Expected: exit 2 and one line naming the kubeconfig and what to do (set a current context).
  for (const command of ['audit', 'doctor'])
    it(`${command}: exit 2, one line, no stack trace`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-review-audit24-')), 'kubeconfig');
      writeFileSync(file, NO_CURRENT_CONTEXT);
      const r = await cli([command, '--kubeconfig', file]).catch((err: Error) => ({
        code: 'threw',
        stdout: '',
        stderr: String(err.stack),
      }));
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/context/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
});
