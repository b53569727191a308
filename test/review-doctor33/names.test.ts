// Review doctor33: `doctor -n` and `--name` with a name no namespace or install can have.
// DEFECT: doctor took any text: `-n AIS-guard` (a typo at 3 a.m.) read every object under a
// namespace that cannot exist, reported the whole install missing (exit 1), and its fix was
// `ais-guard render --namespace AIS-guard ...`, which render refuses; `--name ''` asked for the
// configurations' list instead of one, and said each configuration lacked every webhook.
// EXPECTED: the names checked as render checks them: one usage line, exit 2, the cluster not asked.
import { expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

it.each([
  [['-n', 'AIS-guard'], /^ais-guard doctor: --namespace "AIS-guard" is not a valid namespace name\n$/],
  [['--namespace', ''], /^ais-guard doctor: --namespace "" is not a valid namespace name\n$/],
  [['--name', ''], /^ais-guard doctor: --name "" is not a valid Service name/],
  [['--name', 'Guard_B'], /^ais-guard doctor: --name "Guard_B" is not a valid Service name/],
])('doctor %j: a usage error, exit 2, no kubeconfig read', async (args, message) => {
  // A kubeconfig that does not exist: a usage error must come first.
  const r = await cli(['doctor', ...args, '--kubeconfig', '/nonexistent/kubeconfig']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
});

it('valid names still go on to the kubeconfig', async () => {
  const r = await cli([
    'doctor',
    '-n',
    'guard-ops',
    '--name',
    'guard-b',
    '--kubeconfig',
    '/nonexistent/kubeconfig',
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/\/nonexistent\/kubeconfig/);
});
