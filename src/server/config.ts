// Server configuration from flags, environment (AIS_GUARD_*) and an optional YAML/JSON file, in
// that order of precedence, validated at start: a bad value stops the server with a clear error.
import { readSmallFile } from '../k8s/small-file.js';
import { MODES, RULE_IDS, type Mode, type Modes } from '../policy/index.js';
import { closest, didYouMean } from '../cli/suggest.js';

export type FailureMode = 'allow' | 'deny';
export const FAILURE_MODES: readonly FailureMode[] = ['allow', 'deny'];

export interface ServerConfig {
  port: number;
  /**
   * The listen address (--address; `npm start` passes 127.0.0.1). Unset: every interface of both
   * families, as a pod needs whichever its IP family ("::" dual-stack where the host has IPv6, else
   * 0.0.0.0: Node's own choice for a listen without a host).
   */
  host?: string;
  /** Where tls.crt/tls.key are read, or created (with a CA) when absent and no explicit files are given. */
  certDir: string;
  tlsCert?: string;
  tlsKey?: string;
  modes: Modes;
  /** What a review we cannot judge gets (internal error, context we cannot read). */
  failureMode: FailureMode;
  /** Namespaces judged; empty = all. */
  includeNamespaces: string[];
  /** Namespaces never judged (the guard's own is always added). */
  excludeNamespaces: string[];
  kubeconfig?: string;
  /** Judge from the request alone even when a kubeconfig is found. */
  noCluster: boolean;
  manageWebhookConfig: boolean;
  /** After a CA change, how long the webhooks keep trusting the older CAs too (src/k8s/ca-bundle.ts). */
  caOverlapMs: number;
  webhookConfigName: string;
  logLevel: string;
  /** Longest a graceful shutdown may take before connections are cut. */
  shutdownTimeoutMs: number;
  /** Keep serving this long after SIGTERM while endpoints drop us (readyz already fails). */
  shutdownDelayMs: number;
  /** The guard's own namespace (downward API), never intercepted. */
  ownNamespace?: string;
}

export const DEFAULTS: ServerConfig = {
  port: 8443,
  certDir: 'certs',
  modes: { default: 'enforce' },
  failureMode: 'allow',
  includeNamespaces: [],
  excludeNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
  noCluster: false,
  manageWebhookConfig: false,
  // Past the kubelet's Secret projection into every replica (its sync period, a minute by default).
  caOverlapMs: 600_000,
  webhookConfigName: 'ais-guard',
  logLevel: 'info',
  shutdownTimeoutMs: 20_000,
  shutdownDelayMs: 0,
};

export class ConfigError extends Error {}

/** The file format (all keys optional). */
interface ConfigFile {
  port?: number;
  address?: string;
  /** The older name of address. */
  host?: string;
  certDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  mode?: Mode;
  rules?: Record<string, Mode>;
  failureMode?: FailureMode;
  namespaces?: { include?: string[]; exclude?: string[] };
  logLevel?: string;
  shutdownTimeoutSeconds?: number;
  shutdownDelaySeconds?: number;
}

const FILE_KEYS = [
  'port',
  'address',
  'host',
  'certDir',
  'tlsCert',
  'tlsKey',
  'mode',
  'rules',
  'failureMode',
  'namespaces',
  'logLevel',
  'shutdownTimeoutSeconds',
  'shutdownDelaySeconds',
];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A flag's or variable's text as a number: decimal digits only. Number() alone takes " " and ""
 * for 0 (a random port), "0x50" for 80 and "1e3" for 1000. */
const decimal = (value: unknown): unknown =>
  typeof value === 'string' ? (/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN) : value;

function port(value: unknown, where: string): number {
  const n = decimal(value);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${where}: port must be 0-65535, got ${JSON.stringify(value)}`);
  return n;
}

function mode(value: unknown, where: string): Mode {
  if (!MODES.includes(value as Mode))
    throw new ConfigError(`${where}: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as Mode;
}

