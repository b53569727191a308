// The fields of an AIStore spec the operator's decoder can refuse though the CRD stored them: numbers
// past their Go type (its own types in api/aistore/v1beta1 aistore_types.go and aisconfig.go, and the
// Kubernetes types they embed), and text its types parse as they decode (util_types.go: Duration,
// SizeIEC). One such value makes the whole CR undecodable for the operator: its webhook refuses the
// CR, and its controller's list of AIStores fails while the CR exists. The CRD stops few of them: it
// gives the uint8 and int fields no range, holds `format: int32` to its range only from Kubernetes
// 1.36, and types a duration or a size as any string ("10" and "10 GiB" are stored).
//
// The oracle (test/oracle/decoding.oracle.test.ts, `aisguard-oracle decoded`) checks this list against
// the operator's Go types field by field, and each kind against its decoder.
import { durationProblem, sizeProblem } from './go-text.js';

/** A Go integer type; int-or-string is intstr.IntOrString, whose number is an int32. */
export type GoInteger = 'int' | 'int32' | 'int64' | 'uint8' | 'uint64' | 'int-or-string';
/** How the operator's decoder reads a field: an integer type, or text it parses. */
export type DecodedKind = GoInteger | 'duration' | 'size-iec';

// Inclusive bounds, as the float64s a JSON number becomes. Past 2^53 a number no longer says which
// integer it was (2^63 - 1 reads as 2^63, and so does 2^63), so the 64-bit bounds are the floats
// next inside ±2^63 and 2^64: the last thousand or so integers at each end count as out of range,
// which no one writes.
const INT32: readonly [number, number] = [-(2 ** 31), 2 ** 31 - 1];
const INT64: readonly [number, number] = [-(2 ** 63) + 1024, 2 ** 63 - 1024];
export const INTEGER_BOUNDS: Readonly<Record<GoInteger, readonly [number, number]>> = {
  int: INT64,
  int32: INT32,
  int64: INT64,
  uint8: [0, 255],
  uint64: [0, 2 ** 64 - 2048],
  'int-or-string': INT32,
};

const each = (prefix: string, names: readonly string[], kind: DecodedKind) =>
  Object.fromEntries(names.map((n) => [`${prefix}${n}`, kind])) as Record<string, DecodedKind>;

const PROBES = ['liveness', 'readiness', 'startup'].flatMap((p) =>
  ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'initialDelaySeconds'].map(
    (f) => `probes.${p}.${f}`,
  ),
);
const AFFINITIES = ['nodeAffinity', 'podAffinity', 'podAntiAffinity'].map(
  (a) => `affinity.${a}.preferredDuringSchedulingIgnoredDuringExecution[].weight`,
);
/** Scheduling fields a daemon and the admin client share. */
const SCHEDULING = { ...each('', AFFINITIES, 'int32'), 'tolerations[].tolerationSeconds': 'int64' } as const;
const DAEMON: Record<string, DecodedKind> = {
  ...each('', ['servicePort', 'portPublic', 'portIntraControl', 'portIntraData'], 'int-or-string'),
  ...each('securityContext.', ['runAsUser', 'runAsGroup', 'supplementalGroups[]', 'fsGroup'], 'int64'),
  ...each('', ['size', 'hostPort', 'autoScale.sizeLimit', 'autoScale.maxUnavailable', ...PROBES], 'int32'),
  ...each('capabilities.', ['runAsUser', 'runAsGroup'], 'int64'),
  ...each('aisContainerSecurityContext.', ['runAsUser', 'runAsGroup'], 'int64'),
  ...SCHEDULING,
};
const BUFFERED = ['bundle_multiplier', 'burst_buffer'];
/** configToUpdate's durations, by section. */
const CONFIG_DURATIONS = Object.entries({
  get_batch: ['max_wait'],
  log: ['flush_time', 'stats_time'],
  periodic: ['stats_time', 'retry_sync_time', 'notif_time'],
  timeout: [
    'cplane_operation',
    'max_keepalive',
    'max_host_busy',
    'startup_time',
    'join_startup_time',
    'send_file_time',
    'ec_streams_time',
    'object_md',
    'cold_get_conflict',
  ],
  client: ['client_timeout', 'client_long_timeout', 'list_timeout'],
  space: ['dont_cleanup_time'],
  lru: ['dont_evict_time', 'capacity_upd_time'],
  disk: ['iostat_time_long', 'iostat_time_short', 'iostat_time_smooth'],
  rebalance: ['dest_retry_time'],
  'net.http': ['idle_conn_time'],
  fshc: ['io_err_time'],
  'auth.cluster_key': ['ttl', 'nonce_window', 'rotation_grace'],
  'keepalivetracker.proxy': ['interval'],
  'keepalivetracker.target': ['interval'],
  downloader: ['timeout'],
  distributed_sort: ['call_timeout'],
  transport: ['idle_teardown', 'quiescent'],
  memsys: ['hk_time'],
  'rate_limit.backend': ['interval'],
  'rate_limit.frontend': ['interval'],
}).flatMap(([section, names]) => names.map((n) => `${section}.${n}`));
/** configToUpdate: the sections of AIStore's config the CR may change, and what the decoder judges there. */
const CONFIG: Record<string, DecodedKind> = {
  ...each('mirror.', ['copies'], 'int64'),
  ...each('mirror.', ['burst_buffer'], 'int'),
  ...each('ec.', [...BUFFERED, 'data_slices', 'parity_slices'], 'int'),
  ...each('ec.', ['objsize_limit'], 'int64'),
  ...each('get_batch.', [...BUFFERED, 'warmup_workers', 'max_soft_errs', 'max_gfn'], 'int'),
  ...each('space.', ['cleanupwm', 'lowwm', 'highwm', 'out_of_space', 'batch_size'], 'int64'),
  ...each('lru.', ['batch_size'], 'int64'),
  ...each('disk.', ['disk_util_low_wm', 'disk_util_high_wm', 'disk_util_max_wm'], 'int64'),
  ...each('net.http.', ['idle_conns_per_host', 'idle_conns', 'write_buffer_size', 'read_buffer_size'], 'int'),
  ...each('net.http.', ['client_auth_tls'], 'int'),
  ...each('fshc.', ['test_files', 'error_limit', 'io_err_limit'], 'int'),
  ...each('chunks.', ['checkpoint_every'], 'int'),
  ...each('chunks.', ['flags'], 'uint64'),
  ...each('keepalivetracker.', ['proxy.factor', 'target.factor', 'retry_factor'], 'uint8'),
  ...each('keepalivetracker.', ['num_retries'], 'int'),
  ...each(
    '',
    ['rebalance', 'distributed_sort', 'tcb', 'tco', 'arch'].flatMap((s) => BUFFERED.map((b) => `${s}.${b}`)),
    'int',
  ),
  ...each('transport.', ['max_header', 'burst_buffer', 'lz4_block'], 'int'),
  ...each('memsys.', ['min_pct_total', 'min_pct_free'], 'int'),
  ...each(
    'rate_limit.',
    ['backend.num_retries', 'backend.max_tokens', 'frontend.burst_size', 'frontend.max_tokens'],
    'int',
  ),
  ...each(
    '',
    ['log.max_size', 'log.max_total', 'memsys.min_free', 'memsys.default_buf', 'memsys.to_gc'],
    'size-iec',
  ),
  ...each('chunks.', ['objsize_limit', 'max_monolithic_size', 'chunk_size'], 'size-iec'),
  ...each('', CONFIG_DURATIONS, 'duration'),
};

