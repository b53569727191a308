// Every mount becomes a volumeMount of the target's aisnode container at its path as written, after
// the operator's own mounts. Kubernetes rejects a pod whose container mounts one path twice ("must be
// unique"). It does not check a StatefulSet's template for that: the target StatefulSet is stored,
// and every pod its controller makes is rejected, so no target starts and nobody is told at apply
// time (test/e2e/16-mount-paths). Two spellings of one directory pass even the pod check.
import {
  containerPath,
  MAX_MOUNTS,
  mountCount,
  mountsOf,
  operatorMountPaths,
  type AIStoreCR,
  type Mount,
} from '../aistore.js';
import { LISTED } from '../messages.js';
import { defineRule, operatorLink, pointer, type Reporter } from '../rule.js';

export default defineRule({
  id: 'mount-path-unique',
  title: 'Mount paths are distinct container paths',
  summary:
    'Each targetSpec mount path is a directory of its own in the target container: not another mount\'s, not inside another mount (aisnode refuses nested mountpaths), not through "..", not the root directory nor longer than 255 bytes (aisnode refuses those mountpaths too), and not one the operator mounts itself (/etc/ais, /var/ais_config, /var/log/ais, and /var/certs, /var/traces, /root/.aws, /var/gcp, /root/.oci when their fields are set): deny otherwise.',
  verdict: 'deny',
  operator: `The operator mounts each mount at its path in the aisnode container, after its own mounts (${operatorLink('internal/resources/aistore/target/volumes.go', 107, 'newVolumeMounts')}, ${operatorLink('internal/resources/aistore/cmn/volumes.go', 220, 'NewAISVolumeMounts')}), and makes each an AIStore mountpath of the target (${operatorLink('internal/resources/aistore/target/configmap.go', 63, 'definePathsWithLabels')}); Kubernetes rejects a pod whose container mounts one path twice, aisnode a mountpath inside another.`,
  howToFix:
    'Mount each disk at a path of its own, outside the directories the operator uses, e.g. /ais/nvme0n1.',
  upstream:
    'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go (ValidateVolumeMounts: a container\'s mountPath "must be unique")',
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const cr: AIStoreCR = subject.object;
    // Over the limit, mount-template-name denies the CR unread; so does this rule's VAP twin.
    if (mountCount(cr) > MAX_MOUNTS) return;
    const reserved = operatorMountPaths(cr);
    const deny = listedDenials(report);
    const seen = new Map<string, Mount>();
    for (const mount of mountsOf(cr)) {
      // A relative path is mount-template-name's to deny; it has no place to compare.
      if (!mount.path.startsWith('/')) continue;
      const at = pointer('spec', 'targetSpec', 'mounts', mount.index, 'path');
      const key = containerPath(mount.path);
      const refused = unusableMountpath(key);
      if (refused !== undefined) {
        deny(
          'unusable',
          at,
          `mount ${mount.path} is ${refused}.`,
          'Write each mount as the directory itself, without "..", one of its own, e.g. /ais/nvme0n1.',
        );
        continue;
      }
      const operatorUse = reserved.get(key);
      if (operatorUse !== undefined) {
        // Written as the operator writes it, Kubernetes refuses the pods; spelled otherwise, it
        // admits them and the runtime mounts one volume over the other.
        deny(
          'operator',
          at,
          `mount ${mount.path} is where the operator mounts ${operatorUse} in the target container: ${
            mount.path === key
              ? 'Kubernetes rejects every target pod, whose container would mount one path twice, so no target starts.'
              : 'one volume would hide the other.'
          }`,
          'Mount the disk at a path of its own, e.g. /ais/nvme0n1.',
        );
        continue;
      }
      const other = seen.get(key);
      seen.set(key, mount);
      if (other === undefined) continue;
      // Two claim mounts on one path also share a claim template name: mount-template-name says so.
      if (other.path === mount.path && !other.useHostPath && !mount.useHostPath) continue;
      deny(
        'twice',
        at,
        other.path === mount.path
          ? `mounts ${other.index} and ${mount.index} both mount ${mount.path} in the target container: Kubernetes rejects every target pod, whose container would mount one path twice, so no target starts.`
          : `mounts ${other.path} and ${mount.path} are one directory (${key}) in the target container: one disk would hide the other.`,
        'Give every mount a path of its own.',
      );
    }
    denyNested([...seen.values()], deny);
    deny.countTheRest();
  },
});

