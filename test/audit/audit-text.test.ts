// `audit`'s text output shows live objects' strings, which a CRD does not check for control
// characters: whoever may create an AIStore CR must not forge or hide lines in the log an admin (or
// the hourly CronJob) reads. Escaped as `check`'s text output escapes them (src/cli/terminal.ts).
import { expect, it } from '@jest/globals';
import { audit, renderAuditText } from '../../src/cli/audit.js';
import { aistore } from '../support/builders.js';

it('audit text output does not pass control characters from live objects to the terminal', () => {
  const path = '/data\u001b[2K\rall targets OK';
  const cr = aistore({
    disable: true,
    mounts: [
      { path, size: '1Ti' },
      { path, size: '1Ti' },
    ],
  });
  const text = renderAuditText(audit([cr]), []);
  expect(text).toContain('FAIL'); // the duplicate mount path is found
  expect(text).toContain('/data\\u001b[2K\\u000dall targets OK');
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
});
