// `ais-guard render`: the manifests of deploy/ as one YAML stream for `kubectl apply -f -`, with
// namespace, image and caBundle filled in. Flag parsing and printing only: building the manifests
// (the kustomize subset, the install-specific rewrites) is src/deploy/.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clip } from '../policy/index.js';
import { CRONJOB_NAME_MAX, NAMESPACE_NAME, SERVICE_NAME, SERVICE_NAME_RULE } from '../k8s/names.js';
import {
  BUILT_IN_NAMESPACES,
  deleteCommand,
  imageReferenceProblem,
  INSTALL_NAME,
  leftOut,
  OVERLAYS,
  renderAdmissionPolicies,
  renderManifests,
  renderMutatingPolicies,
  toYamlStream,
  type Overlay,
} from '../deploy/index.js';
import { checkCaBundle, checkServingPair } from './render-certs.js';
import { UsageError, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';

// For callers that found it here first; src/deploy/index.js is its home.
export { renderManifests } from '../deploy/index.js';

export const RENDER_HELP = `Usage: ais-guard render [options] | kubectl apply -f -

Prints the deploy manifests (deploy/base, or an overlay) as one YAML stream.

Options:
      --overlay NAME     base (default), audit (first rollout: findings only, never blocks),
                         cert-manager (cert-manager issues the certificate, injects caBundle),
                         validate-only (no mutating webhook) or argocd (base with sync waves)
      --namespace NS     install into NS instead of ais-guard
      --name NAME        name the install's objects NAME instead of ais-guard (a second install,
                         or the Helm chart's fullnameOverride); the guard gets --webhook-config-name
      --image IMAGE      the guard's container image, e.g. registry.example.com/ais-guard:0.1.0
      --ca-bundle B64    the caBundle (base64 PEM of the CA) for every webhook
      --cert-dir DIR     read the caBundle from DIR/ca.crt (as written by "ais-guard certs")
      --url URL          call the guard at https://HOST:PORT instead of the in-cluster Service,
                         e.g. a guard run on the apiserver's host for tests
      --apiserver-cidr C the apiserver's address as a CIDR, e.g. 10.0.0.10/32 (repeatable):
                         the NetworkPolicy admits port 8443 only from it and lets the guard
                         reach only it (and DNS); see docs/deploy.md for the CNI caveat
      --webhooks-only    print only the two webhook configurations
      --with-audit       add deploy/audit: "ais-guard audit --apply" hourly as a CronJob, with
                         its own ServiceAccount and ClusterRole (needs the report CRDs, docs/audit.md)
      --vap              print ValidatingAdmissionPolicies + bindings instead (CEL, run by the
                         apiserver: the single-object rules keep holding when the webhook is down)
      --vap-actions A    deny (default: validationActions [Deny]) or warn ([Warn, Audit])
      --map              print MutatingAdmissionPolicies + bindings instead (CEL, Kubernetes
                         1.36+: the single-object mutations without the webhook)
  -h, --help             this help`;

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new UsageError(`--url "${text}" is not a URL`, { cause: err });
  }
  // The apiserver's rules for clientConfig.url, checked here rather than at apply time.
  if (url.protocol !== 'https:')
    throw new UsageError('--url must be https:// (the apiserver calls webhooks over TLS)');
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    throw new UsageError('--url takes https://HOST:PORT only: the paths /validate and /mutate are added');
  return url.origin;
}

function checkCidr(text: string): string {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  const bits = Number(prefix);
  if (family === 0 || rest.length > 0 || !/^\d{1,3}$/.test(prefix ?? '') || bits > (family === 4 ? 32 : 128))
    throw new UsageError(`--apiserver-cidr "${text}" is not a CIDR such as 10.0.0.10/32`);
  return text;
}

