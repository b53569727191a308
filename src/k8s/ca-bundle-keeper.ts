// `serve --manage-webhook-config`: keeps the webhook caBundles trusting this replica's CA. It
// writes at start and whenever ca.crt changes (re-read every pollMs: a Secret update may change
// ca.crt and not the serving pair), in the two steps of ca-bundle.ts, and retries a failed write
// with backoff until it lands: a write lost to a passing apiserver 503 would otherwise leave a
// fresh install's webhooks without a caBundle, or a replaced CA trusted, until the next change.
// Each re-read with ca.crt unchanged also checks the bundles still trust it (see `recheck`).
import type { KubeConfig } from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { fingerprints, type BundleStep } from './ca-bundle.js';
import { patchCaBundle, type WebhookConfigNames } from './webhook-config.js';

export interface CaBundleKeeperOptions {
  kc: KubeConfig;
  names: WebhookConfigNames;
  /** ca.crt beside the serving certificate. */
  caFile: string;
  /** Between a CA change and dropping the older CAs (--ca-overlap). */
  overlapMs: number;
  logger: Logger;
  pollMs?: number;
  /** First retry delay after a failed write, doubled up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * Called after each write that left the bundles trusting ca.crt (or found them so), and when there
   * is no ca.crt to manage: the keeper has done its part (serve's readiness waits for the first).
   */
  onTrusted?: () => void;
}

export interface CaBundleKeeper {
  /** Re-read ca.crt now and write if it changed (start, a new serving pair). */
  check(): void;
  stop(): void;
  /** Resolves when the work queued so far is done (tests). */
  idle(): Promise<void>;
}

export function keepCaBundle(opts: CaBundleKeeperOptions): CaBundleKeeper {
  const {
    kc,
    names,
    caFile,
    overlapMs,
    logger,
    pollMs = 10_000,
    retryMs = 2_000,
    maxRetryMs = 300_000,
    onTrusted,
  } = opts;
  let served: string | undefined; // the ca.crt text the bundles were last brought to
  const retired = new Set<string>(); // CAs this replica served before `served`, not yet settled
  let pending: NodeJS.Timeout | undefined; // the settle step, or the retry of a failed write
  let failures = 0;
  let problem: string | undefined; // logged once per distinct problem, not every poll
  let recheckFailing = false; // logged once until a recheck works again
  let queue = Promise.resolve();
  let stopped = false;

  const run = (work: () => Promise<void>) => {
    queue = queue.then(() => (stopped ? undefined : work()));
  };
  const later = (ms: number, step: BundleStep) => {
    clearTimeout(pending);
    pending = setTimeout(() => run(() => write(step)), ms);
    pending.unref();
  };
  const report = (message: string, fields: object, level: 'warn' | 'error') => {
    if (problem === message) return;
    problem = message;
    logger[level](fields, message);
  };

  async function write(step: BundleStep): Promise<void> {
    if (served === undefined) return;
    try {
      const wrote = await patchCaBundle(kc, names, served, step, { retired });
      failures = 0;
      problem = undefined;
      logger.info({ ...names, step, wrote }, 'webhook configurations trust the current CA');
      onTrusted?.();
      if (step === 'overlap') later(overlapMs, 'settle');
      else retired.clear();
    } catch (err) {
      const delay = Math.min(retryMs * 2 ** failures++, maxRetryMs);
      logger.error(
        { error: (err as Error).message, step, retryInMs: delay },
        'could not patch the webhook caBundle',
      );
      later(delay, step);
    }
  }

  // Our CA can leave the bundles without ca.crt changing: `kubectl apply` of manifests rendered
  // without the caBundle over ones rendered with it (client-side apply deletes a field its last
  // apply set, in every entry), a `helm upgrade` writing the chart's older value back, a hand edit.
  // With failurePolicy Fail the apiserver then refuses every AIStore write, and nothing else would
  // restore it short of a replica restarting. So every re-read also reads the two configurations
  // and puts our CA back beside the others (the overlap step: it drops nothing but expired CAs,
  // and writes nothing when nothing is missing). A failure here is only logged: the next poll
  // tries again, and a pending settle or retry keeps its own schedule.
  async function recheck(): Promise<void> {
    if (served === undefined || failures > 0) return; // a retry of the last write is on its way
    try {
      const wrote = await patchCaBundle(kc, names, served, 'overlap', { retired });
      if (recheckFailing) logger.info(names, 'webhook caBundle check working again');
      recheckFailing = false;
      if (wrote)
        logger.warn(
          names,
          'webhook caBundle had lost the current CA (manifests re-applied or edited): written back',
        );
    } catch (err) {
      if (!recheckFailing)
        logger.warn({ error: (err as Error).message }, 'could not check the webhook caBundle');
      recheckFailing = true;
    }
  }

  async function readCa(): Promise<void> {
    let text: string;
    try {
      text = await readFile(caFile, 'utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      // No ca.crt (a Secret with tls.crt and tls.key only): there is nothing this replica could
      // write, so nothing to wait for. An unreadable one is a fault: readiness waits until it reads.
      if (missing) onTrusted?.();
      return report(
        missing
          ? 'no ca.crt next to the serving certificate: caBundle not managed'
          : 'cannot read ca.crt: caBundle not managed',
        { file: caFile, ...(missing ? {} : { error: (err as Error).message }) },
        missing ? 'warn' : 'error',
      );
    }
    if (text === served) return recheck();
    if (served !== undefined) {
      const now = new Set(fingerprints(text));
      for (const f of fingerprints(served)) if (!now.has(f)) retired.add(f);
      for (const f of now) retired.delete(f); // a CA that came back is ours again
    }
    served = text;
    failures = 0;
    await write('overlap');
  }

  const poll = setInterval(() => run(readCa), pollMs);
  poll.unref();
  return {
    check: () => run(readCa),
    stop() {
      stopped = true;
      clearInterval(poll);
      clearTimeout(pending);
    },
    idle: () => queue,
  };
}