type Kind = 'unusable' | 'operator' | 'twice' | 'nested';
type Deny = ((kind: Kind, at: string, message: string, fix: string) => void) & { countTheRest(): void };

/**
 * report.deny for the first LISTED findings of each kind; the rest are counted in one finding at the
 * end, as pv-target-binding counts a PV's clashes. A CR of ~1,000 nested mounts got a finding each:
 * a 434 KB status message.
 */
function listedDenials(report: Reporter): Deny {
  const listed = new Map<Kind, number>();
  let unlisted = 0;
  const deny = (kind: Kind, at: string, message: string, fix: string) => {
    const n = (listed.get(kind) ?? 0) + 1;
    listed.set(kind, n);
    if (n <= LISTED) report.deny(at, message, fix);
    else unlisted++;
  };
  return Object.assign(deny, {
    countTheRest() {
      if (unlisted > 0)
        report.deny(
          pointer('spec', 'targetSpec', 'mounts'),
          `${unlisted} more mount path(s) are refused in the ways above (not listed one by one).`,
          'Give every mount a directory of its own, none inside another nor where the operator mounts, e.g. /ais/nvme0n1 and /ais/nvme1n1.',
        );
    },
  });
}

/** The longest mountpath aisnode takes, in bytes once cleaned (aistore cmn/config.go maxLenMountpath). */
export const MAX_MOUNTPATH = 255;

/**
 * Why aisnode refuses a mountpath at start, undefined when it takes it: the root directory, or a path
 * longer than it allows (aistore cmn/config.go ValidateMpath, called for every fspath by
 * FSPConf.Validate).
 */
function unusableMountpath(key: string): string | undefined {
  // aisnode resolves ".." (filepath.Clean): /ais/.. is the root to it, /ais/x/../sda is /ais/sda;
  // the container's volumeMount and the claim template name take the path as written, and the
  // operator's host directory of a useHostPath mount is path.Join(path, ns, cr, "target")
  // (target/volumes.go appendHostPathDataVolumes), cleaned: /ais/.. puts it under the host's root.
  // One spelling for all of them is the directory itself.
  if (key.split('/').includes('..'))
    return 'a path through "..": aisnode resolves it (to another mountpath, or the root) while the container mounts it as written, and a useHostPath mount\'s host directory moves with it (/ais/.. puts it under the host\'s root)';
  const refused =
    'every mount is an AIStore mountpath of the target, and aisnode refuses to start with such a mountpath, so every target fails at start';
  if (key === '/') return `the root directory, which aisnode takes for no mountpath: ${refused}`;
  // Go's len: bytes, not characters.
  const bytes = UTF8.encode(key).length;
  if (bytes > MAX_MOUNTPATH)
    return `${bytes} bytes long as a directory, past the ${MAX_MOUNTPATH} aisnode allows a mountpath: ${refused}`;
  return undefined;
}

const UTF8 = new TextEncoder();

/**
 * The operator makes every mount an AIStore mountpath of the target (its local config's fspaths), and
 * aisnode refuses to start with one mountpath inside another. Kubernetes mounts nested volumes
 * without a word, so the pods run, bind their disks, and every target exits at start.
 */
function denyNested(mounts: Mount[], deny: Deny): void {
  // Each mount's directories above it, looked up by path: linear in the mounts (a CR may have 1,024).
  const position = new Map(mounts.map((m, i) => [containerPath(m.path), i]));
  for (const mount of mounts) {
    const parts = containerPath(mount.path).split('/');
    let outer: number | undefined;
    for (let n = parts.length - 1; n >= 1; n--) {
      const at = position.get(parts.slice(0, n).join('/') || '/');
      // The first such mount in the CR's order, whichever level it is at.
      if (at !== undefined && (outer === undefined || at < outer)) outer = at;
    }
    if (outer === undefined) continue;
    deny(
      'nested',
      pointer('spec', 'targetSpec', 'mounts', mount.index, 'path'),
      `mount ${mount.path} is inside mount ${mounts[outer]!.path}: every mount is an AIStore mountpath of the target, and aisnode refuses to start with one inside another ("mountpath nesting is not permitted"), so every target fails at start.`,
      'Give every mount a directory of its own, none inside another, e.g. /ais/nvme0n1 and /ais/nvme1n1.',
    );
  }
}