/** The options as parseArgs reads them; `completion` offers the same flags. */
export const FLAGS = {
  overlay: { type: 'string', default: 'base' },
  namespace: { type: 'string' },
  name: { type: 'string' },
  image: { type: 'string' },
  'ca-bundle': { type: 'string' },
  'cert-dir': { type: 'string' },
  url: { type: 'string' },
  'apiserver-cidr': { type: 'string', multiple: true },
  'webhooks-only': { type: 'boolean', default: false },
  'with-audit': { type: 'boolean', default: false },
  vap: { type: 'boolean', default: false },
  'vap-actions': { type: 'string' },
  map: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

const VAP_ACTIONS = ['deny', 'warn'];
/** The words --overlay and --vap-actions take, for shell completion. */
export const CHOICES: Choices = { overlay: OVERLAYS, 'vap-actions': VAP_ACTIONS };

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: FLAGS,
  });
  if (values['vap-actions'] !== undefined && !values.vap)
    throw new UsageError('--vap-actions goes with --vap');
  const vapActions = values['vap-actions'] ?? 'deny';
  if (!VAP_ACTIONS.includes(vapActions))
    throw new UsageError(`unknown --vap-actions "${vapActions}" (use deny or warn)`);
  const webhookFlags = [
    'namespace',
    'name',
    'image',
    'ca-bundle',
    'cert-dir',
    'url',
    'apiserver-cidr',
  ] as const;
  if (values.vap && values.map) throw new UsageError('give --vap or --map, not both');
  const policies = values.vap ? '--vap' : values.map ? '--map' : undefined;
  // Named as given: a fixed list of some of them left out --webhooks-only and --apiserver-cidr.
  const given = [
    ...(values.overlay !== 'base' ? ['overlay'] : []),
    ...(values['webhooks-only'] ? ['webhooks-only'] : []),
    ...(values['with-audit'] ? ['with-audit'] : []),
    ...webhookFlags.filter((f) => values[f] !== undefined),
  ];
  if (policies && given.length > 0)
    throw new UsageError(
      `${policies} prints the admission policies alone, which take no webhook flags: drop ${given.map((f) => `--${f}`).join(', ')}`,
    );
  const overlay = values.overlay as Overlay;
  if (!OVERLAYS.includes(overlay))
    throw new UsageError(`unknown overlay "${values.overlay}" (use ${OVERLAYS.join(', ')})`);
  if (values.namespace !== undefined && !NAMESPACE_NAME.test(values.namespace))
    throw new UsageError(`--namespace "${values.namespace}" is not a valid namespace name`);
  // The Service's name: a DNS-1035 label (a letter first), as the apiserver requires of Services.
  if (values.name !== undefined && !SERVICE_NAME.test(values.name))
    throw new UsageError(`--name "${values.name}" is not a valid Service name (${SERVICE_NAME_RULE})`);
  // The audit CronJob is <name>-audit: over 52 characters the apiserver refuses it, after the rest
  // of the stream has been applied.
  const auditMax = CRONJOB_NAME_MAX - '-audit'.length;
  if (values['with-audit'] && values.name !== undefined && values.name.length > auditMax)
    throw new UsageError(
      `--name "${values.name}" is ${values.name.length} characters: at most ${auditMax} characters with --with-audit (its CronJob ${values.name}-audit would pass the apiserver's limit of ${CRONJOB_NAME_MAX})`,
    );
  if (values['with-audit'] && values['webhooks-only'])
    throw new UsageError('give --with-audit or --webhooks-only, not both');
  if (values['ca-bundle'] !== undefined && values['cert-dir'] !== undefined)
    throw new UsageError('give --ca-bundle or --cert-dir, not both');
  if (overlay === 'cert-manager' && (values['ca-bundle'] ?? values['cert-dir'] ?? values.url) !== undefined)
    throw new UsageError(
      'the cert-manager overlay injects the caBundle itself: drop --ca-bundle, --cert-dir and --url',
    );
  const imageProblem = values.image === undefined ? undefined : imageReferenceProblem(values.image);
  if (imageProblem)
    throw new UsageError(
      `--image "${clip(values.image ?? '', 80)}" is no image reference the kubelet can pull: ${imageProblem}`,
    );
  return {
    ...values,
    overlay,
    vapActions: vapActions as 'deny' | 'warn',
    url: values.url === undefined ? undefined : checkUrl(values.url),
    apiserverCidrs: (values['apiserver-cidr'] ?? []).map(checkCidr),
  };
}