/** Node's setTimeout holds at most this; a longer timer fires at once (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Seconds a timer waits (shutdown delay and timeout, the CA overlap), as milliseconds. */
function seconds(value: unknown, where: string): number {
  const n = decimal(value);
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new ConfigError(`${where}: must be a number of seconds >= 0, got ${JSON.stringify(value)}`);
  // A longer wait would fire at once: no shutdown delay, in-flight reviews cut, the old CA dropped early.
  if (n * 1000 > MAX_TIMER_MS)
    throw new ConfigError(`${where}: at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (24 days)`);
  return n * 1000;
}

function list(value: unknown, where: string): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((s) => typeof s !== 'string'))
    throw new ConfigError(`${where}: must be a list of names`);
  return items.map((s: string) => s.trim()).filter(Boolean);
}

function ruleModes(value: unknown, where: string): Record<string, Mode> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${where}: must map rule ids to modes`);
  const out: Record<string, Mode> = {};
  for (const [id, m] of Object.entries(value)) {
    if (!RULE_IDS.includes(id))
      throw new ConfigError(
        `${where}: unknown rule "${id}"${didYouMean(closest(id, RULE_IDS))} (known: ${RULE_IDS.join(', ')})`,
      );
    out[id] = mode(m, `${where}.${id}`);
  }
  return out;
}

/** "pvc-name=warn,target-host-port=audit" → per-rule modes (audit reads serve's --rule-mode too). */
export function ruleModesFromString(value: string, where: string): Record<string, Mode> {
  return ruleModes(
    Object.fromEntries(list(value, where).map((pair) => pair.split('=').map((s) => s.trim()))),
    where,
  );
}

async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readSmallFile(path);
  } catch (err) {
    throw new ConfigError(`--config ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    // Only with --config: the parser is not needed to serve.
    const { readYamlValue } = await import('../k8s/yaml.js');
    data = readYamlValue(text, path);
  } catch (err) {
    throw new ConfigError(`--config ${(err as Error).message} (not valid YAML/JSON)`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`--config ${path}: must be a mapping`);
  for (const key of Object.keys(data))
    if (!FILE_KEYS.includes(key))
      throw new ConfigError(`--config ${path}: unknown key "${key}" (known: ${FILE_KEYS.join(', ')})`);
  return data as ConfigFile;
}

export interface ConfigSources {
  /** Flag values as parsed (strings/booleans), undefined when not given. */
  flags: Record<string, string | boolean | string[] | undefined>;
  env: Record<string, string | undefined>;
}

