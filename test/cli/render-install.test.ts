// render on the two install mistakes that turn the guard off or lock AIStore out: its own namespace
// holding AIStore objects, and a serving pair made for another namespace (outside review "install").
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { cli } from '../support/cli.js';

describe('installing the guard into a namespace that holds AIStore objects', () => {
  // The guard's own namespace is excluded from every namespaceSelector (and by AIS_GUARD_NAMESPACE in
  // the guard). `render --namespace default` (or helm -n ais --set namespace.name=) therefore turns
  // the guard off for every AIStore CR, StatefulSet, claim and pod there, without a word.
  it('render --namespace default says that AIStore objects in default will never be judged', async () => {
    const r = await cli(['render', '--namespace', 'default']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/default/);
  });
});

describe('render --cert-dir with certificates made for another namespace', () => {
  // `ais-guard certs --dir D` names ais-guard.ais-guard.svc; `render --namespace other --cert-dir D`
  // points every webhook at ais-guard.other.svc with that CA: the apiserver's TLS name check fails
  // on every call, and the three Fail entries reject every AIStore CR, operator StatefulSet and
  // pre-bound target PV. render reads D/ca.crt; D/tls.crt beside it says the names are wrong.
  it('refuses (or warns) instead of printing a lockout', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'review-certs-')), 'certs');
    expect((await cli(['certs', '--dir', dir])).code).toBe(0);
    const r = await cli(['render', '--namespace', 'other', '--cert-dir', dir]);
    expect({ code: r.code === 0 ? 0 : 'refused', warned: r.stderr.length > 0 }).not.toEqual({
      code: 0,
      warned: false,
    });
  });
});

describe('renewing a chart-made certificate (certificates.files)', () => {
  // docs/deploy.md "Renewing" says: rerun `ais-guard certs`, then update the Secret. With the chart
  // making that Secret from certificates.files, the next `helm upgrade --reuse-values` (an image bump)
  // writes the release's old tls.crt back (Helm 3's three-way merge resets live drift on chart-owned
  // fields; Helm 4's server-side apply reports a conflict, or overwrites with --force-conflicts): by then possibly expired, so /readyz fails on every replica
  // and the three Fail entries reject every AIStore write. docs/helm.md has no renewal procedure.
  it('docs/helm.md says how to renew a certificate the chart made (helm upgrade --set-file ...)', () => {
    const doc = readFileSync(join(DEPLOY_DIR, '..', 'docs', 'helm.md'), 'utf8');
    expect(doc).toMatch(
      /Renewing a certificate the chart made[\s\S]{0,900}helm upgrade[\s\S]{0,200}--set-file\s+certificates\.files\.tlsCrt=/,
    );
  });
});
