// review auditdeploy35: what `helm.sh/resource-policy: keep` on the chart's TLS Secret does besides
// surviving an upgrade without the certificate files. docs/helm.md named one other consequence
// (`helm uninstall` leaves it, with the key, outside a namespace the chart made), not these, which an
// engineer meets on the same Secret:
// - an upgrade to certificates.mode existing-secret (a Secret of the engineer's own, the docs' way to
//   keep the key out of Helm) no longer deletes it: the old serving key stays in the namespace;
// - after `helm uninstall`, a `helm install` under another release name is refused while it is there
//   ("exists and cannot be imported into the current release": it carries the old release's
//   meta.helm.sh/release-name), though every object name is independent of the release name.
// EXPECTED: the paragraph that introduces the annotation says both.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_DIR } from '../../src/deploy/index.js';

const helmMd = readFileSync(join(DEPLOY_DIR, '..', 'docs', 'helm.md'), 'utf8');
const paragraph = helmMd.split('\n\n').find((p) => p.includes('helm.sh/resource-policy: keep'))!;

describe('review auditdeploy35: docs/helm.md on the kept TLS Secret', () => {
  it('says an upgrade to another certificates.mode leaves it, key included', () => {
    expect(paragraph).toMatch(/certificates\.mode/);
    expect(paragraph).toMatch(/existing-secret/);
  });

  it('says a later install under another release name is refused until it is deleted', () => {
    expect(paragraph).toMatch(/another release name/);
    expect(paragraph).toMatch(/cannot be imported/);
  });
});
