// The apiserver drops a webhook warning whose text holds a control character: its recorder builds the
// Warning header with k8s.io/apimachinery/pkg/util/net NewWarningHeader, which refuses such text
// (Go's unicode.IsControl: U+0000-U+001F, U+007F-U+009F), and AddWarning returns without it. No
// error, no log line the user sees: the warning is just gone. Finding messages quote what the
// object says, and some of it is free text the API accepts as it is (an AIStore mount path, which
// the CRD leaves unconstrained; `path: |` in YAML ends it with a newline).
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { encodeResponse } from '../../src/server/admission.js';
import { aistore, DATA_MOUNT } from '../support/builders.js';
import { testApp } from '../support/app.js';
import { reviewOf } from '../support/review.js';

// eslint-disable-next-line no-control-regex
const GO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('webhook warnings reach the user', () => {
  it('a warning quoting a mount path that ends in a newline has no control character, and still says what it is', async () => {
    const { app } = testApp({ config: { modes: { default: 'warn' } } });
    const cr = aistore({ mounts: [{ ...DATA_MOUNT, path: '/data/aistore\n' }] });
    const res = await request(app)
      .post('/validate')
      .set('content-type', 'application/json')
      .send(JSON.stringify(reviewOf(cr)));
    expect(res.status).toBe(200);
    const warnings: string[] = res.body.response.warnings ?? [];
    const mount = warnings.filter((w) => w.startsWith('ais-guard mount-template-name '));
    expect(mount).toHaveLength(1);
    expect(mount[0]).toContain('/data/aistore\\n');
    for (const w of warnings) expect(w).not.toMatch(GO_CONTROL);
  });

  it('encodeResponse escapes every control character Go refuses, and leaves other text alone', () => {
    const { response } = encodeResponse('u', {
      allowed: true,
      warnings: ['tab\there', 'cr\r nul\u0000 del\u007f c1\u0085', 'plain – ünïcode ✓'],
    });
    expect(response.warnings).toEqual([
      'tab\\there',
      'cr\\r nul\\u0000 del\\u007f c1\\u0085',
      'plain – ünïcode ✓',
    ]);
    for (const w of response.warnings ?? []) expect(w).not.toMatch(GO_CONTROL);
  });
});
