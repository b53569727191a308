// Which cluster the webhook watches, and plain GETs against it with the kubeconfig's credentials.
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { noAnswerWithin } from './deadline.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * ~/.kube/config: $HOME first, as kubectl and client-node read it, then the passwd entry. Neither
 * exists for a uid without one and no HOME (a container run as a bare numeric uid): no such file,
 * instead of os.homedir()'s ENOENT ending the server.
 */
function kubeconfigInHome(): string | undefined {
  try {
    return join(process.env.HOME || homedir(), '.kube', 'config');
  } catch {
    return undefined;
  }
}

/**
 * client-node's refusal of one entry as it loads (config_types.js newClusters, newUsers,
 * newContexts: "clusters[1].cluster.server is missing"; config.js mergeConfig: "Duplicate cluster: x").
 */
const ENTRY_REFUSED = /^(?:(?:clusters|users|contexts)\[\d+\]\.|Duplicate (?:cluster|user|context):)/;

/**
 * A KubeConfig when one is really configured: the explicit path, else $KUBECONFIG, else
 * ~/.kube/config, else the in-cluster service account; undefined when there is none of these.
 * client-node's `loadFromDefault` would instead fall back to http://localhost:8080, and the guard
 * would then report "not synced" forever instead of saying plainly that it has no cluster.
 */
export async function detectKubeConfig(
  explicitPath?: string,
  /** Use this context instead of the current one (--context, as kubectl takes it). */
  context?: string,
): Promise<KubeConfig | undefined> {
  const kc = new KubeConfig();
  let source: string;
  let load: () => void;
  const home = kubeconfigInHome();
  if (explicitPath) {
    source = explicitPath;
    load = () => kc.loadFromFile(explicitPath);
  } else if (process.env.KUBECONFIG) {
    // loadFromDefault merges the $KUBECONFIG list as kubectl does; a named file that is missing
    // throws, which is what a mistyped variable deserves.
    source = `$KUBECONFIG (${process.env.KUBECONFIG})`;
    load = () => kc.loadFromDefault();
  } else if (home && existsSync(home)) {
    source = home;
    load = () => kc.loadFromFile(home);
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    // Both, as client-go's InClusterConfig requires: a mounted token alone is not a reachable apiserver.
    source = 'the in-cluster service account';
    load = () => kc.loadFromCluster();
  } else {
    return undefined;
  }
  try {
    load();
  } catch (err) {
    // A missing file, YAML that does not parse, or an entry client-node refuses: client-node checks
    // every cluster, user and context as it loads ("clusters[1].cluster.server is missing"), where
    // kubectl checks only the current context's (client-go clientcmd validation.go ConfirmUsable).
    // Only that last one gets the advice about entries: a mistyped path must read as one.
    // client-node reads an empty file (or one that is no map) as null and fails on its fields with
    // a TypeError ("Cannot read properties of undefined (reading 'clusters')").
    const reason =
      err instanceof TypeError
        ? 'not a kubeconfig: empty, or no map of clusters, users and contexts'
        : String((err as Error).message ?? err).split('\n')[0]!;
    const advice = ENTRY_REFUSED.test(reason)
      ? ' (every entry must be complete here, also those of other contexts: complete or remove it)'
      : '';
    throw new KubeConfigError(`${source}: cannot be loaded: ${reason}${advice}`);
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context))
      throw new KubeConfigError(`${source}: no context "${context}" (${contextsOf(kc)})`);
    kc.setCurrentContext(context);
  }
  const problem = currentContextProblem(kc);
  if (problem) throw new KubeConfigError(`${source}: ${problem}`);
  return kc;
}

/**
 * A kubeconfig that names no usable current context: the user's to fix, not a crash. The commands
 * report it as a usage error (exit 2, one line), as kubectl does ("error: current-context is not
 * set", "context was not found for specified context": client-go tools/clientcmd validation.go,
 * ConfirmUsable).
 */
export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

