// `ais-guard serve`: the HTTPS admission webhook. Loads the Kubernetes client only here.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { ConfigError, FAILURE_MODES, LOG_LEVELS, loadConfig, type ServerConfig } from '../server/config.js';
import { turnBatchedDestination } from './log-destination.js';
import type { CaBundleKeeper } from '../k8s/ca-bundle-keeper.js';
import { detectKubeConfigOrUsage } from './kubeconfig.js';
import { errorReason } from './read.js';
import { UsageError, type Choices, type Io } from './usage.js';
import { MODES } from '../policy/index.js';
import { CertificateFileError } from '../server/tls.js';
import { CAReplaceRefusedError } from '../tls/errors.js';
import { LockTimeoutError } from '../tls/lock.js';

export const SERVE_HELP = `Usage: ais-guard serve [options]

Serves POST /validate and /mutate (AdmissionReview v1) over HTTPS, plus /healthz, /readyz, /metrics.
Flags win over environment variables (AIS_GUARD_*), which win over the --config file.

Options:
  --port N                  listen port (default 8443)            [AIS_GUARD_PORT]
  --address ADDR            listen address (default: every interface, IPv6 and IPv4, as a
                            pod of either family needs; 127.0.0.1 keeps a laptop's guard
                            local; --host is its older name)      [AIS_GUARD_ADDRESS]
  --cert-dir DIR            tls.crt/tls.key (and ca.crt) here; created with a CA when absent
                            (default certs; the image sets /tmp/ais-guard/certs)  [AIS_GUARD_CERT_DIR]
  --tls-cert FILE --tls-key FILE   explicit serving files (reloaded when they change)
                            [AIS_GUARD_TLS_CERT, AIS_GUARD_TLS_KEY]
  --mode MODE               enforce (default), warn or audit      [AIS_GUARD_MODE]
  --rule-mode ID=MODE,...   per-rule modes                        [AIS_GUARD_RULE_MODES]
  --failure-mode allow|deny what a review that cannot be judged gets (default allow)
                                                                  [AIS_GUARD_FAILURE_MODE]
  --include-namespaces A,B  judge only these namespaces           [AIS_GUARD_INCLUDE_NAMESPACES]
  --exclude-namespaces A,B  never judge these (default kube-system,kube-public,kube-node-lease; plus
                            $AIS_GUARD_NAMESPACE)                 [AIS_GUARD_EXCLUDE_NAMESPACES]
  --config FILE             YAML/JSON config file                 [AIS_GUARD_CONFIG]
  --kubeconfig FILE         cluster for the context cache (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --no-cluster              judge from the request alone          [AIS_GUARD_NO_CLUSTER=true]
  --manage-webhook-config   keep the caBundle of the ais-guard webhook configurations in step with
                            ca.crt                                [AIS_GUARD_MANAGE_WEBHOOK_CONFIG=true]
  --ca-overlap S            after a CA change, keep trusting the older CAs S seconds too, while
                            the other replicas load the new pair (default 600)  [AIS_GUARD_CA_OVERLAP]
  --webhook-config-name N   their name (default ais-guard)
  --log-level LEVEL         info (default), debug, warn, error, silent  [AIS_GUARD_LOG_LEVEL]
  --shutdown-delay S        keep serving S seconds after SIGTERM before closing (default 0)
                                                                  [AIS_GUARD_SHUTDOWN_DELAY]
  --shutdown-timeout S      then cut connections still open after S seconds (default 20)
                                                                  [AIS_GUARD_SHUTDOWN_TIMEOUT]
  -h, --help`;

export const FLAGS = {
  port: { type: 'string' },
  address: { type: 'string' },
  // The older name of --address, kept for existing command lines.
  host: { type: 'string' },
  'cert-dir': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  mode: { type: 'string' },
  'rule-mode': { type: 'string' },
  'failure-mode': { type: 'string' },
  'include-namespaces': { type: 'string' },
  'exclude-namespaces': { type: 'string' },
  config: { type: 'string' },
  kubeconfig: { type: 'string' },
  'no-cluster': { type: 'boolean' },
  'manage-webhook-config': { type: 'boolean' },
  'ca-overlap': { type: 'string' },
  'webhook-config-name': { type: 'string' },
  'log-level': { type: 'string' },
  'shutdown-delay': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The words --mode, --failure-mode and --log-level take, for shell completion. */
export const CHOICES: Choices = { mode: MODES, 'failure-mode': FAILURE_MODES, 'log-level': LOG_LEVELS };

async function clusterSource(config: ServerConfig, logger: Logger) {
  if (config.noCluster) {
    logger.info('no cluster (--no-cluster): judging each request alone');
    const { noCluster } = await import('../server/cluster-source.js');
    return { cluster: noCluster(), kc: undefined };
  }
  // The Kubernetes client is large: load it only when there is a cluster to talk to.
  const { kubeCluster, noCluster } = await import('../server/cluster.js');
  const { memoryReleaser } = await import('../server/memory.js');
  // A kubeconfig without a usable current context is a usage error (exit 2, one line), not a crash.
  const kc = await detectKubeConfigOrUsage(config.kubeconfig);
  if (!kc) {
    logger.warn(
      'no kubeconfig or in-cluster service account found: judging each request alone, without AIStore CRs, PVs or Nodes',
    );
    return { cluster: noCluster(), kc: undefined };
  }
  logger.info(
    { server: kc.getCurrentCluster()?.server },
    'watching AIStore CRs, PVs, Nodes and StatefulSets',
  );
  const afterListed = memoryReleaser({
    onCollected: (pauseMs) =>
      logger.info(
        { pauseMs: Math.round(pauseMs), rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) },
        "listed: returned the list's memory",
      ),
    onError: (err) => logger.warn({ error: String(err) }, "could not return the list's memory"),
  });
  return { cluster: kubeCluster(kc, { logger, afterListed }), kc };
}