const DEFAULT_NAMESPACE = 'ais-guard';

export async function runRender(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(RENDER_HELP + '\n');
    return 0;
  }
  if (opts.vap) {
    io.stdout.write(toYamlStream(renderAdmissionPolicies(opts.vapActions)));
    return 0;
  }
  if (opts.map) {
    io.stdout.write(toYamlStream(renderMutatingPolicies()));
    return 0;
  }
  // Certificates are judged at this moment: render prints what will be applied now.
  const now = Date.now();
  const notices: (string | undefined)[] = [];
  let caBundle: string | undefined;
  if (opts['ca-bundle'] !== undefined) {
    const given = checkCaBundle(opts['ca-bundle'], '--ca-bundle', now);
    ({ caBundle } = given);
    notices.push(given.notice);
  }
  if (opts['cert-dir'] !== undefined) {
    const file = join(opts['cert-dir'], 'ca.crt');
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read ${file}: ${(err as Error).message} (create it with "ais-guard certs")`,
        { cause: err },
      );
    }
    const given = checkCaBundle(Buffer.from(pem).toString('base64'), file, now, opts['cert-dir']);
    caBundle = given.caBundle;
    notices.push(
      given.notice,
      await checkServingPair(
        opts['cert-dir'],
        given.cas,
        { name: opts.name ?? INSTALL_NAME, namespace: opts.namespace ?? DEFAULT_NAMESPACE, url: opts.url },
        now,
      ),
    );
  }
  for (const notice of notices) if (notice) io.stderr.write(notice + '\n');
  if (opts.namespace !== undefined && BUILT_IN_NAMESPACES.has(opts.namespace) && !opts['webhooks-only'])
    io.stderr.write(
      `ais-guard: namespace ${opts.namespace} exists in every cluster: its Namespace object is not rendered (it would label it Pod Security restricted, refusing the privileged pods that run there)\n`,
    );
  // The guard never judges its own namespace (every namespaceSelector leaves it out, and so does the
  // guard): an AIStore deployed there would go unjudged without a word.
  if (opts.namespace !== undefined && opts.namespace !== DEFAULT_NAMESPACE)
    io.stderr.write(
      `ais-guard: nothing in namespace ${opts.namespace} is ever judged (the guard leaves its own namespace out): keep AIStore CRs and their targets in other namespaces\n`,
    );
  const objects = await renderManifests({
    overlay: opts.overlay,
    namespace: opts.namespace,
    name: opts.name,
    image: opts.image,
    caBundle,
    url: opts.url,
    apiserverCidrs: opts.apiserverCidrs,
    webhooksOnly: opts['webhooks-only'],
    withAudit: opts['with-audit'],
  });
  io.stdout.write(toYamlStream(objects));
  // An install switched to this overlay keeps what the overlay leaves out: kubectl apply deletes nothing.
  if (opts.overlay && opts.overlay !== 'base' && !opts['webhooks-only']) {
    const base = await renderManifests({
      namespace: opts.namespace,
      name: opts.name,
      withAudit: opts['with-audit'],
    });
    const gone = leftOut(base, objects);
    if (gone.length > 0)
      io.stderr.write(
        `ais-guard: overlay ${opts.overlay} leaves out ${gone.map((o) => `${o.kind} ${o.metadata?.name}`).join(', ')} of deploy/base; ` +
          `kubectl apply deletes nothing, so an install switched to it keeps them (a new install has none): ${deleteCommand(gone)}\n`,
      );
  }
  return 0;
}