const contextsOf = (kc: KubeConfig): string => {
  const names = kc.getContexts().map((c) => c.name);
  return names.length > 0 ? `contexts: ${names.join(', ')}` : 'it has none';
};

/**
 * Why the current context (or the one --context named) is unusable, or undefined: the way out is
 * --context NAME, kubectl config use-context, or a kubeconfig that sets a context.
 */
function currentContextProblem(kc: KubeConfig): string | undefined {
  if (kc.getCurrentCluster()) return undefined;
  const name = kc.getCurrentContext();
  const context = name ? kc.getContextObject(name) : null;
  const choose = `choose one with --context NAME or kubectl config use-context NAME (${contextsOf(kc)}), or give --kubeconfig a file that sets current-context`;
  if (!name) return `no current context is set: ${choose}`;
  if (!context) return `the current context "${name}" does not exist: ${choose}`;
  return `the current context "${name}" names cluster "${context.cluster}", which is not defined: add it (kubectl config set-cluster) or ${choose}`;
}

/** A non-2xx answer; `statusCode` is the field client-node's ListWatch reads (410 Gone means "relist"). */
export class KubeRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    /** The answer's Retry-After in seconds, when it gave one (a 429 of API Priority and Fairness). */
    readonly retryAfterSeconds?: number,
    /**
     * The body was a Kubernetes Status object, as an apiserver answers: a 404 without one came
     * from something else at the server's address (a proxy, a load balancer's default backend).
     */
    readonly kubernetesStatus = false,
  ) {
    super(message);
    this.name = 'KubeRequestError';
  }
}

/** How often a request answered 429 (or 5xx with Retry-After) is sent in all; client-go tries up to 10 times. */
const ATTEMPTS = 5;
/** The longest wait for one retry, whatever Retry-After says. */
const MAX_RETRY_WAIT_S = 10;

/**
 * Whether an answer asks to be asked again, and after how long: a 429 (API Priority and Fairness,
 * a CRD's storage initializing), or a 5xx that gives Retry-After (an apiserver shutting down or
 * overloaded). client-go waits for exactly these (rest/request.go checkWait: "any 500 error code
 * and 429 can trigger a wait", with the Retry-After), and also asks a 429 again without one. From
 * getJson (KubeRequestError) or client-node's API clients (ApiException: `code`, and `headers` with
 * lower-case names); undefined for any other error.
 */
function asksToWait(err: unknown): { retryAfterSeconds?: number } | undefined {
  let status: unknown;
  let seconds: number | undefined;
  if (err instanceof KubeRequestError) [status, seconds] = [err.statusCode, err.retryAfterSeconds];
  else if (typeof err === 'object' && err !== null) {
    const { code, headers } = err as { code?: unknown; headers?: Record<string, string> };
    [status, seconds] = [code, retryAfter(headers?.['retry-after'])];
  }
  if (!apiserverUnavailable(status)) return undefined;
  return status === 429 || seconds !== undefined ? { retryAfterSeconds: seconds } : undefined;
}

/** A 429 or 5xx: the apiserver's state (throttled, overloaded, shutting down), not a refusal. */
export const apiserverUnavailable = (status: unknown): boolean =>
  status === 429 || (typeof status === 'number' && status >= 500 && status <= 599);

/**
 * `ask()`, asked again while the apiserver asks to wait (asksToWait): API Priority and Fairness
 * throttles a busy apiserver with 429 and Retry-After, and a just-installed CRD's storage answers so
 * while it starts ("storage is (re)initializing"). client-go rides both out for every verb
 * (rest/request.go checkWait); a CronJob's audit and doctor must too. Only for requests that may be
 * sent twice: GETs, and server-side apply, whose second send of the same object changes nothing more.
 */
export async function patiently<T>(ask: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ask();
    } catch (err) {
      const answer = asksToWait(err);
      if (!answer || attempt >= ATTEMPTS) throw err;
      signal?.throwIfAborted();
      const seconds = Math.min(MAX_RETRY_WAIT_S, Math.max(1, answer.retryAfterSeconds ?? attempt));
      // Cut short by `signal` (a guard stopping): rejects with its abort reason, not as throttled.
      await delay(seconds * 1000, undefined, { signal });
    }
  }
}