/** Flags win over env, env over the file, the file over defaults. */
export async function loadConfig({ flags, env }: ConfigSources): Promise<ServerConfig> {
  const configPath = (flags.config as string | undefined) ?? env.AIS_GUARD_CONFIG;
  const file = configPath ? await readConfigFile(configPath) : {};
  const pick = (flag: string, envName: string, fileValue: unknown): [unknown, string] => {
    if (flags[flag] !== undefined) return [flags[flag], `--${flag}`];
    if (env[envName] !== undefined && env[envName] !== '') return [env[envName], envName];
    return [fileValue, `${configPath}: ${flag}`];
  };
  const cfg: ServerConfig = { ...DEFAULTS, modes: { ...DEFAULTS.modes } };

  const [p, pWhere] = pick('port', 'AIS_GUARD_PORT', file.port);
  if (p !== undefined) cfg.port = port(p, pWhere);
  // --address is the documented name; --host (and AIS_GUARD_HOST, `host:`) still work.
  const h = [
    flags.address,
    flags.host,
    env.AIS_GUARD_ADDRESS || undefined,
    env.AIS_GUARD_HOST || undefined,
    file.address,
    file.host,
  ].find((v) => v !== undefined);
  if (h !== undefined) cfg.host = String(h);
  const [dir] = pick('cert-dir', 'AIS_GUARD_CERT_DIR', file.certDir);
  if (dir !== undefined) cfg.certDir = String(dir);
  const [crt] = pick('tls-cert', 'AIS_GUARD_TLS_CERT', file.tlsCert);
  const [key] = pick('tls-key', 'AIS_GUARD_TLS_KEY', file.tlsKey);
  if ((crt === undefined) !== (key === undefined))
    throw new ConfigError('--tls-cert and --tls-key go together');
  if (crt !== undefined) [cfg.tlsCert, cfg.tlsKey] = [String(crt), String(key)];

  const [m, mWhere] = pick('mode', 'AIS_GUARD_MODE', file.mode);
  if (m !== undefined) cfg.modes.default = mode(m, mWhere);
  const [r, rWhere] = pick('rule-mode', 'AIS_GUARD_RULE_MODES', file.rules);
  if (r !== undefined)
    cfg.modes.rules =
      typeof r === 'string'
        ? ruleModesFromString(r, rWhere)
        : Array.isArray(r)
          ? ruleModesFromString(r.join(','), rWhere)
          : ruleModes(r, rWhere);

  const [f, fWhere] = pick('failure-mode', 'AIS_GUARD_FAILURE_MODE', file.failureMode);
  if (f !== undefined) {
    if (f !== 'allow' && f !== 'deny')
      throw new ConfigError(`${fWhere}: failure mode must be allow or deny, got ${JSON.stringify(f)}`);
    cfg.failureMode = f;
  }
  const [inc, incWhere] = pick(
    'include-namespaces',
    'AIS_GUARD_INCLUDE_NAMESPACES',
    file.namespaces?.include,
  );
  if (inc !== undefined) cfg.includeNamespaces = list(inc, incWhere);
  const [exc, excWhere] = pick(
    'exclude-namespaces',
    'AIS_GUARD_EXCLUDE_NAMESPACES',
    file.namespaces?.exclude,
  );
  if (exc !== undefined) cfg.excludeNamespaces = list(exc, excWhere);

  const [lvl, lWhere] = pick('log-level', 'AIS_GUARD_LOG_LEVEL', file.logLevel);
  if (lvl !== undefined) {
    if (!LOG_LEVELS.includes(String(lvl)))
      throw new ConfigError(`${lWhere}: log level must be one of ${LOG_LEVELS.join(', ')}`);
    cfg.logLevel = String(lvl);
  }
  const [st, stWhere] = pick('shutdown-timeout', 'AIS_GUARD_SHUTDOWN_TIMEOUT', file.shutdownTimeoutSeconds);
  if (st !== undefined) cfg.shutdownTimeoutMs = seconds(st, stWhere);
  const [sd, sdWhere] = pick('shutdown-delay', 'AIS_GUARD_SHUTDOWN_DELAY', file.shutdownDelaySeconds);
  if (sd !== undefined) cfg.shutdownDelayMs = seconds(sd, sdWhere);

  const [kc] = pick('kubeconfig', 'KUBECONFIG_AIS_GUARD', undefined);
  if (kc !== undefined) cfg.kubeconfig = String(kc);
  cfg.noCluster = flags['no-cluster'] === true || env.AIS_GUARD_NO_CLUSTER === 'true';
  cfg.manageWebhookConfig =
    flags['manage-webhook-config'] === true || env.AIS_GUARD_MANAGE_WEBHOOK_CONFIG === 'true';
  const [co, coWhere] = pick('ca-overlap', 'AIS_GUARD_CA_OVERLAP', undefined);
  if (co !== undefined) cfg.caOverlapMs = seconds(co, coWhere);
  if (typeof flags['webhook-config-name'] === 'string') cfg.webhookConfigName = flags['webhook-config-name'];
  cfg.ownNamespace = env.AIS_GUARD_NAMESPACE || undefined;
  if (cfg.ownNamespace && !cfg.excludeNamespaces.includes(cfg.ownNamespace))
    cfg.excludeNamespaces = [...cfg.excludeNamespaces, cfg.ownNamespace];
  return cfg;
}
