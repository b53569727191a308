// Helpers the checks share: the live webhook entries, and turning a list of findings into one line.
import type { CheckId, CheckResult, ConfigKind, Expected, Snapshot, Status, WebhookEntry } from '../types.js';

export interface LiveEntry {
  kind: ConfigKind;
  config: string;
  /** Its index in the configuration's webhooks (for JSON patches). */
  index: number;
  entry: WebhookEntry;
}

/** Every webhook of every configuration that was read. */
export function liveEntries(snapshot: Snapshot, expected: Pick<Expected, 'name'>): LiveEntry[] {
  // Only this install's configurations: another install's (another name) is not judged with it.
  return Object.entries(snapshot.configs).flatMap(([kind, fetched]) =>
    fetched?.ok && fetched.value.metadata?.name === expected.name
      ? (fetched.value.webhooks ?? []).map((entry, index) => ({
          kind: kind as ConfigKind,
          config: fetched.value.metadata?.name ?? '',
          index,
          entry,
        }))
      : [],
  );
}

export interface Finding {
  status: Exclude<Status, 'ok' | 'skip'>;
  message: string;
  fix?: string;
}

const RANK: Record<Status, number> = { skip: 0, ok: 1, warn: 2, fail: 3 };
export const worse = (a: Status, b: Status): Status => (RANK[a] >= RANK[b] ? a : b);

/** ok with `okMessage` when nothing was found; otherwise the worst status, findings joined. */
export function verdict(check: CheckId, findings: Finding[], okMessage: string): CheckResult {
  if (findings.length === 0) return { check, status: 'ok', message: okMessage };
  const status = findings.map((f) => f.status).reduce<Status>(worse, 'ok');
  // The fixes of the worst findings first, each once.
  const fixes = [...new Set(findings.filter((f) => f.status === status && f.fix).map((f) => f.fix!))];
  const rest = [...new Set(findings.filter((f) => f.status !== status && f.fix).map((f) => f.fix!))];
  const fix = [...fixes, ...rest].join('; ');
  return { check, status, message: findings.map((f) => f.message).join('; '), ...(fix ? { fix } : {}) };
}

export const skip = (check: CheckId, message: string): CheckResult => ({ check, status: 'skip', message });

type NotRead = { reason: string; unanswered?: boolean };

/** "X could not be read (403 …)", or "X could not be read: the apiserver did not answer (429 …)". */
export const couldNotRead = (what: string, f: NotRead): string =>
  f.unanswered ? `${what} could not be read: ${f.reason}` : `${what} could not be read (${f.reason})`;

/** What to do when the apiserver still answers 429 or 5xx: nothing of the install or of the rights. */
export const ASK_AGAIN =
  "run doctor again once the apiserver answers (kubectl get --raw '/readyz?verbose'; 429s are API Priority and Fairness throttling: kubectl get flowschemas,prioritylevelconfigurations)";

/** The fix for an object not read: doctor's user's missing `right`, unless the apiserver did not answer. */
export const readFix = (f: NotRead, right: string): string => (f.unanswered ? ASK_AGAIN : right);

export const CONFIG_RIGHT = 'run doctor with a kubeconfig that may get webhook configurations';

/**
 * A check with no webhook to look at: `skip` when the configurations are missing (the
 * webhook-configurations check fails for that), but a warn when one could not be read: nothing was
 * checked, and an install nobody could look at must not read as "nothing to fix".
 */
export function nothingToCheck(
  check: CheckId,
  snapshot: Snapshot,
  expected: Pick<Expected, 'configs'>,
  message: string,
): CheckResult {
  const unread = expected.configs.flatMap(({ kind, name }) => {
    const got = snapshot.configs[kind];
    return got && !got.ok && !got.absent ? [{ label: `${kind} ${name}`, got }] : [];
  });
  if (unread.length === 0) return skip(check, message);
  return {
    check,
    status: 'warn',
    message: `not checked: ${unread.map(({ label, got }) => couldNotRead(label, got)).join('; ')}`,
    fix: [...new Set(unread.map((u) => readFix(u.got, CONFIG_RIGHT)))].join('; '),
  };
}

/** "a, b and 3 more": long lists stay one readable line. */
export function list(items: string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/**
 * `ais-guard render` with the options that reproduce this install (the fix for most drift). The
 * cert-manager overlay takes no --cert-dir: its cainjector writes the caBundle, and render refuses
 * the option there (src/cli/render.ts, "the cert-manager overlay injects the caBundle itself").
 */
export const renderHint = ({ overlay, namespace, name }: InstallOf, at: string = namespace): string =>
  `re-apply the manifests: ais-guard render${overlay === 'base' ? '' : ` --overlay ${overlay}`}${
    at === 'ais-guard' ? '' : ` --namespace ${at}`
  }${name === 'ais-guard' ? '' : ` --name ${name}`}${
    overlay === 'cert-manager' ? '' : ' --cert-dir CERTS'
  } | kubectl apply -f -`;

/** `ais-guard certs` for this install's serving certificate: its Service's names. */
export const certsHint = ({ namespace, name }: InstallOf): string =>
  `ais-guard certs --dir CERTS${name === 'ais-guard' ? '' : ` --service ${name}`} --namespace ${namespace}`;

type InstallOf = Pick<Expected, 'overlay' | 'namespace' | 'name'>;

/** The TLS Secret the live guard mounts (fetch.ts read it), else the rendered one. */
export const tlsSecretOf = (snapshot: Snapshot, expected: Pick<Expected, 'tlsSecret'>): string =>
  snapshot.servingCert.secret ?? expected.tlsSecret;
