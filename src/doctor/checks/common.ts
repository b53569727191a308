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