/** GET, asked again on 429 and on a 5xx with Retry-After (patiently). */
export const getJsonPatiently = (kc: KubeConfig, path: string, options: GetOptions = {}): Promise<unknown> =>
  patiently(() => getJson(kc, path, options), options.signal);

export interface GetOptions {
  signal?: AbortSignal;
  /** Gives up when the connection stays idle this long. */
  timeoutMs?: number;
}

/**
 * GET `path` on the current cluster and parse the JSON body, with the same TLS settings, agent
 * (proxies included) and Authorization header as client-node's own Watch. The generated API
 * clients are not used for lists on purpose: they deserialize into model classes (Dates for
 * timestamps, unknown fields dropped) while watch events stay plain JSON, and the cache must hold
 * one shape, the one the policy core reads.
 */
/** Retry-After as whole seconds (an HTTP date is not what the apiserver sends). */
function retryAfter(header: string | undefined): number | undefined {
  const seconds = Number(header);
  return header !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

export async function getJson(kc: KubeConfig, path: string, options: GetOptions = {}): Promise<unknown> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  const request: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(request);
  } catch (err) {
    throw new Error(credentialsFailed(kc, err), { cause: err });
  }
  const url = new URL(server + path);
  const client = url.protocol === 'http:' ? http : https;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        ...request,
        method: 'GET',
        headers: { ...request.headers, Accept: 'application/json' },
        signal: options.signal,
      },
      (res) => {
        // Decoded as they arrive: a list page (500 Nodes with their status: ~5 MB) kept as
        // Buffers until its end outlived young-generation collections, and their memory, outside
        // the JS heap, came back only at a full GC; the strings are heap the next GC reclaims.
        res.setEncoding('utf8');
        const parts: string[] = [];
        res.on('data', (part: string) => parts.push(part));
        res.on('error', reject);
        res.on('end', () => {
          const text = parts.join('');
          parts.length = 0;
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(
              new KubeRequestError(
                `GET ${withoutToken(path)}: ${status} ${statusMessage(text, res.statusMessage)}`,
                status,
                retryAfter(res.headers['retry-after']),
                isStatus(text),
              ),
            );
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(
              new Error(`GET ${withoutToken(path)}: the answer is not JSON (${(err as Error).message})`),
            );
          }
        });
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`GET ${withoutToken(path)}: ${noAnswerWithin(timeoutMs)}`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Why the kubeconfig's user gave no credentials, on one line. client-node throws an exec plugin's
 * stderr as the whole message: empty for a plugin that says nothing (/bin/false), many lines for
 * gke-gcloud-auth-plugin's; kubectl names the plugin ("getting credentials: exec: executable X
 * failed").
 */
function credentialsFailed(kc: KubeConfig, err: unknown): string {
  const user = kc.getCurrentUser();
  const from = user?.exec?.command ? `the exec plugin "${user.exec.command}"` : `user "${user?.name ?? ''}"`;
  const reason = (err instanceof Error ? err.message : String(err))
    .trim()
    .split(/\s*\n\s*/)
    .join('; ');
  return `getting credentials from ${from} failed: ${reason || 'it gave no reason'}`;
}

/**
 * A path as errors show it: a continue token (hundreds of characters, new on every page) left out,
 * so a log says one failure once, not once per token (serve warns once per distinct error).
 */
const withoutToken = (path: string): string => path.replace(/([?&]continue=)[^&]*/, '$1…');

/** Whether a body is a Kubernetes Status object (`kind: Status`). */
function isStatus(body: string): boolean {
  try {
    return (JSON.parse(body) as { kind?: unknown } | null)?.kind === 'Status';
  } catch {
    return false;
  }
}

/** The apiserver explains failures in a Status object; fall back to the HTTP reason phrase. */
function statusMessage(body: string, fallback = ''): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not a Status object (a proxy's error page, say)
  }
  return fallback;
}
