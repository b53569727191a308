// A deadline for the requests client-node's own clients send. Those clients (the generated APIs and
// KubernetesObjectApi) have no timeout of their own: an apiserver that takes a request and never
// answers it (a half-open connection after a load balancer failed over, a hung authorizer webhook)
// held doctor, and held `audit --apply` in its CronJob, for good. The plain GETs of kubeconfig.ts
// have a socket timeout instead.
import {
  createConfiguration,
  KubernetesObjectApi,
  Observable,
  ServerConfiguration,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';

/**
 * When a request is given up: `signal` aborts each one sent, `ms` after it by default; `ms` is what
 * the failure says. A test gives its own signal to abort a request when the event it waits on comes.
 */
export interface Deadline {
  readonly ms: number;
  readonly signal: (url: string) => AbortSignal;
}

/** The deadline of every request: `ms` after it is sent. */
export const within = (ms: number): Deadline => ({ ms, signal: () => AbortSignal.timeout(ms) });

/** Aborts each request it sees when its deadline's signal says so. */
const deadline = (when: Deadline): ObservableMiddleware => ({
  pre: (request) => {
    request.setSignal(when.signal(request.getUrl()));
    return new Observable(Promise.resolve(request));
  },
  post: (response) => new Observable(Promise.resolve(response)),
});

/** Options for calls of a generated API client: each request is given up at `when`. */
export const answerBy = (when: Deadline): ConfigurationOptions => ({
  middleware: [deadline(when)],
  middlewareMergeStrategy: 'append',
});

/** Options for one call of a generated API client: the request is given up after `timeoutMs`. */
export const answerWithin = (timeoutMs: number): ConfigurationOptions => answerBy(within(timeoutMs));

/**
 * A KubernetesObjectApi whose every request, the discovery of a kind's resource included, is given
 * up at `when`. Its methods take no per-call middleware (they send with the client's own
 * configuration), so the deadline is built into that, as KubeConfig.makeApiClient builds it otherwise.
 */
export function objectApiWithin(kc: KubeConfig, when: Deadline): KubernetesObjectApi {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  return new KubernetesObjectApi(
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kc },
      middleware: [deadline(when)],
    }),
  );
}

/** Whether a request failed because its deadline passed (node-fetch's error for an aborted signal). */
export const gaveUp = (err: unknown): boolean => (err as Error | undefined)?.name === 'AbortError';

/** A request given up at its deadline, said the same way by every command: "no answer within 10 s". */
export const noAnswerWithin = (timeoutMs: number): string => `no answer within ${timeoutMs / 1000} s`;

/** Why a request failed, on one line: its deadline, said as such, or the error's own message. */
export const failureOf = (err: unknown, timeoutMs: number): string =>
  gaveUp(err) ? noAnswerWithin(timeoutMs) : (err as Error).message;
