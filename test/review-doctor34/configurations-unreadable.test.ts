// doctor run with a kubeconfig that may not get the webhook configurations (403): every check that
// needs them says "not checked" as a warn, and doctor exited 0, "nothing to fix", to a CI step or a
// runbook that reads the exit code: a verdict about an install it never saw. The configurations are
// what every other check starts from, so not reading them is "could not run" (exit 2), as a 401 is;
// another object not read (the CRD, a Secret) stays the warn it was.
import { expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { fakeApiserver } from '../doctor/apiserver.js';
import { makeCerts } from '../doctor/support.js';

const certs = makeCerts();

it('webhook configurations forbidden: the checks still print, one line says nothing was checked, exit 2', async () => {
  const { kubeconfig } = await fakeApiserver(certs, { refuse: ['/apis/admissionregistration.k8s.io/'] });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig]);
  expect(r.stdout).toMatch(/^warn +webhook-configurations /m);
  expect(r.stderr).toMatch(
    /^ais-guard doctor: not checked: could not read ValidatingWebhookConfiguration ais-guard, MutatingWebhookConfiguration ais-guard \(403[^\n]*\n$/,
  );
  expect(r.code).toBe(2);
  // --strict counts warnings: these say nothing of the install, which doctor never saw.
  expect((await cli(['doctor', '--kubeconfig', kubeconfig, '--strict'])).code).toBe(2);
});

it('only the AIStore CRD forbidden: a warn, and still exit 0 (the install itself was checked)', async () => {
  const { kubeconfig } = await fakeApiserver(certs, { refuse: ['/apis/apiextensions.k8s.io/'] });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig]);
  expect(r.stdout).toMatch(/^warn +aistore-crd .*could not be read \(403/m);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});
