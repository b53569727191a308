// review fresh24: doctor failure-policy on a Helm release (commit 81c69dc).
//
// src/doctor/checks/failure-policy.ts turns a validating entry's policy that differs from the
// rendered overlay into a warn when the configuration carries meta.helm.sh/release-name, with the
// fix `helm upgrade <release> <chart> --reuse-values --set failurePolicy.<x>=<want>`.
import { describe, expect, it } from '@jest/globals';
import { checkFailurePolicy } from '../../src/doctor/checks/failure-policy.js';
import { found, type Snapshot } from '../../src/doctor/types.js';
import { entry, expectedFor, healthySnapshot, makeCerts } from './support.js';

const VALIDATING = [
  'aistores.validate.ais-guard.io',
  'storage.validate.ais-guard.io',
  'volumes.validate.ais-guard.io',
];

/** What Helm 3 writes on every object of release `release` installed with `-n releaseNamespace`. */
function helmInstalled(s: Snapshot, release: string, releaseNamespace: string): void {
  for (const fetched of Object.values(s.configs))
    if (fetched?.ok)
      fetched.value.metadata = {
        ...fetched.value.metadata,
        annotations: {
          'meta.helm.sh/release-name': release,
          'meta.helm.sh/release-namespace': releaseNamespace,
        },
      };
}

describe('review fresh24: doctor failure-policy on a Helm release', () => {
  const certs = makeCerts();
  async function check(edit: (s: Snapshot) => void) {
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    edit(snapshot);
    return checkFailurePolicy(snapshot, expected);
  }

  // DEFECT: the fix is `helm upgrade ais-guard <chart> --reuse-values --set ...` with no
  // `--namespace`, although the configuration says where the release lives
  // (meta.helm.sh/release-namespace, written beside the release name). Helm 3 keeps a release
  // (its sh.helm.release.v1.* Secrets) in the release's namespace and `helm upgrade` looks it up
  // in --namespace, else the kubeconfig context's namespace (usually `default`), never elsewhere.
  // IMPACT: the user who runs the printed command from the usual context gets
  // `Error: UPGRADE FAILED: "ais-guard" has no deployed releases` (helm/helm-2to3#76 shows the
  // message; SUSE/doc-cap#878 "Need to pass namespace w/ Helm 3 upgrade command, otherwise release
  // will not be found"); docs/helm.md installs into its own namespace (`-n ais-guard`), and the chart
  // may even put the guard (namespace.name) somewhere else than the release.
  // EXPECTED: the fix names the release's namespace: `helm upgrade ais-guard <chart> -n ais-guard ...`
  // (-n or --namespace, from meta.helm.sh/release-namespace).
  it('the helm upgrade fix names the namespace the release lives in', async () => {
    const result = await check((s) => {
      helmInstalled(s, 'ais-guard', 'ais-guard');
      entry(s, 'aistores.validate.ais-guard.io').failurePolicy = 'Ignore';
    });
    expect(result.status).toBe('warn');
    expect(result.fix).toMatch(/helm upgrade ais-guard /);
    expect(result.fix).toMatch(/(-n|--namespace)[ =]ais-guard\b/);
  });

  it('a release installed from another namespace than the guard runs in is found there', async () => {
    const result = await check((s) => {
      helmInstalled(s, 'guard', 'platform');
      entry(s, 'storage.validate.ais-guard.io').failurePolicy = 'Ignore';
    });
    expect(result.fix).toMatch(/(-n|--namespace)[ =]platform\b/);
  });

  // DEFECT: a Helm install with `mode: audit` (docs/helm.md "First rollout: add --set mode=audit")
  // renders every validating entry Ignore through the chart's mode, not a failurePolicy.* value
  // (_helpers.tpl "ais-guard.failurePolicy": empty value -> Ignore in audit mode). doctor (default
  // --overlay base) now says of each of the three Fail entries "as Helm release ais-guard may set it
  // (failurePolicy.aistores)" and advises `--set failurePolicy.aistores=Fail` (and storage, volumes):
  // the value it names was never set, and following the advice turns an audit rollout into one that
  // blocks when the guard is down. The non-Helm path kept the hint that explains the case,
  // "(or, for the audit overlay: doctor --overlay audit)"; the Helm path dropped it, although the
  // live Deployment's args (snapshot.guardArgs: --mode=audit) say which mode the chart rendered.
  // IMPACT: a misleading cause and a fix that changes the rollout's failure behaviour.
  // EXPECTED: with the guard running --mode=audit, the finding points at `doctor --overlay audit`
  // (or judges the entries against audit), not only at failurePolicy.*=Fail.
  it('a Helm release in mode audit is pointed at --overlay audit', async () => {
    const result = await check((s) => {
      helmInstalled(s, 'ais-guard', 'ais-guard');
      for (const name of VALIDATING) entry(s, name).failurePolicy = 'Ignore';
      const args = s.guardArgs?.ok ? s.guardArgs.value : [];
      s.guardArgs = found(args.map((a) => (a.startsWith('--mode=') ? '--mode=audit' : a)));
    });
    expect(result.status).not.toBe('ok');
    expect(`${result.message} ${result.fix ?? ''}`).toMatch(/--overlay audit/);
  });

  // Review deploy47: the chart renders every validating entry Ignore in mode warn too, where the
  // guard refuses nothing, unless a rule is set to enforce or failureMode is deny.
  const inMode =
    (mode: string, ...more: string[]) =>
    (s: Parameters<Parameters<typeof check>[0]>[0]) => {
      helmInstalled(s, 'ais-guard', 'ais-guard');
      for (const name of VALIDATING) entry(s, name).failurePolicy = 'Ignore';
      const args = s.guardArgs?.ok ? s.guardArgs.value : [];
      s.guardArgs = found([...args.map((a) => (a.startsWith('--mode=') ? mode : a)), ...more]);
    };

  it('a Helm release in mode warn is pointed at --overlay audit', async () => {
    const result = await check(inMode('--mode=warn'));
    expect(result.message).toMatch(/as Helm release ais-guard renders it for the guard's --mode=warn/);
    expect(result.fix).toMatch(/--overlay audit/);
  });

  it.each([['--rule-mode=pvc-name=enforce,target-host-port=warn'], ['--failure-mode=deny']])(
    'in mode warn with %s the guard may refuse: its Ignore entries are the failurePolicy values',
    async (arg) => {
      const result = await check(inMode('--mode=warn', arg));
      expect(result.message).not.toMatch(/renders it for the guard's/);
      expect(result.fix).toMatch(/failurePolicy\.aistores=Fail/);
    },
  );
});
