// `ais-guard doctor`: checks a live installation against what `ais-guard render` gives for the same
// overlay and namespace, and says what to fix. Read-only: it only GETs and asks SubjectAccessReviews.
import { parseArgs } from 'node:util';
import { OVERLAYS, type Overlay } from '../deploy/index.js';
import { paintFor } from './colour.js';
import { requireKubeConfig } from './kubeconfig.js';
import { NAMESPACE_NAME, SERVICE_NAME, SERVICE_NAME_RULE } from '../k8s/names.js';
import { UsageError, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';
import { VERSION } from './version.js';

export const DOCTOR_HELP = `Usage: ais-guard doctor [options]

Checks a live ais-guard installation and says what to fix, one line per check:
  webhook-configurations  both configurations present, with every webhook deploy/ renders
  webhook-service         the Service they call exists and has ready endpoints (or the URL answers)
  ca-bundle               one caBundle, and it signed the serving certificate for the name dialled
  certificate-expiry      serving certificate and CA: fail when expired, warn within 14 days
  rbac                    the guard's ServiceAccount may list/watch what its informers need
                          (SubjectAccessReviews), and get/patch its configurations if it manages them
  namespace-selector      kube-system, kube-public, kube-node-lease and its own namespace excluded,
                          the namespaces that hold AIStore CRs selected
  failure-policy          each webhook's failurePolicy as docs/deploy.md documents for the overlay
  aistore-crd             the AIStore CRD installed and serving ais.nvidia.com/v1beta1
  audit-cronjob           the optional CronJob <name>-audit (render --with-audit): the report APIs its
                          --report-format needs served, its ServiceAccount's rights, its last run
                          succeeded (else the Job to read); not installed is ok
The serving certificate is read over TLS from a guard the webhooks call by URL, else from the TLS
Secret (needs get on that Secret); the RBAC checks need create on subjectaccessreviews, the audit
check get on cronjobs.batch in the namespace.

Options:
      --overlay NAME      how it was installed: ${OVERLAYS.join(', ')} (default base); sets the
                          expected failure policies (audit: all Ignore) and configurations
  -n, --namespace NS      the guard's namespace (default ais-guard)
      --name NAME         the install's name (default ais-guard): render --name, the chart's fullnameOverride
  -o, --output FORMAT     text (default) or json
      --strict            exit 1 on warnings too
      --kubeconfig PATH   default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account
      --context NAME      the kubeconfig context to use (default: its current context)
  -h, --help              this help

Exit codes: 0 nothing to fix, 1 a check failed (or warned, with --strict),
2 could not run (usage, no kubeconfig, apiserver unreachable or credentials refused, the server
not an apiserver), or nothing failed but the apiserver did not answer some reads (429 or 5xx, after
retrying as kubectl does) or refused the webhook configurations themselves (403: nothing was checked).`;

export const FLAGS = {
  overlay: { type: 'string', default: 'base' },
  namespace: { type: 'string', short: 'n', default: 'ais-guard' },
  name: { type: 'string', default: 'ais-guard' },
  output: { type: 'string', short: 'o', default: 'text' },
  strict: { type: 'boolean', default: false },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

const FORMATS = ['text', 'json'];
/** The words -o and --overlay take, for shell completion. */
export const CHOICES: Choices = { output: FORMATS, overlay: OVERLAYS };

function options(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: FLAGS });
  if (!FORMATS.includes(values.output))
    throw new UsageError(`unknown output format "${values.output}" (use text, json)`);
  if (!OVERLAYS.includes(values.overlay as Overlay))
    throw new UsageError(`unknown overlay "${values.overlay}" (use ${OVERLAYS.join(', ')})`);
  // As render checks them: a name no namespace or install can have read every object as missing,
  // and the fix printed was a render command render refuses.
  if (!NAMESPACE_NAME.test(values.namespace))
    throw new UsageError(`--namespace "${values.namespace}" is not a valid namespace name`);
  if (!SERVICE_NAME.test(values.name))
    throw new UsageError(`--name "${values.name}" is not a valid Service name (${SERVICE_NAME_RULE})`);
  return { ...values, overlay: values.overlay as Overlay };
}

export async function runDoctor(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(DOCTOR_HELP + '\n');
    return 0;
  }
  const kc = await requireKubeConfig(opts.kubeconfig, opts.context);
  const doctor = await import('../doctor/index.js');
  const { configurationsRefused, fetchSnapshot, unansweredReads, CannotRun } =
    await import('../doctor/fetch.js');
  const expected = await doctor.expectedInstall(opts.overlay, opts.namespace, opts.name);
  let snapshot;
  try {
    snapshot = await fetchSnapshot(kc, expected);
  } catch (err) {
    if (!(err instanceof CannotRun)) throw err;
    io.stderr.write(`ais-guard doctor: cannot read the cluster: ${err.message}\n`);
    return 2;
  }
  const results = doctor.runChecks(snapshot, expected, new Date());
  io.stdout.write(
    opts.output === 'json'
      ? doctor.renderDoctorJson(results, {
          version: VERSION,
          overlay: opts.overlay,
          namespace: opts.namespace,
          name: opts.name,
          cluster: kc.getCurrentCluster()?.server,
        })
      : doctor.renderDoctorText(results, paintFor(io.stdout)),
  );
  const code = doctor.exitCodeOf(results, opts.strict);
  // Reads the apiserver still answered 429 or 5xx: their checks warn, and the verdict is not
  // "nothing to fix" (exit 0) for an install doctor could not look at.
  const unanswered = unansweredReads(snapshot);
  if (code === 0 && unanswered.length > 0) {
    io.stderr.write(
      `ais-guard doctor: not everything was checked: the apiserver did not answer for ${unanswered.join(', ')}\n`,
    );
    return 2;
  }
  // With --strict too: the warns it makes are not about the install, which was never seen.
  const refused = configurationsRefused(snapshot, expected);
  if (refused && !results.some((r) => r.status === 'fail')) {
    io.stderr.write(`ais-guard doctor: not checked: ${refused}\n`);
    return 2;
  }
  return code;
}
