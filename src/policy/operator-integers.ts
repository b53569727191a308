// The integers of an AIStore spec and the Go type the operator decodes each into (its own types in
// api/aistore/v1beta1 aistore_types.go and aisconfig.go, and the Kubernetes types they embed). A
// number its type cannot hold makes the whole CR undecodable for the operator: its webhook refuses
// the CR, and its controller's list of AIStores fails while the CR exists. The CRD does not stop
// such a number everywhere: it gives no range for the uint8 and int fields at all (a retry_factor
// of 256 is stored), and it holds `format: int32` to its range only from Kubernetes 1.36.
//
// The oracle (test/oracle, `aisguard-oracle integers`) checks this list against the operator's Go
// types field by field, and each type's bounds against its decoder.

/** A Go integer type; int-or-string is intstr.IntOrString, whose number is an int32. */
export type GoInteger = 'int' | 'int32' | 'int64' | 'uint8' | 'uint64' | 'int-or-string';

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

const each = (prefix: string, names: readonly string[], type: GoInteger) =>
  Object.fromEntries(names.map((n) => [`${prefix}${n}`, type])) as Record<string, GoInteger>;

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
const DAEMON: Record<string, GoInteger> = {
  ...each('', ['servicePort', 'portPublic', 'portIntraControl', 'portIntraData'], 'int-or-string'),
  ...each('securityContext.', ['runAsUser', 'runAsGroup', 'supplementalGroups[]', 'fsGroup'], 'int64'),
  ...each('', ['size', 'hostPort', 'autoScale.sizeLimit', 'autoScale.maxUnavailable', ...PROBES], 'int32'),
  ...each('capabilities.', ['runAsUser', 'runAsGroup'], 'int64'),
  ...each('aisContainerSecurityContext.', ['runAsUser', 'runAsGroup'], 'int64'),
  ...SCHEDULING,
};
const BUFFERED = ['bundle_multiplier', 'burst_buffer'];
/** configToUpdate: the sections of AIStore's config the CR may change, and their integers. */
const CONFIG: Record<string, GoInteger> = {
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
};

/** Every integer of the spec, by path ("[]" for each item of a list), with its Go type. */
export const OPERATOR_INTEGERS: Readonly<Record<string, GoInteger>> = {
  'spec.size': 'int32',
  ...Object.fromEntries(Object.entries(CONFIG).map(([p, t]) => [`spec.configToUpdate.${p}`, t])),
  ...Object.fromEntries(Object.entries(DAEMON).map(([p, t]) => [`spec.proxySpec.${p}`, t])),
  ...Object.fromEntries(Object.entries(DAEMON).map(([p, t]) => [`spec.targetSpec.${p}`, t])),
  'spec.targetSpec.pdb.maxUnavailable': 'int-or-string',
  ...Object.fromEntries(Object.entries(SCHEDULING).map(([p, t]) => [`spec.adminClient.${p}`, t])),
};

/** The paths as a tree, walked along the object: a review visits only the fields its CR has. */
interface Branch {
  type?: GoInteger;
  next: Map<string, Branch>;
}
const TREE: Branch = { next: new Map() };
for (const [path, type] of Object.entries(OPERATOR_INTEGERS)) {
  let at = TREE;
  for (const segment of path.replaceAll('[]', '.[]').split('.')) {
    const next = at.next.get(segment) ?? { next: new Map() };
    at.next.set(segment, next);
    at = next;
  }
  at.type = type;
}

/** A number the operator's Go type for its field cannot hold. */
export interface Undecodable {
  /** The field's place, from the object's root. */
  at: (string | number)[];
  value: number;
  type: GoInteger;
}

function fits(value: number, type: GoInteger): boolean {
  const [min, max] = INTEGER_BOUNDS[type];
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * The numbers of an AIStore whose field's Go type cannot hold them. Other values (a string, an
 * object) are the CRD's to refuse; an int-or-string's text is decoded as text.
 */
export function undecodableIntegers(object: unknown): Undecodable[] {
  const out: Undecodable[] = [];
  const walk = (value: unknown, branch: Branch, at: (string | number)[]) => {
    if (branch.type !== undefined && typeof value === 'number' && !fits(value, branch.type))
      out.push({ at, value, type: branch.type });
    if (Array.isArray(value)) {
      const items = branch.next.get('[]');
      if (items) value.forEach((item, i) => walk(item, items, [...at, i]));
    } else if (typeof value === 'object' && value !== null)
      for (const [key, next] of branch.next)
        if (Object.hasOwn(value, key)) walk((value as Record<string, unknown>)[key], next, [...at, key]);
  };
  walk(object, TREE, []);
  return out;
}
