// Review cli31: `audit --report-format F` without `-o report` or `--apply` printed the text (or JSON)
// report as if the flag had not been given: someone asking for PolicyReports got neither the reports
// nor a word. Other commands refuse a flag that goes with another (--write with --fix, --vap-actions
// with --vap).
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

describe('review cli31: audit --report-format', () => {
  it.each([[[]], [['-o', 'text']], [['-o', 'json']]])(
    'with %j and no --apply: a usage error, before any cluster is asked',
    async (output) => {
      const r = await cli([
        'audit',
        ...output,
        '--report-format',
        'policyreport',
        '--kubeconfig',
        '/nonexistent',
      ]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'ais-guard audit: --report-format chooses the reports of -o report and --apply: give one of them\n',
      );
    },
  );
});
