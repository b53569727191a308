// Review audit26: what `audit` writes to stderr from the apiserver's answers, as a terminal or the
// CronJob's log (kubectl logs) shows it.
import { describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { cli } from '../support/cli.js';
import { answerStatus, objectsOf, proxiedPerTest } from '../audit/support/proxied.js';

const proxied = proxiedPerTest();
const status = (res: ServerResponse, code: number, reason: string, message: string) =>
  answerStatus(res, code, reason, { message });

// Raw control characters: ESC (colours, cursor moves, erase line), CR, and C1 CSI.
// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const VALID = () => objectsOf('01', '04', '05', '09');

describe('review audit26: apiserver text on stderr is terminal-safe', () => {
  // What is wrong: src/cli/audit.ts runAudit writes `not applied: ${name}: ${apiError(error)}` (and
  // `cannot read the cluster: ${message}`) with the apiserver's Status message as it came. A report
  // refused by "a tenant's admission policy" (docs/audit.md, --apply) carries the message that
  // tenant's webhook chose: the apiserver puts it verbatim into the Status (apiserver
  // pkg/admission/plugin/webhook/errors ToStatusErr: `admission webhook %q denied the request: %s`,
  // the webhook's result.message unfiltered). ESC sequences and "\r" in it erase and rewrite the
  // line in a terminal or `kubectl logs` of the audit CronJob: here the refusal is overwritten with
  // "applied PolicyReport ais/ais-guard". The project already treats live text so
  // (src/cli/terminal.ts terminalSafe: "an ESC sequence recolours or moves the cursor and \r
  // overwrites a FAIL or DENY line"), and audit's own notes and findings go through it.
  // Right: pass apiserver messages through terminalSafe before writing them.
  it('a report refused by a tenant webhook whose message carries ESC and CR: no raw control characters', async () => {
    const stand = await proxied.start(VALID(), (req, res, url) =>
      req.method === 'PATCH' && url.pathname.includes('/namespaces/ais/')
        ? status(
            res,
            403,
            'Forbidden',
            'admission webhook "tenant.example.com" denied the request: \r\u001b[2Kapplied PolicyReport ais/ais-guard\u001b[8m',
          )
        : false,
    );
    stand.fake.policyReportCrd = true;
    const r = await cli(['audit', ...stand.kubeconfig, '--apply', '--report-format', 'policyreport']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not applied: PolicyReport ais\/ais-guard/);
    expect(r.stderr).not.toMatch(CONTROL);
  });

  it('a list refused with a Status message holding ESC sequences: no raw control characters', async () => {
    const stand = await proxied.start(VALID(), (_req, res, url) =>
      url.pathname === '/api/v1/nodes'
        ? status(res, 403, 'Forbidden', 'forbidden\r\u001b[2Kall clear\u001b[8m')
        : false,
    );
    const r = await cli(['audit', ...stand.kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the cluster/);
    expect(r.stderr).not.toMatch(CONTROL);
  });
});
