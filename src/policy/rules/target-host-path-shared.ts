// A useHostPath mount is mounted at <path>/<ns>/<cr>/target with no per-pod subPath,
// so two targets on one node would write into the same directory.
import { hostPortsKeepTargetsApart, mountsOf } from '../aistore.js';
import { describeLayout, sharedOnceScaled } from '../layout.js';
import { lastChance } from '../messages.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink, pointer } from '../rule.js';

export default defineRule({
  id: 'target-host-path-shared',
  title: 'useHostPath mount in a multi-target layout',
  summary:
    'A targetSpec mount with useHostPath: true in a multi-target layout (targets on one node share the directory): deny; on a single-target CR created with anti-affinity off: warn (it cannot change later).',
  verdict: 'deny / warn',
  operator: `For a useHostPath mount the operator mounts the host directory <path>/<namespace>/<cr>/target, the same for every target (${operatorLink('internal/resources/aistore/target/volumes.go', 81, 'appendHostPathDataVolumes')}).`,
  howToFix: 'Drop `useHostPath`; give the mount a storageClass and one PV per (target, mount).',
  upstream: `${MULTI_TARGET_DOC}#persistent-volume-configuration ("Properly setting up PVs and PVCs is crucial")`,
  roles: ['aistore'],
  mutates: false,
  // With a host port on every target no two share a node, nor a host directory.
  keepsTargetsApart: hostPortsKeepTargetsApart,
  check({ subject, layout, operation, report }) {
    const { crName, namespace } = subject;
    if (!layout.multiTarget) {
      // One target now, anti-affinity off: the one time the mount can still change.
      if (operation !== 'CREATE' || !sharedOnceScaled(layout) || hostPortsKeepTargetsApart(subject.object))
        return;
      for (const mount of mountsOf(subject.object))
        if (mount.useHostPath)
          report.warn(
            pointer('spec', 'targetSpec', 'mounts', mount.index, 'useHostPath'),
            `mount ${mount.path} uses useHostPath with target anti-affinity disabled: targets that come to share a node would share one data directory.`,
            lastChance('Drop useHostPath'),
          );
      return;
    }
    for (const mount of mountsOf(subject.object)) {
      if (!mount.useHostPath) continue;
      report.deny(
        pointer('spec', 'targetSpec', 'mounts', mount.index, 'useHostPath'),
        `mount ${mount.path} uses useHostPath in a ${describeLayout(layout)}: the operator mounts ${mount.path}/${namespace}/${crName}/target ` +
          'with no per-pod subPath, so targets on the same node would share one data directory.',
        'Drop useHostPath and give the mount a storageClass; bind each target to its own disk with one PV per (target, mount) ' +
          '(claimRef to the target claim, nodeAffinity to its node). `ais-guard plan` generates them.',
      );
    }
  },
});
