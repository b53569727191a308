// The mount rules (mount-template-name, mount-path-unique) held to what the operator and Kubernetes
// do with a CR's mounts, written down here from the operator v3.4.0 source and Kubernetes validation:
// - a mount that is not useHostPath becomes a volumeClaimTemplate named CR name + the path with every
//   "/" turned into "-" (Mount.GetPVCName), which is also a pod volume's name: a DNS-1123 label of at
//   most 63 characters (ValidateVolumes); templates of one name collapse into one pod volume
//   (updateStorage keys them by name), so two mounts would share one disk;
// - a template named like a pod volume the operator adds takes that volume's place (updateStorage):
//   config-template, config-mount, config-global, logs-dir, state-mount (state on hostPath here) and
//   host-data-mount-<i> for each useHostPath mount i (getHostPathVolumeName);
// - every mount is a volumeMount of the aisnode container at its path and an aisnode mountpath
//   (definePathsWithLabels); aisnode cleans it (ValidateMpath: absolute, not "/", at most 255 bytes)
//   and refuses one mountpath inside another; the container already mounts /var/ais_config,
//   /var/log/ais and /etc/ais (NewAISVolumeMounts).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { posix } from 'node:path';
import { aistore, findingsOf, run, type MountSpec } from '../support/builders.js';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const FIXED_VOLUMES = ['config-template', 'config-mount', 'config-global', 'logs-dir', 'state-mount'];
const OPERATOR_DIRS = ['/var/ais_config', '/var/log/ais', '/etc/ais'];
const HOST_PATH_VOLUME = /^host-data-mount-(0|[1-9][0-9]*)$/;

/** Whether the operator's target pods come up and aisnode takes every mountpath. */
function deployable(crName: string, mounts: MountSpec[]): boolean {
  const volumes = new Set(FIXED_VOLUMES);
  mounts.forEach((m, i) => {
    if (m.useHostPath) volumes.add(`host-data-mount-${i}`);
  });
  const templates = new Set<string>();
  const dirs: string[] = [];
  for (const m of mounts) {
    if (!m.path.startsWith('/')) return false;
    if (m.path.split('/').includes('..')) return false; // the guard's choice: one spelling per directory
    const dir = posix.normalize(m.path).replace(/(.)\/$/, '$1');
    if (dir === '/' || Buffer.byteLength(dir) > 255 || OPERATOR_DIRS.includes(dir)) return false;
    dirs.push(dir);
    if (m.useHostPath) continue;
    const template = crName + m.path.replaceAll('/', '-');
    if (template.length > 63 || !LABEL.test(template)) return false;
    // The guard's choice: host-data-mount-<i> is refused whether or not mount i is a useHostPath one
    // (mount-template-name, "whether or not the CR turns that volume on"; CR host, mount /data-mount/2).
    if (volumes.has(template) || HOST_PATH_VOLUME.test(template) || templates.has(template)) return false;
    templates.add(template);
  }
  for (const a of dirs) for (const b of dirs) if (a !== b && b.startsWith(`${a}/`)) return false;
  return new Set(dirs).size === dirs.length;
}

const segment = fc.constantFrom(
  'data',
  'mount',
  '0',
  '1',
  '2',
  'a-b',
  'a',
  'b',
  'A',
  'é',
  '.',
  '_x',
  '',
  'ais',
  'config',
  'dir',
  'logs',
  'var',
  'etc',
  'x'.repeat(40),
  'host',
  'data-mount',
);
const path = fc
  .tuple(
    fc.constantFrom('/', '/', '/', '//', ''),
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '', '/'),
  )
  .map(([lead, parts, trail]) => lead + parts.join('/') + trail);
const mount = fc
  .record({ path, useHostPath: fc.boolean() })
  .map(({ path: p, useHostPath }): MountSpec =>
    useHostPath ? { path: p, useHostPath } : { path: p, size: '1Ti' },
  );

describe('mount rules against the operator and Kubernetes', () => {
  it('deny a CR exactly when its targets would not come up with every mountpath', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ais', 'host', 'config', 'a'),
        fc.array(mount, { minLength: 1, maxLength: 4 }),
        (crName, mounts) => {
          const ev = run({ name: 'x', object: aistore({ name: crName, mounts }) });
          const denied = [
            ...findingsOf(ev, 'mount-template-name'),
            ...findingsOf(ev, 'mount-path-unique'),
          ].some((f) => f.severity === 'deny');
          expect({ crName, mounts, denied }).toEqual({ crName, mounts, denied: !deployable(crName, mounts) });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
