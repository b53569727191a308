// Review audit35: `ais-guard audit -o report | kubectl apply ...` as docs/audit.md shows it, for an
// AIStore of a size a shared cluster has. Client-side `kubectl apply -f` stores the whole object in
// the kubectl.kubernetes.io/last-applied-configuration annotation, and the apiserver refuses a
// custom resource whose annotations exceed 256 KiB (apimachinery ValidateAnnotations,
// TotalAnnotationSizeLimitB: "metadata.annotations: Too long: must have at most 262144 bytes").
// Reports are kept under a MiB, four times that: the pipe must be server-side apply, under the
// field manager --apply uses (or it conflicts with what an earlier --apply wrote).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReports } from '../../src/audit/index.js';
import { audit } from '../../src/cli/audit.js';
import { liveAIStore } from '../audit/support/large-aistore.js';

const ANNOTATIONS_LIMIT = 256 * 1024;

describe('review audit35: audit -o report piped to kubectl apply', () => {
  it('a namespace report of 64 targets x 4 disks is over the 256 KiB annotations limit', () => {
    const reports = buildReports(audit(liveAIStore(64, 4, 32)), ['policyreport', 'openreports'], {
      now: 1796454449,
    });
    const namespaced = reports.filter((r) => r.kind === 'PolicyReport' || r.kind === 'Report');
    expect(namespaced).toHaveLength(2);
    // What client-side apply would put in last-applied-configuration: the object's JSON.
    for (const r of namespaced) expect(JSON.stringify(r).length).toBeGreaterThan(ANNOTATIONS_LIMIT);
  });

  it('docs pipe the reports into server-side apply with the field manager --apply uses', () => {
    const docs = [
      readFileSync(join(import.meta.dirname, '../../docs/audit.md'), 'utf8'),
      readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8'),
    ].join('\n');
    const pipes = docs.match(
      /audit[^`\n]*-o (?:report|policyreport|openreports)[^`\n]*\| *kubectl apply[^`\n]*/g,
    );
    expect(pipes?.length).toBeGreaterThan(0);
    for (const pipe of pipes ?? []) {
      expect(pipe).toContain('--server-side');
      expect(pipe).toContain('--field-manager=ais-guard');
    }
  });
});