/** Runs the server until SIGTERM/SIGINT; resolves with the exit code. */
export async function runServe(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: FLAGS, allowPositionals: false });
  if (values.help) {
    io.stdout.write(SERVE_HELP + '\n');
    return 0;
  }
  let config: ServerConfig;
  try {
    config = await loadConfig({ flags: values, env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'ais-guard' } }, turnBatchedDestination(1));
  const { cluster, kc } = await clusterSource(config, logger);
  const { createGuardServer } = await import('../server/server.js');

  let keeper: CaBundleKeeper | undefined;
  const guard = await createGuardServer({
    config,
    cluster,
    logger,
    onCertificateChange: () => keeper?.check(),
  }).catch((err: NodeJS.ErrnoException) => {
    // A file system error on the certificate files (a read-only cert dir, say `serve` in a
    // container's root-owned /app; a missing --tls-cert) is a set-up mistake: one line naming the
    // way out, not a stack trace. So are files that cannot be served, and a certificate directory
    // whose CA may not be replaced (the mounted Secret given as --cert-dir: ca.crt without ca.key).
    if (err instanceof CertificateFileError) throw new UsageError(`cannot serve: ${err.message}`);
    if (err instanceof CAReplaceRefusedError || err instanceof LockTimeoutError)
      throw new UsageError(
        `cannot keep the self-managed certificate in ${config.certDir}: ${err.message} ` +
          'To serve a pair made elsewhere (a mounted Secret), give --tls-cert and --tls-key instead.',
      );
    if (!err.syscall || !err.code) throw err;
    throw new UsageError(
      config.tlsCert
        ? `cannot read the serving pair: ${err.path ?? unreadable(config.tlsCert, config.tlsKey)}: ${errorReason(err)}`
        : `cannot keep the self-managed certificate in ${config.certDir}: ${err.message}; ` +
            'give a writable --cert-dir (or AIS_GUARD_CERT_DIR), or --tls-cert and --tls-key',
    );
  });
  if (config.manageWebhookConfig) {
    if (!kc) throw new UsageError('--manage-webhook-config needs a cluster (kubeconfig or in-cluster)');
    // Each replica then makes a CA of its own, and the webhooks settle on trusting the newest.
    if (!config.tlsCert)
      logger.warn(
        '--manage-webhook-config with a self-managed certificate: every replica makes its own CA and the webhooks end up trusting the newest only; run one replica, or give the replicas one pair (--tls-cert, --tls-key from a Secret)',
      );
    const { keepCaBundle } = await import('../k8s/ca-bundle-keeper.js');
    // Not Ready until the webhooks trust this replica's CA once (src/server/app.ts, caBundleTrusted).
    guard.state.caBundleTrusted = false;
    keeper = keepCaBundle({
      kc,
      names: { validating: config.webhookConfigName, mutating: config.webhookConfigName },
      caFile: guard.caFile,
      overlapMs: config.caOverlapMs,
      logger,
      onTrusted: () => {
        guard.state.caBundleTrusted = true;
      },
    });
  }

  const address = await guard.listen();
  logger.info(
    { address: address.address, port: address.port, modes: config.modes, failureMode: config.failureMode },
    'ais-guard serving',
  );
  keeper?.check();
  cluster.start().then(
    () => logger.info(cluster.status(), 'cluster context synced'),
    (err: Error) =>
      logger.warn({ error: err.message }, 'cluster context not synced yet (retrying in the background)'),
  );

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'signal received');
      keeper?.stop();
      guard.shutdown().then(
        () => {
          logger.flush();
          // Anything still holding the event loop open (a stuck watch) must not outlive the bound.
          setTimeout(() => process.exit(0), 1000).unref();
          resolve(0);
        },
        (err: Error) => {
          logger.error({ error: err.message }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** Which of the pair a read failed on when Node's error names no path (EISDIR: a read of a folder). */
function unreadable(...files: (string | undefined)[]): string {
  const named = files.filter((f) => f !== undefined);
  return named.find((f) => statSync(f, { throwIfNoEntry: false })?.isDirectory()) ?? named.join(', ');
}