/** Every field of the spec the decoder judges, by path ("[]" for each item of a list), with its kind. */
export const DECODED_FIELDS: Readonly<Record<string, DecodedKind>> = {
  'spec.size': 'int32',
  ...Object.fromEntries(Object.entries(CONFIG).map(([p, t]) => [`spec.configToUpdate.${p}`, t])),
  ...Object.fromEntries(Object.entries(DAEMON).map(([p, t]) => [`spec.proxySpec.${p}`, t])),
  ...Object.fromEntries(Object.entries(DAEMON).map(([p, t]) => [`spec.targetSpec.${p}`, t])),
  'spec.targetSpec.pdb.maxUnavailable': 'int-or-string',
  ...Object.fromEntries(Object.entries(SCHEDULING).map(([p, t]) => [`spec.adminClient.${p}`, t])),
  ...each('spec.tls.certificate.', ['duration', 'renewBefore'], 'duration'),
};

/** The paths as a tree, walked along the object: a review visits only the fields its CR has. */
interface Branch {
  kind?: DecodedKind;
  next: Map<string, Branch>;
}
const TREE: Branch = { next: new Map() };
for (const [path, kind] of Object.entries(DECODED_FIELDS)) {
  let at = TREE;
  for (const segment of path.replaceAll('[]', '.[]').split('.')) {
    const next = at.next.get(segment) ?? { next: new Map() };
    at.next.set(segment, next);
    at = next;
  }
  at.kind = kind;
}

/** A value the operator's decoder refuses. */
export interface Undecodable {
  /** The field's place, from the object's root. */
  at: (string | number)[];
  value: number | string;
  kind: DecodedKind;
  /** What is wrong with it, in words. */
  problem: string;
}

/** What the decoder finds wrong with `value` in a field of `kind` ("is …"); undefined when it decodes. */
function problemOf(value: unknown, kind: DecodedKind): string | undefined {
  if (kind === 'duration' || kind === 'size-iec') {
    if (typeof value !== 'string') return undefined;
    const problem = kind === 'duration' ? durationProblem(value) : sizeProblem(value);
    return problem && `no ${kind === 'duration' ? 'Go duration' : 'IEC size'}: ${problem}`;
  }
  if (typeof value !== 'number') return undefined;
  const [min, max] = INTEGER_BOUNDS[kind];
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `no ${kind === 'int-or-string' ? 'int32' : kind} (${min} to ${max})`;
}

/**
 * The values of an AIStore the operator's decoder refuses. Values of another JSON type (a number
 * for a duration, text for an integer) are the CRD's to refuse; an int-or-string's text is text.
 */
export function undecodableFields(object: unknown): Undecodable[] {
  const out: Undecodable[] = [];
  // The place is a chain to the root, made an array only for a value reported: a review walks
  // every field of its CR that the tree names, and reports none on most.
  const walk = (value: unknown, branch: Branch, place: Place | undefined) => {
    const problem = branch.kind === undefined ? undefined : problemOf(value, branch.kind);
    if (problem !== undefined)
      out.push({ at: pathOf(place), value: value as number | string, kind: branch.kind!, problem });
    if (Array.isArray(value)) {
      const items = branch.next.get('[]');
      if (items) value.forEach((item, i) => walk(item, items, { key: i, up: place }));
    } else if (typeof value === 'object' && value !== null)
      for (const [key, next] of branch.next)
        if (Object.hasOwn(value, key))
          walk((value as Record<string, unknown>)[key], next, { key, up: place });
  };
  walk(object, TREE, undefined);
  return out;
}

interface Place {
  key: string | number;
  up: Place | undefined;
}

function pathOf(place: Place | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p = place; p; p = p.up) path.unshift(p.key);
  return path;
}
