// Each row is a pod or container security context Kubernetes' pod validation (pkg/apis/core/validation
// validatePodSpecSecurityContext, ValidateSecurityContext, v1.33) refuses or takes, on the pods of the
// StatefulSet the operator renders from the CR. The e2e suite (test/e2e/23-daemon-pods) asks the real
// apiserver about the pods of the operator's own rendering of such CRs.
import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

type Spec = Record<string, Record<string, unknown>>;

/** The CR with `fields` on the targets (or the daemon named). */
function cr(fields: Record<string, unknown>, daemon: 'targetSpec' | 'proxySpec' = 'targetSpec'): KubeObject {
  const o = structuredClone(aistore());
  Object.assign((o.spec as Spec)[daemon]!, fields);
  return o;
}
const pod = (securityContext: Record<string, unknown>) => cr({ securityContext });
const container = (aisContainerSecurityContext: Record<string, unknown>) =>
  cr({ aisContainerSecurityContext });

const REFUSED =
  /^spec.targetSpec: Kubernetes refuses every target pod made from the operator's StatefulSet \(from 1.36 the StatefulSet itself\): /;

const rows: Row[] = [
  {
    name: 'security contexts Kubernetes takes',
    object: cr({
      securityContext: {
        runAsUser: 0,
        runAsGroup: 2147483647,
        fsGroup: 1000,
        supplementalGroups: [0, 5],
        fsGroupChangePolicy: 'OnRootMismatch',
        supplementalGroupsPolicy: 'Strict',
        seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/ais.json' },
        appArmorProfile: { type: 'RuntimeDefault' },
      },
      aisContainerSecurityContext: {
        runAsUser: 1000,
        procMount: 'Default',
        allowPrivilegeEscalation: false,
        capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] },
        seccompProfile: { type: 'Localhost', localhostProfile: '' },
        appArmorProfile: { type: 'Localhost', localhostProfile: 'ais' },
      },
    }),
    expect: {},
  },
  {
    name: 'a negative user',
    object: pod({ runAsUser: -1 }),
    expect: {
      warn: [
        new RegExp(
          REFUSED.source +
            /securityContext\.runAsUser -1 is not between 0 and 2147483647\. The targets never start/.source,
        ),
      ],
    },
  },
  {
    name: 'a group past MaxInt32, and a supplemental group below 0',
    object: pod({ fsGroup: 2147483648, supplementalGroups: [1, -5] }),
    expect: {
      warn: [
        /securityContext.fsGroup 2147483648 is not .+; securityContext.supplementalGroups\[1\] -5 is not between/,
      ],
    },
  },
  {
    name: 'a policy in the wrong case',
    object: pod({ fsGroupChangePolicy: 'onRootMismatch', supplementalGroupsPolicy: 'merge' }),
    expect: {
      warn: [
        /securityContext.fsGroupChangePolicy "onRootMismatch" is none of OnRootMismatch, Always; securityContext.supplementalGroupsPolicy "merge" is none of Merge, Strict/,
      ],
    },
  },
  {
    name: 'a seccomp type in the wrong case',
    object: pod({ seccompProfile: { type: 'runtime/default' } }),
    expect: { warn: [/securityContext.seccompProfile.type "runtime\/default" is none of Localhost/] },
  },
  {
    name: 'a seccomp Localhost profile missing, or outside the profile root',
    object: cr({
      securityContext: { seccompProfile: { type: 'Localhost' } },
      aisContainerSecurityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '/etc/x.json' } },
    }),
    expect: {
      warn: [
        /securityContext.seccompProfile of type Localhost needs a localhostProfile; aisContainerSecurityContext.seccompProfile.localhostProfile "\/etc\/x.json" is no relative path/,
      ],
    },
  },
  {
    name: 'a localhostProfile with another type',
    object: pod({ seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'x' } }),
    expect: { warn: [/seccompProfile.localhostProfile is only for type Localhost/] },
  },
  {
    name: 'AppArmor: an empty type, a padded profile',
    object: cr({
      securityContext: { appArmorProfile: { type: '' } },
      aisContainerSecurityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: ' ais' } },
    }),
    expect: {
      warn: [
        /securityContext.appArmorProfile.type "" is none of .+; aisContainerSecurityContext.appArmorProfile.localhostProfile " ais" is padded/,
      ],
    },
  },
  {
    name: 'AppArmor Localhost with an empty profile',
    object: container({ appArmorProfile: { type: 'Localhost', localhostProfile: '' } }),
    expect: { warn: [/appArmorProfile of type Localhost needs a localhostProfile/] },
  },
  {
    name: 'procMount Unmasked, which needs hostUsers false',
    object: container({ procMount: 'Unmasked' }),
    expect: { warn: [/aisContainerSecurityContext.procMount "Unmasked" is none of Default/] },
  },
  {
    name: 'privileged, or CAP_SYS_ADMIN, with allowPrivilegeEscalation false',
    object: container({
      allowPrivilegeEscalation: false,
      privileged: true,
      capabilities: { add: ['CAP_SYS_ADMIN'] },
    }),
    expect: {
      warn: [
        /aisContainerSecurityContext.privileged true with allowPrivilegeEscalation false; aisContainerSecurityContext.capabilities.add CAP_SYS_ADMIN with allowPrivilegeEscalation false/,
      ],
    },
  },
  {
    name: 'the deprecated capabilities field, used while aisContainerSecurityContext is unset',
    object: cr({ capabilities: { runAsUser: -1 } }),
    expect: { warn: [/capabilities.runAsUser -1 is not between/] },
  },
  {
    name: 'the deprecated capabilities field, unused while aisContainerSecurityContext is set',
    object: cr({ capabilities: { runAsUser: -1 }, aisContainerSecurityContext: {} }),
    expect: {},
  },
  {
    name: 'a net sysctl on targets with hostNetwork, written either way',
    object: cr({
      hostNetwork: true,
      securityContext: {
        sysctls: [
          { name: 'net.core.somaxconn', value: '1024' },
          { name: 'net/ipv4/ip_local_port_range', value: '1024 65000' },
          { name: 'kernel.shm_rmid_forced', value: '1' },
        ],
      },
    }),
    expect: {
      warn: [
        /sysctls\[0\].name "net.core.somaxconn" is a net sysctl, which a hostNetwork pod may not set; securityContext.sysctls\[1\].name "net\/ipv4\/ip_local_port_range" is a net/,
      ],
    },
  },
  {
    name: 'a net sysctl without hostNetwork, and on proxies (the operator gives them no host network)',
    object: cr(
      { securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] } },
      'proxySpec',
    ),
    expect: {},
  },
  {
    name: 'the proxies, named as such',
    object: cr({ securityContext: { runAsUser: -1 } }, 'proxySpec'),
    expect: { warn: [/^spec.proxySpec: Kubernetes refuses every proxy pod .+ The proxies never start/] },
  },
  {
    name: 'on UPDATE too',
    object: pod({ runAsUser: -1 }),
    operation: 'UPDATE',
    oldObject: cr({}),
    expect: { warn: [REFUSED] },
  },
];

describe('rule daemon-security-refused', () => {
  it.each(rows)('$name', (row) => {
    checkRow('daemon-security-refused', row);
  });
});
