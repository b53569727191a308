// review auditdeploy35: the audit CronJob of a long install name.
// `render --with-audit --name NAME` and the chart's audit.enabled with fullnameOverride NAME name the
// CronJob <NAME>-audit. --name and fullnameOverride take up to 63 characters (a Service name), but
// the apiserver refuses a CronJob name over 52 (batch validation: the controller appends an
// 11-character -<timestamp> to name each Job, and a Job name is at most 63). So a name of 47 to 63
// characters rendered a CronJob that `kubectl apply` refuses ("must be no more than 52 characters")
// after applying the rest, and a `helm install` that fails part way; nothing said so beforehand.
// EXPECTED: both refuse such a name with --with-audit / audit.enabled, naming the limit; 46 is fine.
import { describe, expect, it } from '@jest/globals';
import { renderManifests } from '../../src/deploy/index.js';
import { cli } from '../support/cli.js';
import { template } from '../review-helm31/support.js';

const T = 120_000;
const LONGEST = 'g'.repeat(46); // <name>-audit: 52 characters, the apiserver's limit for a CronJob
const TOO_LONG = 'g'.repeat(47);

describe('review auditdeploy35: the audit CronJob name stays within 52 characters', () => {
  it('render --with-audit --name of 46 characters: a CronJob name of 52', async () => {
    const objects = await renderManifests({ name: LONGEST, withAudit: true });
    const cronJob = objects.find((o) => o.kind === 'CronJob');
    expect(cronJob?.metadata?.name).toHaveLength(52);
    expect((await cli(['render', '--with-audit', '--name', LONGEST])).code).toBe(0);
  });

  it('render --with-audit --name of 47 characters is refused before anything is printed', async () => {
    const run = await cli(['render', '--with-audit', '--name', TOO_LONG]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/--name .* at most 46 characters with --with-audit/);
    // Without the CronJob the name is fine.
    expect((await cli(['render', '--name', TOO_LONG])).code).toBe(0);
  });

  it(
    'the chart: audit.enabled with a fullnameOverride of 47 characters fails to render, 46 renders',
    () => {
      const refused = template({ 'audit.enabled': 'true', fullnameOverride: TOO_LONG });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/fullnameOverride: at most 46 characters with audit\.enabled/);
      expect(template({ fullnameOverride: TOO_LONG }).status).toBe(0);
      const fine = template({ 'audit.enabled': 'true', fullnameOverride: LONGEST });
      expect(fine.status).toBe(0);
      expect(fine.stdout).toContain(`name: ${LONGEST}-audit`);
    },
    T,
  );
});
